"""`DivergenceGuard`: stop training when a GAN loss becomes NaN or infinite."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras

__all__ = ["DivergenceGuard"]


class DivergenceGuard(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose monitored losses are NaN or infinite.

    Sets `model.stop_training = True`, records `diverged_at` (`{"epoch", "batch", "step"}`) and
    a human-readable `message`, and marks the trainer as diverged so that `GANCheckpoint`
    writes no further checkpoint: the last good one stays the latest.

    Example:
        >>> from ganlib.callbacks import DivergenceGuard
        >>> guard = DivergenceGuard()
        >>> guard.diverged_at is None
        True
    """

    def __init__(self, monitor: Sequence[str] = ("d_loss", "g_loss"), verbose: bool = True):
        super().__init__()
        if isinstance(monitor, str):
            monitor = (monitor,)
        self.monitor = tuple(monitor)
        self.verbose = verbose
        self.diverged_at: dict[str, int] | None = None
        self.message: str | None = None
        self._epoch = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.diverged_at, self.message = None, None
        self.model.diverged = False

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        bad = {k: float(logs[k]) for k in self.monitor if k in logs}
        bad = {k: v for k, v in bad.items() if not math.isfinite(v)}
        if not bad or self.diverged_at is not None:
            return
        step = int(self.model.step_counter.numpy())
        self.diverged_at = {"epoch": self._epoch, "batch": batch, "step": step}
        values = ", ".join(f"{k}={v}" for k, v in bad.items())
        self.message = (
            f"Training diverged at epoch {self._epoch + 1}, step {step}: {values}. Stopped; "
            "the last checkpoint written before this point is the one to resume from."
        )
        self.model.diverged = True
        self.model.stop_training = True
        if self.verbose:
            keras.utils.io_utils.print_msg(self.message)
