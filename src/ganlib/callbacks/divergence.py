"""`DivergenceGuard`: stop training when a GAN loss or the training state becomes NaN/Inf."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

from ganlib._compat import print_msg
from ganlib._validation import positive_int

__all__ = ["DivergenceGuard"]


def _float_variables(model: Any) -> list[Any]:
    variables = list(model.generator.weights) + list(model.discriminator.weights)
    for opt in (model.g_optimizer, model.d_optimizer):
        variables += list(opt.variables) if opt is not None else []
    return [v for v in variables if tf.as_dtype(v.dtype).is_floating]


class DivergenceGuard(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose losses or training state are NaN or infinite.

    At each batch end it checks the monitored losses in the logs and, with `check_weights`
    (every `check_every` steps), every float variable of both networks and both optimizers
    in one compiled reduction: weights can blow up while the losses stay finite (a huge
    learning rate gives losses ~1e25 and Inf weights; a fused `Dense(activation="relu")` maps
    NaN to 0 in graph mode). On divergence it sets `model.stop_training = True`, records
    `diverged_at` (`{"epoch", "batch", "step"}`) and a readable `message` naming the loss or
    the first non-finite variable, and records it in the trainer (`trainer.mark_diverged`; read
    back as `trainer.diverged` / `trainer.divergence`) so that `GANCheckpoint` writes no
    further checkpoint: the last good one stays the latest.

    With `steps_per_execution=k` it checks once per call (`batch_hooks_per_execution = True`):
    the logged losses are the epoch's running means, so a NaN/Inf loss at any step of the call
    is still non-finite at its end, and the weights are checked at the call's end once
    `check_every` steps have passed since the last check; `diverged_at` then names the call's
    last step (its `batch` is the index Keras passes, that of a full call of k steps).

    Example:
        >>> from ganlib.callbacks import DivergenceGuard
        >>> guard = DivergenceGuard()
        >>> guard.diverged_at is None
        True
    """

    batch_hooks_per_execution = True

    def __init__(
        self,
        monitor: Sequence[str] = ("d_loss", "g_loss"),
        check_weights: bool = True,
        check_every: int = 1,
        verbose: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(monitor, str):
            monitor = (monitor,)
        positive_int(check_every, "check_every")
        self.monitor = tuple(monitor)
        self.check_weights, self.check_every = check_weights, check_every
        self.verbose = verbose
        self.diverged_at: dict[str, int] | None = None
        self.message: str | None = None
        self._epoch = 0
        self._all_finite: Any = None
        self._last_checked = -1

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.diverged_at, self.message = None, None
        self.model.clear_divergence()
        self._last_checked = -1
        if self.check_weights:
            variables = _float_variables(self.model)

            @tf.function
            def all_finite() -> tf.Tensor:
                return tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in variables])

            self._all_finite = all_finite

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def _first_non_finite(self) -> str:
        for v in _float_variables(self.model):
            if not bool(tf.reduce_all(tf.math.is_finite(v))):
                return str(v.path)
        return "a variable"

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.diverged_at is not None:
            return
        logs = logs or {}
        losses = {k: float(logs[k]) for k in self.monitor if k in logs}
        bad = {k: v for k, v in losses.items() if not math.isfinite(v)}
        step = int(self.model.step_counter.numpy())
        due = self._all_finite is not None and step - self._last_checked >= self.check_every
        if bad:
            what = ", ".join(f"{k}={v}" for k, v in bad.items())
        elif due:
            self._last_checked = step
            if bool(self._all_finite()):
                return
            finite = ", ".join(f"{k}={v:.4g}" for k, v in losses.items())
            what = f"{self._first_non_finite()} holds NaN/Inf (losses {finite} still finite)"
        else:
            return
        self.diverged_at = {"epoch": self._epoch, "batch": batch, "step": step}
        self.message = (
            f"Training diverged at epoch {self._epoch + 1}, step {step}: {what}. Stopped; "
            "the last checkpoint written before this point is the one to resume from."
        )
        self.model.mark_diverged(self.message, **self.diverged_at)
        self.model.stop_training = True
        if self.verbose:
            print_msg(self.message)
