"""`GANCheckpoint`: periodic crash-safe checkpoints of a `GANTrainer`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ganlib._compat import print_msg
from ganlib._validation import optional_positive_int
from ganlib.checkpoint import latest_checkpoint, save_trainer, trainer_arrays
from ganlib.distribute import is_chief
from ganlib.state import TrainerState

__all__ = ["GANCheckpoint"]


class GANCheckpoint(keras.callbacks.Callback):
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

    Example:
        >>> from ganlib.callbacks import GANCheckpoint
        >>> checkpoint = GANCheckpoint("runs/mnist/checkpoints", every_epochs=1, keep=3)
    """

    def __init__(
        self,
        directory: str | Path,
        every_epochs: int | None = 1,
        every_steps: int | None = None,
        keep: int | None = 3,
        verbose: bool = False,
    ) -> None:
        super().__init__()
        optional_positive_int(every_epochs, "every_epochs")
        optional_positive_int(every_steps, "every_steps")
        optional_positive_int(keep, "keep")
        self.directory = Path(directory)
        self.every_epochs, self.every_steps, self.keep = every_epochs, every_steps, keep
        self.verbose = verbose
        self.last_saved: Path | None = None
        self.refused = 0
        self._epoch = 0

    def save(self, epoch: int) -> Path | None:
        """Writes a checkpoint now (`epoch` = completed epochs); None when refused or not chief."""
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
            self.model, self.directory, epoch=epoch, keep=self.keep, arrays=arrays
        )
        if self.verbose:
            print_msg(f"GANCheckpoint: saved {self.last_saved}")
        return self.last_saved

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_epochs and (epoch + 1) % self.every_epochs == 0:
            self.save(epoch + 1)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_steps:
            step = int(self.model.step_counter.numpy())
            if step % self.every_steps == 0:
                self.save(self._epoch)
