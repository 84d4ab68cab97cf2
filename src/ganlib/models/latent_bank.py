"""A generator sampled around stored latents: a kernel density in the generator's latent space.

A GAN's prior N(0, I) puts little mass where the generator draws some of the data: the
precision-recall curve of a trained generator stops short of the data's (docs/quality.md,
"Sampling around inverted latents"). `ganlib.sampling.invert_latents` finds, for each training
image, a latent the generator maps close to it; `generator_with_bank` samples a stored latent
at random and adds `spread` times N(0, I) noise, so samples are new variations of the data's
neighbourhoods instead of copies. The result is one functional Keras model fed plain N(0, I)
latents, like any unconditional generator (`ganlib.sampling.generate`, `model.save`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import keras
import numpy as np
from keras import ops

from ganlib.models.mixture import angle_sector

__all__ = ["LatentBank", "generator_with_bank"]


def _count(value: Any, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"`{name}` must be an int >= {least}. Received: {name}={value!r}")
    return value


@keras.saving.register_keras_serializable(package="ganlib")
class LatentBank(keras.layers.Layer):
    """``z -> bank[i] + spread * z[:, :latent_dim]``, ``i`` picked by the row's last two entries.

    Holds `num_latents` stored latents (a non-trainable weight, saved with the model; fill it
    with `set_latents`). Its input has ``latent_dim + 2`` entries: the angle of the last two
    picks the stored latent (uniformly for N(0, I) input, `ganlib.models.mixture.angle_sector`),
    the first `latent_dim` are the noise added at scale `spread`. A sampling temperature
    (`ganlib.sampling.with_temperature`) scales the noise and leaves the choice unchanged.

    Example:
        >>> import numpy as np
        >>> from ganlib.models import LatentBank
        >>> bank = LatentBank(num_latents=2, latent_dim=3, spread=0.5)
        >>> bank.set_latents(np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]], "float32"))
        >>> z = np.array([[2.0, 0.0, 0.0, 1.0, 1.0]], "float32")  # angle 45 deg: latent 1
        >>> bank(z).numpy().tolist()
        [[0.0, -1.0, -1.0]]
    """

    def __init__(self, num_latents: int, latent_dim: int, spread: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.num_latents = _count(num_latents, "num_latents", 1)
        self.latent_dim = _count(latent_dim, "latent_dim", 1)
        if (
            isinstance(spread, bool)
            or not isinstance(spread, numbers.Real)
            or not math.isfinite(float(spread))
            or float(spread) < 0
        ):
            raise ValueError(f"`spread` must be a finite number >= 0. Received: spread={spread!r}")
        self.spread: float = float(spread)
        self.latents: Any = self.add_weight(
            shape=(self.num_latents, self.latent_dim),
            initializer="zeros",
            trainable=False,
            name="latents",
        )

    def set_latents(self, latents: Any) -> None:
        """Stores `latents`, an array of shape ``(num_latents, latent_dim)``, all finite."""
        values = np.asarray(latents, dtype="float32")
        if values.shape != (self.num_latents, self.latent_dim):
            raise ValueError(
                f"`latents` must have shape {(self.num_latents, self.latent_dim)}. "
                f"Received shape {values.shape}"
            )
        if not np.all(np.isfinite(values)):
            raise ValueError("`latents` must be finite (NaN or inf received)")
        self.latents.assign(values)

    def call(self, z: Any) -> Any:
        d = self.latent_dim
        index = angle_sector(z[:, d : d + 2], self.num_latents)
        return ops.take(self.latents, index, axis=0) + self.spread * z[:, :d]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], self.latent_dim)

    def get_config(self) -> dict[str, Any]:
        """The layer's settings (and Keras's), as a JSON-able dict."""
        return {
            **super().get_config(),
            "num_latents": self.num_latents,
            "latent_dim": self.latent_dim,
            "spread": self.spread,
        }


def generator_with_bank(
    generator: keras.Model, latents: Any, spread: float = 0.45, name: str | None = None
) -> keras.Model:
    """`generator` fed `LatentBank(latents, spread)`: samples around the stored latents.

    `generator` must be unconditional with a flat latent ``(L,)``; `latents` has shape
    ``(N, L)`` (from `ganlib.sampling.invert_latents`). The model's input has ``L + 2``
    entries, N(0, I) like any latent: each sample is ``generator(latents[i] + spread * noise)``
    for a uniformly drawn ``i``. `spread=0` reproduces the stored latents' images (copies of
    the training data when they were inverted from it); docs/quality.md measures the trade.
    The model shares `generator`'s weights; saved with `model.save`, it loads in safe mode once
    `ganlib.models` is imported.

    Example:
        >>> import numpy as np
        >>> from ganlib import models
        >>> g = models.MLPGenerator(4, (3,), hidden_units=(8,)).build()
        >>> banked = models.generator_with_bank(g, np.zeros((10, 4), "float32"), spread=0.5)
        >>> banked.inputs[0].shape, banked(np.zeros((2, 6), "float32")).shape
        ((None, 6), TensorShape([2, 3]))
    """
    if len(generator.inputs) != 1 or len(generator.inputs[0].shape) != 2:
        raise ValueError(
            "`generator_with_bank` takes an unconditional generator with a flat latent (L,)."
        )
    latent_dim = int(generator.inputs[0].shape[1])
    values = np.asarray(latents, dtype="float32")
    if values.ndim != 2 or values.shape[1] != latent_dim or len(values) < 1:
        raise ValueError(
            f"`latents` must have shape (N, {latent_dim}) with N >= 1 for this generator. "
            f"Received shape {values.shape}"
        )
    bank = LatentBank(len(values), latent_dim, spread, name="latent_bank")
    z = keras.Input((latent_dim + 2,), name="z")
    outputs = generator(bank(z))
    bank.set_latents(values)
    return keras.Model(z, outputs, name=name or f"{generator.name}_banked")
