"""MLP generator and discriminator; the defaults are the classic Keras MNIST GAN."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras

from ganlib.models import layers as L
from ganlib.models.base import (
    DiscriminatorBuilder,
    GeneratorBuilder,
    Tensor,
    _fraction,
    _slope,
    _units,
)
from ganlib.models.registry import register

__all__ = ["MLPDiscriminator", "MLPGenerator"]


def _dense_block(
    x: Tensor,
    width: int,
    index: int,
    spectral_norm: bool,
    negative_slope: float,
    batch_norm_momentum: float | None,
    dropout: float,
) -> Tensor:
    """``Dense(width) -> LeakyReLU -> [BatchNorm if momentum given] -> [Dropout]``."""
    x = L.dense(width, spectral_norm=spectral_norm, name=f"dense_{index}")(x)
    x = keras.layers.LeakyReLU(negative_slope=negative_slope, name=f"act_{index}")(x)
    if batch_norm_momentum is not None:
        x = keras.layers.BatchNormalization(momentum=batch_norm_momentum, name=f"bn_{index}")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"dropout_{index}")(x)
    return x


@register("mlp_generator")
class MLPGenerator(GeneratorBuilder):
    """Fully connected generator: ``z -> [Dense, LeakyReLU, BatchNorm] x n -> Dense -> tanh``.

    Defaults reproduce the classic Keras MNIST GAN generator: hidden units
    256-512-1024, each ``Dense -> LeakyReLU(0.2) -> BatchNormalization(momentum=0.8)``,
    then ``Dense(prod(output_shape))``, tanh and a reshape (1,493,520 parameters
    for ``latent_dim=100`` and 28x28x1). For 2-D toy data use ``output_shape=(2,)``
    and ``output_activation=None`` (a linear output).

    Example:
        >>> from ganlib.models import MLPGenerator
        >>> g = MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        >>> g.output_shape, g.count_params()
        ((None, 28, 28, 1), 1493520)
    """

    def __init__(
        self,
        latent_dim: int = 100,
        output_shape: Sequence[int] = (28, 28, 1),
        *,
        hidden_units: Sequence[int] = (256, 512, 1024),
        negative_slope: float = 0.2,
        batch_norm: bool = True,
        batch_norm_momentum: float = 0.8,
        dropout: float = 0.0,
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
        self.hidden_units = _units(hidden_units, "hidden_units")
        self.negative_slope = _slope(negative_slope)
        self.batch_norm = bool(batch_norm)
        self.batch_norm_momentum = _fraction(batch_norm_momentum, "batch_norm_momentum")
        self.dropout = _fraction(dropout, "dropout")
        self.spectral_norm = bool(spectral_norm)

    def widths(self) -> Sequence[int]:
        """The hidden layer sizes, ``hidden_units``."""
        return self.hidden_units

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Dense(width) -> LeakyReLU -> [BatchNorm] -> [Dropout]``."""
        momentum = self.batch_norm_momentum if self.batch_norm else None
        return _dense_block(
            x, width, index, self.spectral_norm, self.negative_slope, momentum, self.dropout
        )

    def head(self, x: Tensor) -> Tensor:
        """``Dense(prod(output_shape)) -> output_activation -> Reshape(output_shape)``."""
        size = math.prod(self.output_shape)
        x = L.dense(size, spectral_norm=self.spectral_norm, name="dense_out")(x)
        if self.output_activation is not None:
            x = keras.layers.Activation(self.output_activation, name="output_activation")(x)
        return keras.layers.Reshape(self.output_shape, name="image")(x)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            **super().get_config(),
            "hidden_units": list(self.hidden_units),
            "negative_slope": self.negative_slope,
            "batch_norm": self.batch_norm,
            "batch_norm_momentum": self.batch_norm_momentum,
            "dropout": self.dropout,
            "spectral_norm": self.spectral_norm,
        }


@register("mlp_discriminator")
class MLPDiscriminator(DiscriminatorBuilder):
    """Fully connected discriminator: ``flatten -> [Dense, LeakyReLU] x n -> Dense(1)``.

    Defaults: hidden units 1024-512-256, each ``Dense -> LeakyReLU(0.2)``, and
    one logit (1,460,225 parameters for 28x28x1). ``dropout`` adds a Dropout
    after each activation; ``spectral_norm`` wraps every Dense in
    ``keras.layers.SpectralNormalization``; ``output_activation="sigmoid"``
    returns probabilities as the classic Keras GAN did.

    Example:
        >>> from ganlib.models import MLPDiscriminator
        >>> d = MLPDiscriminator(input_shape=(28, 28, 1)).build()
        >>> d.output_shape, d.count_params()
        ((None, 1), 1460225)
    """

    def __init__(
        self,
        input_shape: Sequence[int] = (28, 28, 1),
        *,
        hidden_units: Sequence[int] = (1024, 512, 256),
        negative_slope: float = 0.2,
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
        self.hidden_units = _units(hidden_units, "hidden_units")
        self.negative_slope = _slope(negative_slope)
        self.dropout = _fraction(dropout, "dropout")

    def widths(self) -> Sequence[int]:
        """The hidden layer sizes, ``hidden_units``."""
        return self.hidden_units

    def block(self, x: Tensor, width: int, index: int) -> Tensor:
        """``Dense(width) -> LeakyReLU -> [Dropout]``."""
        return _dense_block(
            x, width, index, self.spectral_norm, self.negative_slope, None, self.dropout
        )

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            **super().get_config(),
            "hidden_units": list(self.hidden_units),
            "negative_slope": self.negative_slope,
            "dropout": self.dropout,
        }
