"""Image-to-image builders: the translator base class and the U-Net generator (pix2pix).

A translator maps images ``(batch, H, W, C_in)`` to images ``(batch, H, W, C_out)`` in [-1, 1]
(tanh). Like every ganlib builder, ``build()`` calls small named hooks::

    inputs()  ->  stem(images)  ->  body(x)  ->  head(x)

Normalization is chosen by name (``"instance"``, ``"batch"`` or ``"none"``); instance
normalization is Keras's ``GroupNormalization(groups=-1)``, so saved models load with
``keras.saving.load_model(..., safe_mode=True)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models.base import (
    Tensor,
    _activation,
    _Builder,
    _choice,
    _float32_output,
    _fraction,
    _positive_int,
    _shape,
)
from ganlib.models.registry import register

__all__ = ["NORMALIZATIONS", "TranslatorBuilder", "UNetGenerator", "normalization"]

NORMALIZATIONS = ("instance", "batch", "none")
"""Names accepted by the ``norm`` argument of the translation builders."""


def normalization(kind: str, *, name: str) -> keras.layers.Layer:
    """A normalization layer by name: ``"instance"``, ``"batch"`` or ``"none"`` (identity).

    Instance normalization (Ulyanov et al. 2016, arXiv:1607.08022) normalizes each channel of
    each image over its height and width: ``GroupNormalization(groups=-1)``.

    Example:
        >>> from ganlib.models import normalization
        >>> type(normalization("instance", name="in")).__name__
        'GroupNormalization'
    """
    kind = _choice(kind, "norm", NORMALIZATIONS)
    if kind == "instance":
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    if kind == "batch":
        return keras.layers.BatchNormalization(name=name)
    return keras.layers.Identity(name=name)


def _image_shape(value: Any, name: str) -> tuple[int, int, int]:
    shape = _shape(value, name)
    if len(shape) != 3:
        raise ValueError(
            f"`{name}` must be (height, width, channels). Received: {name}={tuple(shape)!r}"
        )
    return shape[0], shape[1], shape[2]


class TranslatorBuilder(_Builder):
    """Base class of image-to-image generators: images -> images of the same height and width.

    Subclasses implement ``widths``, ``block`` and ``head`` (and usually ``stem`` and
    ``body``). The built model takes ``(batch, *input_shape)`` and returns
    ``(batch, height, width, output_channels)``, squashed to [-1, 1] by the default tanh.

    Example:
        >>> import keras
        >>> from ganlib.models import TranslatorBuilder
        >>> class Tiny(TranslatorBuilder):
        ...     def widths(self):
        ...         return (8,)
        ...     def block(self, x, width, index):
        ...         return keras.layers.Conv2D(width, 3, padding="same")(x)
        ...     def head(self, x):
        ...         return keras.layers.Conv2D(self.output_channels, 1, activation="tanh")(x)
        >>> Tiny(input_shape=(28, 28, 1)).build().output_shape
        (None, 28, 28, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        output_channels: int | None = None,
        *,
        base_filters: int = 64,
        norm: str = "instance",
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        self.input_shape = _image_shape(input_shape, "input_shape")
        self.output_channels = (
            self.input_shape[-1]
            if output_channels is None
            else _positive_int(output_channels, "output_channels")
        )
        self.base_filters = _positive_int(base_filters, "base_filters")
        self.norm = _choice(norm, "norm", NORMALIZATIONS)
        self.output_activation = _activation(output_activation, "output_activation")
        self.name = name or self.registered_name or "translator"

    @property
    def output_shape(self) -> tuple[int, int, int]:
        """``(height, width, output_channels)`` of the built model's output."""
        return self.input_shape[0], self.input_shape[1], self.output_channels

    def inputs(self) -> list[Tensor]:
        """The model input: ``[images]`` of shape ``input_shape``."""
        return [keras.Input(shape=self.input_shape, name="images")]

    def stem(self, images: Tensor) -> Tensor:
        """Prepare the input for the body (the base version returns it unchanged)."""
        return images

    def head(self, x: Tensor) -> Tensor:
        """Map body features to the output image (activation ``output_activation``)."""
        raise NotImplementedError(f"{type(self).__name__} must implement head()")

    def build(self) -> keras.Model:
        """Assemble ``inputs -> stem -> body -> head`` into a functional ``keras.Model``."""
        images = self.inputs()[0]
        outputs = _float32_output(self.head(self.body(self.stem(images))))
        return keras.Model(images, outputs, name=self.name)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            "input_shape": list(self.input_shape),
            "output_channels": self.output_channels,
            "base_filters": self.base_filters,
            "norm": self.norm,
            "output_activation": self.output_activation,
            "name": self.name,
        }


def _halvings(side: int) -> int:
    count = 0
    while side % 2 == 0 and side >= 2:
        side //= 2
        count += 1
    return count


@register("unet_generator")
class UNetGenerator(TranslatorBuilder):
    """U-Net generator of pix2pix (Isola et al. 2017, arXiv:1611.07004, appendix 6.1.1).

    Encoder ``block``: ``Conv2D(width, 4, strides=2) -> norm (not on the first) ->
    LeakyReLU(0.2)``, widths ``base_filters * 2**min(i, 3)``; decoder ``up_block``:
    ``Conv2DTranspose(width, 4, strides=2) -> norm -> [Dropout] -> ReLU``, then concatenated
    with the encoder features of the same size (the skip connections); ``head``:
    ``Conv2DTranspose(output_channels, 4, strides=2) -> tanh``. ``depth`` halvings (default:
    as many as the side allows, at most 8: 2 for 28x28, 8 for 256x256). pix2pix used
    ``dropout=0.5`` on the first three decoder blocks as its noise source and batch norm.

    Example:
        >>> from ganlib.models import UNetGenerator
        >>> g = UNetGenerator(input_shape=(28, 28, 1), base_filters=8).build()
        >>> g.output_shape
        (None, 28, 28, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        output_channels: int | None = None,
        *,
        base_filters: int = 64,
        depth: int | None = None,
        norm: str = "instance",
        dropout: float = 0.0,
        negative_slope: float = 0.2,
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        super().__init__(
            input_shape,
            output_channels,
            base_filters=base_filters,
            norm=norm,
            output_activation=output_activation,
            name=name or "unet_generator",
        )
        height, width, _ = self.input_shape
        possible = min(_halvings(height), _halvings(width), 8)
        if possible < 1:
            raise ValueError(
                "UNetGenerator needs an even height and width. "
                f"Received: input_shape={self.input_shape!r}"
            )
        self.depth = possible if depth is None else _positive_int(depth, "depth")
        if self.depth > possible:
            raise ValueError(
                f"`depth` must be at most {possible} for input_shape={self.input_shape!r} "
                f"(the number of times the side halves evenly). Received: depth={depth!r}"
            )
        self.dropout = _fraction(dropout, "dropout")
        self.negative_slope = float(negative_slope)

    def widths(self) -> Sequence[int]:
        """Filters of each encoder block: ``base_filters * 2**min(i, 3)``."""
        return [self.base_filters * 2 ** min(i, 3) for i in range(self.depth)]

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """Encoder block: ``Conv2D(width, 4, strides=2) -> [norm] -> LeakyReLU``."""
        x = keras.layers.Conv2D(width, 4, strides=2, padding="same", name=f"down_{index}")(x)
        if index > 0:
            x = normalization(self.norm, name=f"down_norm_{index}")(x)
        return keras.layers.LeakyReLU(negative_slope=self.negative_slope, name=f"down_act_{index}")(
            x
        )

    def up_block(self, x: Tensor, skip: Tensor, width: int, index: int) -> Tensor:
        """Decoder block: ``Conv2DTranspose(width, 4, 2) -> norm -> [Dropout] -> ReLU``, + skip."""
        x = keras.layers.Conv2DTranspose(width, 4, strides=2, padding="same", name=f"up_{index}")(x)
        x = normalization(self.norm, name=f"up_norm_{index}")(x)
        if self.dropout and index < 3:
            x = keras.layers.Dropout(self.dropout, name=f"up_dropout_{index}")(x)
        x = keras.layers.ReLU(name=f"up_act_{index}")(x)
        return keras.layers.Concatenate(name=f"skip_{index}")([x, skip])

    def body(self, x: Tensor) -> Tensor:
        """Encoder blocks, then decoder blocks joined to the encoder outputs of equal size."""
        skips = []
        widths = list(self.widths())
        for index, width in enumerate(widths):
            x = self.block(x, width, index)
            skips.append(x)
        for index, skip in enumerate(reversed(skips[:-1])):
            x = self.up_block(x, skip, widths[-2 - index], index)
        return x

    def head(self, x: Tensor) -> Tensor:
        """``Conv2DTranspose(output_channels, 4, strides=2) -> output_activation``."""
        x = keras.layers.Conv2DTranspose(
            self.output_channels, 4, strides=2, padding="same", name="to_image"
        )(x)
        if self.output_activation is not None:
            x = keras.layers.Activation(self.output_activation, name="output_activation")(x)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            **super().get_config(),
            "depth": self.depth,
            "dropout": self.dropout,
            "negative_slope": self.negative_slope,
        }
