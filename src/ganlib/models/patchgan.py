"""PatchGAN discriminator (Isola et al. 2017, arXiv:1611.07004, sec. 3.2.2): a grid of logits.

Each output logit judges one receptive-field patch of the input (70x70 pixels with the default
three downsamplings); ganlib's losses average a ``(batch, h, w, 1)`` grid per example, so a
PatchGAN plugs into every loss unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models import layers as L
from ganlib.models.base import DiscriminatorBuilder, Tensor, _choice, _positive_int, _slope
from ganlib.models.registry import register
from ganlib.models.translation import NORMALIZATIONS, _image_shape, normalization

__all__ = ["PatchGANDiscriminator"]


@register("patchgan_discriminator")
class PatchGANDiscriminator(DiscriminatorBuilder):
    """Fully convolutional discriminator whose output is a ``(batch, h, w, 1)`` grid of logits.

    ``block`` ``i < num_downsamplings``: ``Conv2D(width, 4, strides=2) -> norm (not on the
    first) -> LeakyReLU(0.2)`` with widths ``base_filters * 2**min(i, 3)``; one more block
    with stride 1; ``head``: ``Conv2D(1, 4)``. For pix2pix pass the input and the target
    concatenated on the channel axis (``input_shape`` with both channel counts); the
    translation trainers do this for you. A 256x256 input gives a 32x32 grid (stride 1 convs
    with "same" padding), a 28x28 input 4x4.

    Example:
        >>> from ganlib.models import PatchGANDiscriminator
        >>> d = PatchGANDiscriminator(input_shape=(28, 28, 2), base_filters=8).build()
        >>> d.output_shape
        (None, 4, 4, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        *,
        base_filters: int = 64,
        num_downsamplings: int = 3,
        norm: str = "instance",
        negative_slope: float = 0.2,
        spectral_norm: bool = False,
        output_activation: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            _image_shape(input_shape, "input_shape"),
            output_activation=output_activation,
            spectral_norm=spectral_norm,
            name=name or "patchgan_discriminator",
        )
        self.base_filters = _positive_int(base_filters, "base_filters")
        self.num_downsamplings = _positive_int(num_downsamplings, "num_downsamplings")
        side = min(self.input_shape[:2])
        if 2**self.num_downsamplings > side:
            raise ValueError(
                f"`num_downsamplings` halves the side {self.num_downsamplings} times; "
                f"input_shape={self.input_shape!r} allows at most {side.bit_length() - 1}. "
                f"Received: num_downsamplings={num_downsamplings!r}"
            )
        self.norm = _choice(norm, "norm", NORMALIZATIONS)
        self.negative_slope = _slope(negative_slope)

    def widths(self) -> Sequence[int]:
        """Filters of each block: ``base_filters * 2**min(i, 3)``, one more than the halvings."""
        return [self.base_filters * 2 ** min(i, 3) for i in range(self.num_downsamplings + 1)]

    def stem(self, images: Tensor, labels: Tensor | None = None) -> Tensor:
        """The images, unchanged (no flattening: the network is fully convolutional)."""
        return images

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Conv2D(width, 4, strides=2 or 1) -> [norm unless first] -> LeakyReLU``."""
        strides = 2 if index < self.num_downsamplings else 1
        use_norm = index > 0 and self.norm != "none"
        x = L.conv2d(
            width, 4, strides, spectral_norm=self.spectral_norm, use_bias=not use_norm,
            name=f"conv_{index}",
        )(x)  # fmt: skip
        if use_norm:
            x = normalization(self.norm, name=f"norm_{index}")(x)
        return keras.layers.LeakyReLU(negative_slope=self.negative_slope, name=f"act_{index}")(x)

    def head(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        """``Conv2D(1, 4)``: one logit per patch (probabilities with a sigmoid activation)."""
        logits = L.conv2d(1, 4, 1, spectral_norm=self.spectral_norm, name="patch_logits")(x)
        if self.output_activation is not None:
            logits = keras.layers.Activation(self.output_activation, name="probability")(logits)
        return logits

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        config = super().get_config()
        for key in ("num_classes", "conditioning", "embedding_dim", "pack", "minibatch_stddev"):
            config.pop(key)
        return {
            **config,
            "base_filters": self.base_filters,
            "num_downsamplings": self.num_downsamplings,
            "norm": self.norm,
            "negative_slope": self.negative_slope,
        }
