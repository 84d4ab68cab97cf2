"""`MetricMonitor`: evaluate the generator with any metric function during training."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras

from ganlib._validation import positive_int
from ganlib.callbacks.checkpointing import GANCheckpoint

__all__ = ["MetricMonitor"]


class MetricMonitor(keras.callbacks.Callback):
    """Calls `metric_fn(generator) -> {name: float}` every `every_epochs` epochs into the logs.

    Runs after the first epoch of each `fit` too, so that loggers which fix their columns at
    the first epoch (`CSVLogger`) include the metric (other epochs show "NA" there). Values are
    added to the epoch `logs` (as `prefix + name`), so `History`, `CSVLogger` and `TensorBoard`
    placed after this callback record them; they are also kept in `history`.
    With a `GeneratorEMA` attached (and `use_ema=True`) the generator holds the EMA weights
    during the call. It only measures: to keep the checkpoint of the best value, add
    `GANCheckpoint(directory, monitor=prefix + name, mode=...)` after it. `best_directory`
    (with `monitor`, `mode`) is deprecated: it still works, by handing the saving to such a
    `GANCheckpoint(keep=1)` (`best_checkpoint`), and warns.

    Example:
        >>> import numpy as np
        >>> from ganlib.callbacks import MetricMonitor
        >>> def spread(generator):
        ...     z = np.random.default_rng(0).standard_normal((256, generator.inputs[0].shape[-1]))
        ...     return {"sample_std": float(np.std(generator(z.astype("float32"))))}
        >>> monitor = MetricMonitor(spread, every_epochs=2)
        >>> from ganlib.callbacks import GANCheckpoint
        >>> best = GANCheckpoint("runs/demo/best", monitor="sample_std", mode="max", keep=1)
    """

    def __init__(
        self,
        metric_fn: Callable[[keras.Model], dict[str, float]],
        every_epochs: int = 1,
        prefix: str = "",
        use_ema: bool = True,
        best_directory: str | Path | None = None,
        monitor: str | None = None,
        mode: str = "min",
    ) -> None:
        super().__init__()
        if not callable(metric_fn):
            raise TypeError(f"`metric_fn` must be callable. Received: {metric_fn!r}")
        positive_int(every_epochs, "every_epochs")
        if mode not in ("min", "max"):
            raise ValueError(f"`mode` must be 'min' or 'max'. Received: mode={mode!r}")
        if best_directory is not None and monitor is None:
            raise ValueError("`monitor` (a metric name) is required with `best_directory`.")
        self.metric_fn = metric_fn
        self.every_epochs, self.prefix, self.use_ema = every_epochs, prefix, use_ema
        self.best_directory = None if best_directory is None else Path(best_directory)
        self.monitor, self.mode = monitor, mode
        self.best_checkpoint: GANCheckpoint | None = None
        if best_directory is not None:
            warnings.warn(
                "MetricMonitor(best_directory=) is deprecated: MetricMonitor only measures. "
                f"Add GANCheckpoint({str(best_directory)!r}, monitor={prefix + str(monitor)!r}, "
                f"mode={mode!r}, keep=1) after it instead.",
                DeprecationWarning,
                stacklevel=2,
            )
            self.best_checkpoint = GANCheckpoint(
                best_directory, keep=1, monitor=prefix + str(monitor), mode=mode
            )
        self.history: list[dict[str, float]] = []

    @property
    def best(self) -> float | None:
        """The best `monitor` value checkpointed through the deprecated `best_directory`."""
        return None if self.best_checkpoint is None else self.best_checkpoint.best

    def evaluate(self) -> dict[str, float]:
        """Runs `metric_fn` now (with EMA weights when attached) and returns the values."""
        with self.model.ema_swapped(self.use_ema):
            raw = self.metric_fn(self.model.generator)
        if not isinstance(raw, dict):
            raise TypeError(f"`metric_fn` must return a dict of floats. Received: {raw!r}")
        return {f"{self.prefix}{k}": float(v) for k, v in raw.items()}

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._first_epoch = True
        if self.best_checkpoint is not None:
            self.best_checkpoint.set_model(self.model)
            self.best_checkpoint.on_train_begin(logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        first, self._first_epoch = getattr(self, "_first_epoch", False), False
        if (epoch + 1) % self.every_epochs and not first:
            return
        values = self.evaluate()
        self.history.append({"epoch": float(epoch + 1), **values})
        if logs is not None:
            logs.update(values)
        if self.best_checkpoint is None:
            return
        key = self.prefix + str(self.monitor)
        if key not in values:
            raise KeyError(f"`monitor`={self.monitor!r} is not among {sorted(values)}")
        self.best_checkpoint.on_epoch_end(epoch, {**(logs or {}), **values})
