"""The InfoGAN MNIST networks of Chen et al. 2016 (arXiv:1606.03657, appendix C.1), sizable.

Generator: ``FC hidden -> BN -> ReLU -> FC (side/4)^2 * 2F -> BN -> ReLU -> up-conv F -> BN
-> ReLU -> up-conv channels`` (the paper: hidden 1024, F = 64). Discriminator: ``conv F ->
LeakyReLU -> conv 2F -> BN -> LeakyReLU -> FC hidden -> BN -> LeakyReLU`` shared by the
adversarial logit and the Q head ``FC q_hidden -> BN -> LeakyReLU -> FC extra_outputs``
(the paper: F = 64, hidden 1024, Q 128, LeakyReLU 0.1). Its output is ``(batch, 1 +
extra_outputs)``: the adversarial logit, then Q's code logits and means, as
`ganlib.auxiliary_trainers.InfoGANTrainer` reads them.

`InfoGANTrainer`'s latent mapping, which puts the code into G's input, is in
`ganlib.models.infogan_latent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models.base import (
    DiscriminatorBuilder,
    GeneratorBuilder,
    Tensor,
    _positive_int,
    _slope,
)
from ganlib.models.minibatch import MinibatchStdDev
from ganlib.models.registry import register

__all__ = ["InfoGANDiscriminator", "InfoGANGenerator"]


def _quarter(shape: Sequence[int], name: str) -> int:
    """The side of the first feature map: a quarter of the image side (two stride-2 convs)."""
    if len(shape) != 3 or shape[0] != shape[1] or shape[0] % 4:
        raise ValueError(
            f"`{name}` must be (side, side, channels) with side a multiple of 4. "
            f"Received: {name}={tuple(shape)!r}"
        )
    return int(shape[0]) // 4


def _units_or_zero(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"`{name}` must be an int >= 0. Received: {name}={value!r}")
    return value


@register("infogan_generator")
class InfoGANGenerator(GeneratorBuilder):
    """Chen et al. 2016's MNIST generator: two FC layers, then two stride-2 up-convolutions.

    ``stem``: ``Dense(hidden_units) -> BN -> ReLU -> Dense(s*s*2F) -> BN -> ReLU -> (s, s, 2F)``
    with ``s = side / 4`` and ``F = base_filters``; one ``block``: ``Conv2DTranspose(F, 4, 2)
    -> BN -> ReLU``; ``head``: ``Conv2DTranspose(channels, 4, 2)`` and ``output_activation``.
    The paper's sizes are ``hidden_units=1024, base_filters=64`` (latent 74: 62 noise, a
    10-way code, 2 continuous codes); unconditional only (the codes are part of ``z``).

    Example:
        >>> from ganlib.models.infogan import InfoGANGenerator
        >>> g = InfoGANGenerator(latent_dim=74, hidden_units=64, base_filters=8).build()
        >>> g.output_shape
        (None, 28, 28, 1)
    """

    def __init__(
        self,
        latent_dim: int = 74,
        output_shape: Sequence[int] = (28, 28, 1),
        *,
        hidden_units: int = 1024,
        base_filters: int = 64,
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        super().__init__(latent_dim, output_shape, output_activation=output_activation, name=name)
        self.start = _quarter(self.output_shape, "output_shape")
        self.hidden_units = _positive_int(hidden_units, "hidden_units")
        self.base_filters = _positive_int(base_filters, "base_filters")

    def widths(self) -> Sequence[int]:
        """One up-convolution of ``base_filters`` (the head is the second)."""
        return [self.base_filters]

    def stem(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        """``z -> FC hidden -> FC s*s*2F`` (each BN, ReLU) ``-> (s, s, 2F)`` map."""
        filters = 2 * self.base_filters
        x = z
        for i, units in enumerate([self.hidden_units, self.start * self.start * filters]):
            x = keras.layers.Dense(units, use_bias=False, name=f"fc_{i}")(x)
            x = keras.layers.BatchNormalization(name=f"bn_fc_{i}")(x)
            x = keras.layers.ReLU(name=f"relu_fc_{i}")(x)
        return keras.layers.Reshape((self.start, self.start, filters), name="to_map")(x)

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Conv2DTranspose(width, 4, strides=2) -> BN -> ReLU`` (doubles the side)."""
        x = keras.layers.Conv2DTranspose(
            width, 4, 2, padding="same", use_bias=False, name=f"upconv_{index}"
        )(x)
        x = keras.layers.BatchNormalization(name=f"bn_{index}")(x)
        return keras.layers.ReLU(name=f"relu_{index}")(x)

    def head(self, x: Tensor) -> Tensor:
        """``Conv2DTranspose(channels, 4, strides=2) -> output_activation``."""
        x = keras.layers.Conv2DTranspose(
            self.output_shape[-1], 4, 2, padding="same", name="to_image"
        )(x)
        if self.output_activation is not None:
            x = keras.layers.Activation(self.output_activation, name="output_activation")(x)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        config = super().get_config()
        del config["num_classes"], config["embedding_dim"]
        return {**config, "hidden_units": self.hidden_units, "base_filters": self.base_filters}


@register("infogan_discriminator")
class InfoGANDiscriminator(DiscriminatorBuilder):
    """Chen et al. 2016's MNIST discriminator with its Q head: ``(batch, 1 + extra_outputs)``.

    ``body``: ``Conv2D(F, 4, 2) -> LeakyReLU``, ``Conv2D(2F, 4, 2) -> [BN] -> LeakyReLU``, then
    ``Dense(hidden_units) -> [BN] -> LeakyReLU`` (the shared features; ``batch_norm=False``
    drops the body's BN). ``head``: the adversarial logit ``Dense(1)`` and Q, ``Dense(
    q_hidden_units) -> BN -> LeakyReLU -> Dense(extra_outputs)`` on the same features
    (``q_hidden_units=0``: one ``Dense(extra_outputs)``). ``extra_outputs`` is
    ``num_categories + num_continuous`` of the `InfoGANTrainer` it is for. Unconditional
    only. The paper: ``base_filters=64, hidden_units=1024, q_hidden_units=128``, slope 0.1.

    ``minibatch_stddev=True`` appends a `MinibatchStdDev` feature to the shared features at
    the start of ``head``, before the adversarial ``Dense(1)``, as the other discriminator
    builders do, and for the logit only: Q reads the features without it. The statistic is
    one number per batch, the same for every sample, so it cannot tell Q which code a sample
    carries; fed to Q it would only make the code estimate depend on the rest of the batch.

    Example:
        >>> from ganlib.models.infogan import InfoGANDiscriminator
        >>> d = InfoGANDiscriminator(extra_outputs=12, base_filters=8, hidden_units=32,
        ...                          q_hidden_units=16, minibatch_stddev=True).build()
        >>> d.output_shape, d.get_layer("logit").input.shape
        ((None, 13), (None, 33))
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        *,
        extra_outputs: int = 12,
        base_filters: int = 64,
        hidden_units: int = 1024,
        q_hidden_units: int = 128,
        batch_norm: bool = True,
        negative_slope: float = 0.1,
        minibatch_stddev: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(input_shape, minibatch_stddev=minibatch_stddev, name=name)
        _quarter(self.input_shape, "input_shape")
        self.extra_outputs = _positive_int(extra_outputs, "extra_outputs")
        self.base_filters = _positive_int(base_filters, "base_filters")
        self.hidden_units = _positive_int(hidden_units, "hidden_units")
        self.q_hidden_units = _units_or_zero(q_hidden_units, "q_hidden_units")
        self.batch_norm = bool(batch_norm)
        self.negative_slope = _slope(negative_slope)

    def widths(self) -> Sequence[int]:
        """Filters of the two stride-2 convolutions: ``F, 2F``."""
        return [self.base_filters, 2 * self.base_filters]

    def stem(self, images: Tensor, labels: Tensor | None = None) -> Tensor:
        """The images, unchanged."""
        return images

    def _norm_act(self, x: Tensor, name: str, norm: bool) -> Tensor:
        if norm:
            x = keras.layers.BatchNormalization(name=f"bn_{name}")(x)
        return keras.layers.LeakyReLU(negative_slope=self.negative_slope, name=f"act_{name}")(x)

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Conv2D(width, 4, 2) -> [BN, not on the first] -> LeakyReLU``."""
        norm = self.batch_norm and index > 0
        x = keras.layers.Conv2D(
            width, 4, 2, padding="same", use_bias=not norm, name=f"conv_{index}"
        )(x)
        return self._norm_act(x, str(index), norm)

    def body(self, x: Tensor) -> Tensor:
        """The two convolutions, then ``Flatten -> Dense(hidden_units) -> [BN] -> LeakyReLU``."""
        x = keras.layers.Flatten(name="flatten")(super().body(x))
        x = keras.layers.Dense(self.hidden_units, use_bias=not self.batch_norm, name="fc")(x)
        return self._norm_act(x, "fc", self.batch_norm)

    def _adversarial_features(self, x: Tensor) -> Tensor:
        """The shared features ``x``, plus the `MinibatchStdDev` feature when asked: what the
        adversarial ``Dense(1)`` reads (Q reads ``x``)."""
        if self.minibatch_stddev:
            x = MinibatchStdDev(name="minibatch_stddev")(x)
        return x

    def head(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        """``[Dense(1)(x), Q(x)]`` concatenated: the adversarial logit, then Q's outputs."""
        logit = self._logit(self._adversarial_features(x), labels)  # Dense(1), as every D
        q = x
        if self.q_hidden_units:
            q = keras.layers.Dense(self.q_hidden_units, use_bias=False, name="q_fc")(q)
            q = self._norm_act(q, "q", True)
        q = keras.layers.Dense(self.extra_outputs, name="auxiliary_logits")(q)
        return keras.layers.Concatenate(name="logits")([logit, q])

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            "input_shape": list(self.input_shape),
            "extra_outputs": self.extra_outputs,
            "base_filters": self.base_filters,
            "hidden_units": self.hidden_units,
            "q_hidden_units": self.q_hidden_units,
            "batch_norm": self.batch_norm,
            "negative_slope": self.negative_slope,
            "minibatch_stddev": self.minibatch_stddev,
            "name": self.name,
        }
