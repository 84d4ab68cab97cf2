"""`GeneratorEMA`: an exponential moving average of the generator's weights."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import keras
import numpy as np
import tensorflow as tf

__all__ = ["GeneratorEMA"]


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps EMA copies of the generator weights, swapped in for sampling and evaluation.

    After each training step `t > start_step`: `ema <- decay * ema + (1 - decay) * w` for
    trainable weights; non-trainable weights (e.g. BatchNorm statistics) are copied. Up to
    `start_step` the EMA simply follows the weights. When one callback call covers `k` steps
    (`steps_per_execution=k`), the update uses `decay**k`. Averaging generator weights:
    Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training".

    `GANTrainer.sample`, `SampleGrid` and `MetricMonitor` use the EMA weights through
    `swapped()`; `GANCheckpoint` saves them next to the raw weights.

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

    def __init__(self, decay: float = 0.999, start_step: int = 0) -> None:
        super().__init__()
        if not 0.0 <= float(decay) < 1.0:
            raise ValueError(f"`decay` must be in [0, 1). Received: decay={decay}")
        if isinstance(start_step, bool) or not isinstance(start_step, int) or start_step < 0:
            raise ValueError(f"`start_step` must be an integer >= 0. Received: {start_step!r}")
        self.decay = float(decay)
        self.start_step = start_step
        self.variables: list[keras.Variable] = []
        self.built = False
        self._last_step: int | None = None
        self._update_fn: Any = None
        self._swapped = False

    def set_model(self, model: keras.Model) -> None:
        if not hasattr(model, "generator") or not hasattr(model, "step_counter"):
            raise TypeError(f"GeneratorEMA needs a GANTrainer. Received: {type(model).__name__}")
        super().set_model(model)
        model.ema = self

    def _weights(self) -> list[Any]:
        return list(self.model.generator.weights)

    def build(self) -> None:
        """Creates the EMA variables as copies of the current generator weights."""
        with self.model.distribute_strategy.scope():
            self.variables = [
                keras.Variable(w.numpy(), trainable=False, name=f"ema_{i}")
                for i, w in enumerate(self._weights())
            ]
        trainable = {id(w) for w in self.model.generator.trainable_weights}
        self._averaged = [id(w) in trainable for w in self._weights()]
        self.built = True

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self.built:
            self.build()
        restored = getattr(self.model, "_restored_ema", None)
        if restored is not None:
            for variable, value in zip(self.variables, restored, strict=True):
                variable.assign(value)
            self.model._restored_ema = None
        self._last_step = int(self.model.step_counter.numpy())

    def update(self, steps: int = 1) -> None:
        """Applies `steps` EMA steps toward the current weights (`decay**steps`)."""
        if not self.built:
            self.build()
        if self._update_fn is None:

            @tf.function
            def _update(decay: tf.Tensor) -> None:
                for ema, w, averaged in zip(
                    self.variables, self._weights(), self._averaged, strict=True
                ):
                    value = tf.cast(w, ema.dtype)
                    if averaged:
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
            self._copy_weights()
        elif step > last:
            self.update(step - max(last, self.start_step))

    def _copy_weights(self) -> None:
        for ema, w in zip(self.variables, self._weights(), strict=True):
            ema.assign(w)

    def swap(self) -> None:
        """Exchanges generator weights and EMA weights (call again to swap back)."""
        if not self.built:
            self.build()
        for ema, w in zip(self.variables, self._weights(), strict=True):
            current = np.array(w.numpy())
            w.assign(ema)
            ema.assign(current)
        self._swapped = not self._swapped

    @contextlib.contextmanager
    def swapped(self) -> Iterator[None]:
        """Context in which the generator holds the EMA weights (restored on exit)."""
        if self._swapped:  # already swapped in by an outer context
            yield
            return
        self.swap()
        try:
            yield
        finally:
            self.swap()
