"""The ResNet-block generator of CycleGAN (Zhu et al. 2017, arXiv:1703.10593, appendix 7.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models.base import Tensor, _positive_int
from ganlib.models.registry import register
from ganlib.models.translation import TranslatorBuilder, normalization

__all__ = ["ResNetGenerator"]


@register("resnet_generator")
class ResNetGenerator(TranslatorBuilder):
    """CycleGAN's generator: downsample twice, ``num_blocks`` residual blocks, upsample twice.

    ``stem``: ``Conv2D(base_filters, 7) -> norm -> ReLU`` ("c7s1-64"); ``block`` (twice):
    ``Conv2D(width, 3, strides=2) -> norm -> ReLU`` ("d128", "d256"); ``residual_block``
    (``num_blocks`` times): two ``Conv2D(3)`` with norm, added to the input ("R256");
    ``up_block`` (twice): ``Conv2DTranspose(width, 3, strides=2) -> norm -> ReLU``; ``head``:
    ``Conv2D(output_channels, 7) -> tanh``. The paper uses 6 blocks at 128x128, 9 at 256x256,
    instance norm and reflection padding (zero "same" padding here: Keras has no reflection
    padding layer that loads in safe mode). Height and width must be multiples of 4.

    Example:
        >>> from ganlib.models import ResNetGenerator
        >>> g = ResNetGenerator(input_shape=(28, 28, 1), base_filters=8, num_blocks=2).build()
        >>> g.output_shape
        (None, 28, 28, 1)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        output_channels: int | None = None,
        *,
        base_filters: int = 64,
        num_blocks: int = 6,
        norm: str = "instance",
        output_activation: str | None = "tanh",
        name: str | None = None,
    ) -> None:
        super().__init__(
            input_shape,
            output_channels,
            base_filters=base_filters,
            norm=norm,
            output_activation=output_activation,
            name=name or "resnet_generator",
        )
        if self.input_shape[0] % 4 or self.input_shape[1] % 4:
            raise ValueError(
                "ResNetGenerator needs a height and width that are multiples of 4. "
                f"Received: input_shape={self.input_shape!r}"
            )
        self.num_blocks = _positive_int(num_blocks, "num_blocks")

    def widths(self) -> Sequence[int]:
        """Filters of the two downsampling blocks: ``2 * base_filters``, ``4 * base_filters``."""
        return [self.base_filters * 2, self.base_filters * 4]

    def _conv(self, x: Tensor, width: int, kernel: int, strides: int, name: str) -> Tensor:
        x = keras.layers.Conv2D(width, kernel, strides=strides, padding="same", name=name)(x)
        return normalization(self.norm, name=f"{name}_norm")(x)

    def stem(self, images: Tensor) -> Tensor:
        """``Conv2D(base_filters, 7) -> norm -> ReLU``."""
        return keras.layers.ReLU(name="stem_act")(
            self._conv(images, self.base_filters, 7, 1, "stem")
        )

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """Downsampling block: ``Conv2D(width, 3, strides=2) -> norm -> ReLU``."""
        return keras.layers.ReLU(name=f"down_act_{index}")(
            self._conv(x, width, 3, 2, f"down_{index}")
        )

    def residual_block(self, x: Tensor, index: int) -> Tensor:
        """``x + norm(Conv(ReLU(norm(Conv(x)))))`` with 3x3 convolutions of ``x``'s width."""
        width = int(x.shape[-1])
        y = keras.layers.ReLU(name=f"res_{index}_act")(self._conv(x, width, 3, 1, f"res_{index}_a"))
        y = self._conv(y, width, 3, 1, f"res_{index}_b")
        return keras.layers.Add(name=f"res_{index}_add")([x, y])

    def up_block(self, x: Tensor, width: int, index: int) -> Tensor:
        """Upsampling block: ``Conv2DTranspose(width, 3, strides=2) -> norm -> ReLU``."""
        x = keras.layers.Conv2DTranspose(width, 3, strides=2, padding="same", name=f"up_{index}")(x)
        x = normalization(self.norm, name=f"up_{index}_norm")(x)
        return keras.layers.ReLU(name=f"up_{index}_act")(x)

    def body(self, x: Tensor) -> Tensor:
        """Downsampling blocks, residual blocks, then upsampling blocks back to full size."""
        widths = list(self.widths())
        for index, width in enumerate(widths):
            x = self.block(x, width, index)
        for index in range(self.num_blocks):
            x = self.residual_block(x, index)
        for index, width in enumerate([*reversed(widths[:-1]), self.base_filters]):
            x = self.up_block(x, width, index)
        return x

    def head(self, x: Tensor) -> Tensor:
        """``Conv2D(output_channels, 7) -> output_activation``."""
        x = keras.layers.Conv2D(self.output_channels, 7, padding="same", name="to_image")(x)
        if self.output_activation is not None:
            x = keras.layers.Activation(self.output_activation, name="output_activation")(x)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {**super().get_config(), "num_blocks": self.num_blocks}
