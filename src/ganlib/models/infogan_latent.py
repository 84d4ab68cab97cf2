"""InfoGAN's latent mapping (`InfoGANTrainer`): N(0, I) noise -> one-hot code, codes, noise.

`infogan_latent` is the mapping, `InfoGANLatent` the same as a registered Keras layer, and
`with_infogan_latent` puts it in front of a generator, so the saved model samples from plain
N(0, I) latents like any unconditional generator.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

__all__ = ["InfoGANLatent", "infogan_latent", "with_infogan_latent"]


def infogan_latent(
    z: Any, num_categories: int, num_continuous: int = 0, noise_scale: float = 1.0
) -> tuple[Any, Any, Any]:
    """`(generator input, categorical code or None, continuous codes)` of InfoGAN latents `z`.

    The first `num_categories` entries of each row are replaced by the one-hot of their argmax
    (the categorical code, uniform under N(0, I) noise; None when `num_categories=0`), the next
    `num_continuous` are the continuous codes, kept as they are, and the entries after them
    (the incompressible noise) are multiplied by `noise_scale`. `InfoGANTrainer.generate`
    and `InfoGANLatent` both call this, so they compute the same generator input.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.infogan_latent import infogan_latent
        >>> z = np.array([[0.1, 0.9, -0.5, 2.0]], "float32")
        >>> g_input, code, continuous = infogan_latent(z, 2, 1, noise_scale=0.5)
        >>> g_input.numpy().tolist(), code.numpy().tolist(), continuous.numpy().tolist()
        ([[0.0, 1.0, -0.5, 1.0]], [1], [[-0.5]])
    """
    k = num_categories
    z = tf.convert_to_tensor(z)
    categorical = None
    if k:
        categorical = tf.argmax(z[:, :k], axis=1, output_type=tf.int32)
        one_hot = tf.one_hot(categorical, k, dtype=z.dtype)
        z = tf.concat([one_hot, z[:, k:]], axis=1)
    c = k + num_continuous
    continuous = z[:, k:c]
    if noise_scale != 1.0:
        z = tf.concat([z[:, :c], z[:, c:] * tf.cast(noise_scale, z.dtype)], axis=1)
    return z, categorical, continuous


@keras.saving.register_keras_serializable(package="ganlib")
class InfoGANLatent(keras.layers.Layer):
    """`InfoGANTrainer`'s latent mapping as a layer: N(0, I) noise in, the generator's input out.

    `infogan_latent(z, num_categories, num_continuous, noise_scale)[0]`: the argmax of the
    first `num_categories` entries becomes their one-hot, the continuous codes pass, the rest
    is multiplied by `noise_scale`. No weights. Registered with Keras (package `ganlib`):
    models holding it load with `safe_mode=True` once `ganlib.models` is imported.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.infogan_latent import InfoGANLatent
        >>> layer = InfoGANLatent(num_categories=3, noise_scale=0.5)
        >>> layer(np.array([[0.2, -1.0, 0.7, 4.0]], "float32")).numpy().tolist()
        [[0.0, 0.0, 1.0, 2.0]]
    """

    def __init__(
        self,
        num_categories: int,
        num_continuous: int = 0,
        noise_scale: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        for name, value in (("num_categories", num_categories), ("num_continuous", num_continuous)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"`{name}` must be an int >= 0. Received: {name}={value!r}")
        if num_categories == 1:
            raise ValueError("`num_categories` must be 0 or >= 2. Received: num_categories=1")
        self.num_categories, self.num_continuous = num_categories, num_continuous
        if isinstance(noise_scale, bool) or not float(noise_scale) > 0:
            raise ValueError(f"`noise_scale` must be a number > 0. Received: {noise_scale!r}")
        self.noise_scale = float(noise_scale)

    def call(self, z: Any) -> Any:
        return infogan_latent(z, self.num_categories, self.num_continuous, self.noise_scale)[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        """The layer's settings (and Keras's), as a JSON-able dict."""
        return {
            **super().get_config(),
            "num_categories": self.num_categories,
            "num_continuous": self.num_continuous,
            "noise_scale": self.noise_scale,
        }


def with_infogan_latent(
    generator: keras.Model,
    num_categories: int,
    num_continuous: int = 0,
    noise_scale: float = 1.0,
) -> keras.Model:
    """`z -> generator(InfoGANLatent(...)(z))`: a generator of plain N(0, I) latents.

    The model shares `generator`'s layers and weights (EMA weights swapped into `generator`
    are its weights too); saved with `model.save`, it samples like any unconditional
    generator (`ganlib.sampling.generate`, `ganlib sample`, `ganlib export`) and gives what
    `InfoGANTrainer.sample` gives for the same latents. `ganlib train --arch infogan` saves
    its `generator.keras` this way.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.infogan import InfoGANGenerator
        >>> from ganlib.models.infogan_latent import with_infogan_latent
        >>> g = InfoGANGenerator(latent_dim=12, hidden_units=16, base_filters=4).build()
        >>> model = with_infogan_latent(g, num_categories=10, noise_scale=0.5)
        >>> model(np.zeros((2, 12), "float32")).shape
        TensorShape([2, 28, 28, 1])
    """
    if len(generator.inputs) != 1:
        raise ValueError(
            "`with_infogan_latent` takes an unconditional generator (one input). "
            f"Received a model with {len(generator.inputs)} inputs"
        )
    latent = keras.Input(tuple(generator.inputs[0].shape[1:]), name="z")
    codes = InfoGANLatent(num_categories, num_continuous, noise_scale, name="infogan_latent")
    return keras.Model(latent, generator(codes(latent)), name=generator.name)
