"""`AdaptiveAugmentation`: ADA's control of the augmentation probability (Karras et al. 2020)."""

from __future__ import annotations

import numbers
from typing import Any

import keras

from ganlib.augment import adjust_probability

__all__ = ["AdaptiveAugmentation"]


class AdaptiveAugmentation(keras.callbacks.Callback):
    """Moves the trainer's augmentation probability ``p`` so that ``r_t`` tracks ``target``.

    ``r_t = E[sign(D(x_real))]`` over the steps since the last adjustment (the trainer logs it
    as ``d_real_sign`` when it has an ``augment`` policy). Every ``interval`` steps,
    ``p += sign(r_t - target) * steps / ramp_steps``, clipped to [0, 1] (ADA, Karras et al.
    2020, arXiv:2006.06676: target 0.6, interval 4, 500k images from 0 to 1). ``p`` is the
    trainer's state (``trainer.augment_probability``), so `GANCheckpoint` saves and restores
    it; the callback sets it only through ``trainer.set_augment_probability``. Left to the
    automatic ``steps_per_execution`` it keeps one step per call, so ``p`` moves every
    ``interval`` steps; with an explicit ``steps_per_execution=k`` it counts the call's steps
    (batch index, running means of the logs) and adjusts once per call covering at least
    ``interval`` steps.

    Example:
        >>> import numpy as np
        >>> from ganlib import GANTrainer, augment, callbacks, models
        >>> g = models.MLPGenerator(latent_dim=4, output_shape=(8, 8, 1), hidden_units=(8,)).build()
        >>> d = models.MLPDiscriminator(input_shape=(8, 8, 1), hidden_units=(8,)).build()
        >>> trainer = GANTrainer(g, d, augment=augment.DiffAugment(probability=0.0), seed=0)
        >>> trainer.compile()
        >>> ada = callbacks.AdaptiveAugmentation(target=0.6, interval=4, ramp_steps=100)
        >>> x = np.zeros((64, 8, 8, 1), "float32")
        >>> _ = trainer.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[ada])
        >>> 0.0 <= float(trainer.augment_probability.numpy()) <= 1.0
        True
    """

    def __init__(self, target: float = 0.6, interval: int = 4, ramp_steps: int = 5000) -> None:
        super().__init__()
        if isinstance(target, bool) or not isinstance(target, numbers.Real):
            raise ValueError(f"`target` must be a number in [-1, 1]. Received: target={target!r}")
        if not -1 <= float(target) <= 1:
            raise ValueError(f"`target` must be a number in [-1, 1]. Received: target={target!r}")
        for name, value in (("interval", interval), ("ramp_steps", ramp_steps)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={value!r}")
        self.target: float = float(target)
        self.interval: int = interval
        self.ramp_steps: int = ramp_steps
        self.history: list[tuple[float, float]] = []  # (r_t, p) at each adjustment
        # logs hold means over the epoch's steps so far: steps x mean is their running sum
        self._seen: tuple[int, float] = (0, 0.0)  # (steps, sum) at the last batch end
        self._used: tuple[int, float] = (0, 0.0)  # (steps, sum) already averaged into p
        self._carry: tuple[int, float] = (0, 0.0)  # unused steps left by earlier epochs

    def set_model(self, model: keras.Model) -> None:
        if not callable(getattr(model, "set_augment_probability", None)):
            raise TypeError(
                "AdaptiveAugmentation needs a GANTrainer with an `augment` policy. "
                f"Received: {type(model).__name__}"
            )
        super().set_model(model)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        left = (self._seen[0] - self._used[0], self._seen[1] - self._used[1])
        self._carry = (self._carry[0] + left[0], self._carry[1] + left[1])
        self._seen = self._used = (0, 0.0)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not logs or "d_real_sign" not in logs:
            raise ValueError(
                "AdaptiveAugmentation needs the `d_real_sign` log: give the trainer an "
                "`augment` policy, e.g. GANTrainer(..., augment=DiffAugment(probability=0.0))"
            )
        steps = int(batch) + 1
        self._seen = (steps, float(logs["d_real_sign"]) * steps)
        window = self._carry[0] + steps - self._used[0]
        if window < self.interval:
            return
        r_t = (self._carry[1] + self._seen[1] - self._used[1]) / window
        p = float(keras.ops.convert_to_numpy(self.model.augment_probability))
        p = adjust_probability(p, r_t, self.target, steps=window, ramp_steps=self.ramp_steps)
        self.model.set_augment_probability(p)
        self.history.append((r_t, p))
        self._used, self._carry = self._seen, (0, 0.0)
