"""`GeneratorEMA`: an exponential moving average of the generator's weights."""

from __future__ import annotations

import contextlib
from typing import Any

import keras
import tensorflow as tf

__all__ = ["GeneratorEMA"]


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps EMA copies of the generator weights, swapped in for sampling and evaluation.

    After each training step `t > start_step`: `ema <- decay * ema + (1 - decay) * w` for
    trainable weights; non-trainable weights (e.g. BatchNorm statistics) are copied. Up to
    `start_step` the EMA simply follows the weights. When one callback call covers `k` steps
    (`steps_per_execution=k`), the update uses `decay**k` toward the weights after the k-th
    step (so it does not force one step per call: `batch_hooks_per_execution = True`); the
    result differs from k single updates by at most `1 - decay**k` times the largest change of
    a weight within the call. Averaging generator weights:
    Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training".

    The EMA weights belong to the trainer (`trainer.ema_weights`, created by
    `trainer.create_ema_weights()`); this callback only updates them. `GANTrainer.sample`,
    `SampleGrid` and `MetricMonitor` use them through `trainer.ema_swapped()`; `GANCheckpoint`
    saves them next to the raw weights and a restore puts them back.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib import GANTrainer, callbacks
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> ema = callbacks.GeneratorEMA(decay=0.9)
        >>> _ = trainer.fit(np.zeros((32, 2), "float32"), batch_size=16, verbose=0,
        ...                 callbacks=[ema])
        >>> with ema.swapped():
        ...     averaged = g.get_weights()
        >>> len(averaged) == len(ema.variables)
        True
    """

    batch_hooks_per_execution = True  # counts the steps each call covers (docs/callbacks.md)

    def __init__(self, decay: float = 0.999, start_step: int = 0) -> None:
        super().__init__()
        if not 0.0 <= float(decay) < 1.0:
            raise ValueError(f"`decay` must be in [0, 1). Received: decay={decay}")
        if isinstance(start_step, bool) or not isinstance(start_step, int) or start_step < 0:
            raise ValueError(f"`start_step` must be an integer >= 0. Received: {start_step!r}")
        self.decay = float(decay)
        self.start_step = start_step
        self._last_step: int | None = None
        self._update_fn: Any = None

    def set_model(self, model: keras.Model) -> None:
        if not callable(getattr(model, "create_ema_weights", None)) or not hasattr(
            model, "step_counter"
        ):
            raise TypeError(f"GeneratorEMA needs a GANTrainer. Received: {type(model).__name__}")
        super().set_model(model)

    @property
    def built(self) -> bool:
        """True once the trainer holds EMA weights."""
        model = getattr(self, "_model", None)
        return model is not None and model.ema_weights is not None

    @property
    def variables(self) -> list[keras.Variable]:
        """The trainer's EMA weights (empty before `build`)."""
        model = getattr(self, "_model", None)
        return (model.ema_weights or []) if model is not None else []

    def build(self) -> None:
        """Has the trainer create its EMA weights (copies of the generator's, or restored)."""
        self.model.create_ema_weights()

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.build()
        self._last_step = int(self.model.step_counter.numpy())

    def update(self, steps: int = 1) -> None:
        """Applies `steps` EMA steps toward the current weights (`decay**steps`)."""
        if self._update_fn is None:
            variables = self.model.create_ema_weights()
            weights = list(self.model.generator.weights)
            trainable = {id(w) for w in self.model.generator.trainable_weights}
            averaged = [id(w) in trainable for w in weights]

            @tf.function
            def _update(decay: tf.Tensor) -> None:
                for ema, w, avg in zip(variables, weights, averaged, strict=True):
                    value = tf.cast(w, ema.dtype)
                    if avg:
                        ema.assign(decay * ema + (1.0 - decay) * value)
                    else:
                        ema.assign(value)

            self._update_fn = _update
        self._update_fn(tf.constant(self.decay**steps, dtype="float32"))

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        step = int(self.model.step_counter.numpy())
        last = step - 1 if self._last_step is None else self._last_step
        self._last_step = step
        if step <= self.start_step:
            for ema, w in zip(
                self.model.create_ema_weights(), self.model.generator.weights, strict=True
            ):
                ema.assign(w)
        elif step > last:
            self.update(step - max(last, self.start_step))

    def swap(self) -> None:
        """Exchanges generator weights and EMA weights (call again to swap back)."""
        self.model.swap_ema_weights()

    def swapped(self) -> contextlib.AbstractContextManager[None]:
        """Context in which the generator holds the EMA weights (restored on exit)."""
        self.model.create_ema_weights()
        return self.model.ema_swapped()
