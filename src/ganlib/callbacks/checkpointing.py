"""`GANCheckpoint`: periodic crash-safe checkpoints of a `GANTrainer`."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ganlib._compat import print_msg
from ganlib._validation import optional_positive_int
from ganlib.callbacks._per_execution import StepHookOptional
from ganlib.checkpoint import latest_checkpoint, list_checkpoints, save_trainer, trainer_arrays
from ganlib.distribute import is_chief
from ganlib.state import TrainerState

__all__ = ["GANCheckpoint"]


class GANCheckpoint(StepHookOptional, keras.callbacks.Callback):
    """Saves everything needed to resume exactly, atomically, keeping the newest `keep`.

    Saves both networks, both optimizers, the trainer's RNG state and step, and the
    `GeneratorEMA` weights (format: `ganlib.checkpoint`) every `every_epochs` epochs and/or
    every `every_steps` steps. A state holding NaN/Inf, or one after `DivergenceGuard` fired, is
    never saved (a warning names the last good checkpoint), so the last good checkpoint
    survives a divergence. Stopping a diverged run is `DivergenceGuard`'s job, not this
    callback's: use both. Only the chief writes.

    Works with any trainer implementing the checkpoint protocol (`checkpoint_groups()`,
    `compat_config()`, `step_counter`; docs/trainer.md).

    Resume: `epoch = trainer.restore(directory)`, then `fit(..., initial_epoch=epoch)`.
    Epoch-end checkpoints resume exactly; a mid-epoch (`every_steps`) checkpoint resumes
    exactly with `ganlib.data.resumable_batches` and `ganlib.data.fit_segments`
    (docs/howto/resume.md), else at the start of its epoch's next full pass.

    Best checkpoint: with `monitor` (a key of the epoch logs, e.g. "fid" written by a
    `MetricMonitor` placed before this callback), an epoch-end checkpoint is written only when
    the value is finite and better than the best so far (`mode="min"` or `"max"`), so the
    newest checkpoint is the best one (`keep=1` keeps only it). Epochs whose logs lack the
    value are skipped. The value is recorded in the manifest (`"best"`), and a resumed run
    compares against the best recorded in `directory`.

    Example:
        >>> from ganlib.callbacks import GANCheckpoint
        >>> checkpoint = GANCheckpoint("runs/mnist/checkpoints", every_epochs=1, keep=3)
        >>> best = GANCheckpoint("runs/mnist/best", monitor="fid", mode="min", keep=1)
    """

    def __init__(
        self,
        directory: str | Path,
        every_epochs: int | None = 1,
        every_steps: int | None = None,
        keep: int | None = 3,
        verbose: bool = False,
        monitor: str | None = None,
        mode: str = "min",
    ) -> None:
        super().__init__()
        optional_positive_int(every_epochs, "every_epochs")
        optional_positive_int(every_steps, "every_steps")
        optional_positive_int(keep, "keep")
        if mode not in ("min", "max"):
            raise ValueError(f"`mode` must be 'min' or 'max'. Received: mode={mode!r}")
        if monitor is not None:
            if not isinstance(monitor, str) or not monitor:
                raise TypeError(f"`monitor` must be a log key (str). Received: monitor={monitor!r}")
            if every_steps is not None or every_epochs is None:
                raise ValueError(
                    "`monitor` compares epoch-end logs: use it with `every_epochs` and without "
                    f"`every_steps`. Received: every_epochs={every_epochs!r}, "
                    f"every_steps={every_steps!r}"
                )
        self.directory = Path(directory)
        self.every_epochs, self.every_steps, self.keep = every_epochs, every_steps, keep
        self.verbose = verbose
        self.monitor, self.mode = monitor, mode
        self.best: float | None = None
        self.last_saved: Path | None = None
        self.refused = 0
        self._epoch = 0
        self._monitor_seen = False

    def save(self, epoch: int) -> Path | None:
        """Writes a checkpoint now (`epoch` = completed epochs); None when refused or not chief."""
        return self._save(epoch, None)

    def _save(self, epoch: int, metadata: dict[str, Any] | None) -> Path | None:
        arrays = trainer_arrays(self.model)
        finite = all(
            np.isfinite(a).all() for a in arrays.values() if np.issubdtype(a.dtype, np.floating)
        )
        if (isinstance(self.model, TrainerState) and self.model.diverged) or not finite:
            self.refused += 1
            last = self.last_saved
            if last is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    last = latest_checkpoint(self.directory)
            message = (
                "GANCheckpoint: the training state is not finite (diverged); not saving. "
                f"Last good checkpoint: {last}"
            )
            warnings.warn(message, stacklevel=2)
            return None
        if not is_chief(self.model):
            return None
        self.last_saved = save_trainer(
            self.model,
            self.directory,
            epoch=epoch,
            keep=self.keep,
            arrays=arrays,
            metadata=metadata,
        )
        if self.verbose:
            print_msg(f"GANCheckpoint: saved {self.last_saved}")
        return self.last_saved

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.monitor is not None and self.best is None:
            self.best = _recorded_best(self.directory, self.monitor, self.mode)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if not self.every_epochs or (epoch + 1) % self.every_epochs:
            return
        if self.monitor is None:
            self.save(epoch + 1)
            return
        value = (logs or {}).get(self.monitor)
        if value is None:
            if not self._monitor_seen:
                self._monitor_seen = True  # warn once
                warnings.warn(
                    f"GANCheckpoint: `monitor`={self.monitor!r} is not in the epoch logs "
                    f"{sorted(logs or {})}; place the callback that writes it (MetricMonitor) "
                    "before GANCheckpoint. Not saving this epoch.",
                    stacklevel=2,
                )
            return
        self._monitor_seen = True
        value = float(value)
        if not math.isfinite(value) or not _better(value, self.best, self.mode):
            return
        refused = self.refused
        entry = {"monitor": self.monitor, "mode": self.mode, "value": value}
        self._save(epoch + 1, {"best": entry})
        if self.refused == refused:
            self.best = value

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_steps:
            step = int(self.model.step_counter.numpy())
            if step % self.every_steps == 0:
                self.save(self._epoch)


def _better(value: float, best: float | None, mode: str) -> bool:
    return best is None or (value < best if mode == "min" else value > best)


def _recorded_best(directory: str | Path, monitor: str, mode: str = "min") -> float | None:
    """The best `monitor` value recorded by `GANCheckpoint(monitor=)` in `directory`, or None.

    Reads the manifests only (no arrays); entries for another monitor or mode are ignored.
    """
    best: float | None = None
    for folder in list_checkpoints(directory):
        try:
            with open(folder / "manifest.json", encoding="utf-8") as f:
                entry = json.load(f).get("best")
        except (OSError, ValueError, AttributeError):
            continue
        if not isinstance(entry, dict) or entry.get("monitor") != monitor:
            continue
        value = entry.get("value")
        if entry.get("mode") != mode or not isinstance(value, (int, float)):
            continue
        if math.isfinite(value) and _better(float(value), best, mode):
            best = float(value)
    return best
