"""DCGAN generator and discriminator (Radford et al. 2015, arXiv:1511.06434).

Square images whose side is a power-of-two multiple of a 4x4 or 7x7 start:
4, 7, 8, 14, 16, 28, 32, 56, 64, 112, 128, ... with any number of channels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models import layers as L
from ganlib.models.base import (
    DiscriminatorBuilder,
    GeneratorBuilder,
    Tensor,
    _fraction,
    _positive_int,
    _slope,
)
from ganlib.models.registry import register

__all__ = ["DCGANDiscriminator", "DCGANGenerator", "dcgan_plan"]

_STARTS = (4, 7)


def dcgan_plan(image_shape: Sequence[int], name: str = "image_shape") -> tuple[int, int]:
    """``(start, doublings)`` with ``side == start * 2**doublings`` and ``start`` in (4, 7).

    Raises ``ValueError`` naming ``name`` for shapes that are not
    ``(side, side, channels)`` with such a side.

    Example:
        >>> from ganlib.models import dcgan_plan
        >>> dcgan_plan((28, 28, 1)), dcgan_plan((64, 64, 3))
        ((7, 2), (4, 4))
    """
    shape = tuple(image_shape)
    message = (
        f"`{name}` must be (side, side, channels) with side a power-of-two multiple of 4 or 7 "
        f"(4, 7, 8, 14, 16, 28, 32, 56, 64, ...) and channels >= 1. Received: {name}={shape!r}"
    )
    if len(shape) != 3 or shape[0] != shape[1] or shape[2] < 1:
        raise ValueError(message)
    side = shape[0]
    for start in _STARTS:
        ratio, remainder = divmod(side, start)
        if remainder == 0 and ratio >= 1 and ratio & (ratio - 1) == 0:
            return start, ratio.bit_length() - 1
    raise ValueError(message)


@register("dcgan_generator")
class DCGANGenerator(GeneratorBuilder):
    """Convolutional generator: project ``z`` to a small map, then upsample by 2 per block.

    ``stem``: ``Dense(start*start*F) -> BatchNorm -> ReLU -> Reshape`` with
    ``F = base_filters * 2**doublings``; each ``block``:
    ``Conv2DTranspose(width, 4, strides=2) -> BatchNorm -> ReLU`` with the width
    halving per block down to ``base_filters``; ``head``: ``Conv2D(channels, 3)``
    and tanh. For 64x64 this is the paper's 1024-512-256-128-64 stack.

    Example:
        >>> from ganlib.models import DCGANGenerator
        >>> g = DCGANGenerator(latent_dim=64, output_shape=(32, 32, 3), base_filters=8).build()
        >>> g.output_shape
        (None, 32, 32, 3)
    """

    def __init__(
        self,
        latent_dim: int = 100,
        output_shape: Sequence[int] = (28, 28, 1),
        *,
        base_filters: int = 64,
        batch_norm: bool = True,
        spectral_norm: bool = False,
        num_classes: int | None = None,
        embedding_dim: int = 50,
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        super().__init__(
            latent_dim,
            output_shape,
            num_classes=num_classes,
            embedding_dim=embedding_dim,
            output_activation=output_activation,
            name=name,
        )
        self.start, self.doublings = dcgan_plan(self.output_shape, "output_shape")
        self.base_filters = _positive_int(base_filters, "base_filters")
        self.batch_norm = bool(batch_norm)
        self.spectral_norm = bool(spectral_norm)

    def widths(self) -> Sequence[int]:
        """Filters of each upsampling block: ``base_filters * 2**(n-1) ... base_filters``."""
        return [self.base_filters * 2 ** (self.doublings - 1 - i) for i in range(self.doublings)]

    def _norm_act(self, x: Tensor, name: str) -> Tensor:
        if self.batch_norm:
            x = keras.layers.BatchNormalization(name=f"bn_{name}")(x)
        return keras.layers.ReLU(name=f"relu_{name}")(x)

    def stem(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        """``[z | embedding(labels)] -> Dense -> BatchNorm -> ReLU -> (start, start, F)`` map."""
        x = super().stem(z, labels)
        filters = self.base_filters * 2**self.doublings
        x = L.dense(
            self.start * self.start * filters,
            spectral_norm=self.spectral_norm,
            use_bias=not self.batch_norm,
            name="project",
        )(x)
        x = self._norm_act(x, "project")
        return keras.layers.Reshape((self.start, self.start, filters), name="to_map")(x)

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Conv2DTranspose(width, 4, strides=2) -> BatchNorm -> ReLU`` (doubles the side)."""
        x = L.conv2d_transpose(
            width,
            4,
            2,
            spectral_norm=self.spectral_norm,
            use_bias=not self.batch_norm,
            name=f"upconv_{index}",
        )(x)
        return self._norm_act(x, str(index))

    def head(self, x: Tensor) -> Tensor:
        """``Conv2D(channels, 3) -> output_activation``."""
        x = L.conv2d(self.output_shape[-1], 3, spectral_norm=self.spectral_norm, name="to_image")(x)
        if self.output_activation is not None:
            x = keras.layers.Activation(self.output_activation, name="output_activation")(x)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            **super().get_config(),
            "base_filters": self.base_filters,
            "batch_norm": self.batch_norm,
            "spectral_norm": self.spectral_norm,
        }


@register("dcgan_discriminator")
class DCGANDiscriminator(DiscriminatorBuilder):
    """Convolutional discriminator: strided convolutions halve the side down to 4x4 or 7x7.

    Each ``block``: ``Conv2D(width, 4, strides=2) -> [BatchNorm] -> LeakyReLU(0.2)``
    with widths ``base_filters * 2**index``; no BatchNorm on the first block (as
    in the paper). ``head`` flattens and ends in one logit. With
    ``conditioning="concat"`` the label becomes an extra learned input channel.
    With ``spectral_norm=True`` you usually want ``batch_norm=False`` (SNGAN).

    Example:
        >>> from ganlib.models import DCGANDiscriminator
        >>> d = DCGANDiscriminator(input_shape=(28, 28, 1), base_filters=8).build()
        >>> d.output_shape
        (None, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        *,
        base_filters: int = 64,
        negative_slope: float = 0.2,
        batch_norm: bool = True,
        dropout: float = 0.0,
        spectral_norm: bool = False,
        num_classes: int | None = None,
        conditioning: str = "concat",
        embedding_dim: int = 50,
        output_activation: str | None = None,
        pack: int = 1,
        minibatch_stddev: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(
            input_shape,
            num_classes=num_classes,
            conditioning=conditioning,
            embedding_dim=embedding_dim,
            output_activation=output_activation,
            spectral_norm=spectral_norm,
            pack=pack,
            minibatch_stddev=minibatch_stddev,
            name=name,
        )
        self.start, self.doublings = dcgan_plan(self.input_shape, "input_shape")
        self.base_filters = _positive_int(base_filters, "base_filters")
        self.negative_slope = _slope(negative_slope)
        self.batch_norm = bool(batch_norm)
        self.dropout = _fraction(dropout, "dropout")

    def widths(self) -> Sequence[int]:
        """Filters of each downsampling block: ``base_filters * 2**index``."""
        return [self.base_filters * 2**i for i in range(self.doublings)]

    def stem(self, images: Tensor, labels: Tensor | None = None) -> Tensor:
        """The images, plus a learned label channel with ``conditioning="concat"``."""
        if labels is None or self.conditioning != "concat":
            return images
        assert self.num_classes is not None
        label_channel = L.label_map(
            labels, self.num_classes, self.input_shape[:2], name="label_map"
        )
        return keras.layers.Concatenate(name="image_and_label")([images, label_channel])

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Conv2D(width, 4, strides=2) -> [BatchNorm unless first] -> LeakyReLU -> [Dropout]``."""
        use_bn = self.batch_norm and index > 0
        x = L.conv2d(
            width,
            4,
            2,
            spectral_norm=self.spectral_norm,
            use_bias=not use_bn,
            name=f"conv_{index}",
        )(x)
        if use_bn:
            x = keras.layers.BatchNormalization(name=f"bn_{index}")(x)
        x = keras.layers.LeakyReLU(negative_slope=self.negative_slope, name=f"act_{index}")(x)
        if self.dropout:
            x = keras.layers.Dropout(self.dropout, name=f"dropout_{index}")(x)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            **super().get_config(),
            "base_filters": self.base_filters,
            "negative_slope": self.negative_slope,
            "batch_norm": self.batch_norm,
            "dropout": self.dropout,
        }
