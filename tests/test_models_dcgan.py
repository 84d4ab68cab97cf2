"""Tests for the DCGAN builder family (small filter counts keep them fast)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib import models


def kinds(model: keras.Model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize("side", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_generator_and_discriminator_shapes(side: int, channels: int) -> None:
    shape = (side, side, channels)
    g = models.DCGANGenerator(latent_dim=8, output_shape=shape, base_filters=4).build()
    d = models.DCGANDiscriminator(input_shape=shape, base_filters=4).build()
    z = 10.0 * np.random.default_rng(side).normal(size=(3, 8)).astype("float32")
    images = keras.ops.convert_to_numpy(g(z, training=False))
    assert images.shape == (3, *shape)
    assert np.all(images >= -1.0) and np.all(images <= 1.0)
    assert keras.ops.convert_to_numpy(d(images)).shape == (3, 1)


@pytest.mark.parametrize(("side", "start", "doublings"), [(4, 4, 0), (7, 7, 0), (14, 7, 1)])
def test_small_sides_and_plan(side: int, start: int, doublings: int) -> None:
    assert models.dcgan_plan((side, side, 1)) == (start, doublings)
    g = models.DCGANGenerator(latent_dim=4, output_shape=(side, side, 1), base_filters=4).build()
    assert g.output_shape == (None, side, side, 1)
    upconvs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert len(upconvs) == doublings


def test_generator_structure_and_parameter_count_28() -> None:
    g = models.DCGANGenerator(latent_dim=10, output_shape=(28, 28, 1), base_filters=8).build()
    assert kinds(g) == [
        "InputLayer",
        "Dense",
        "BatchNormalization",
        "ReLU",
        "Reshape",
        "Conv2DTranspose",
        "BatchNormalization",
        "ReLU",
        "Conv2DTranspose",
        "BatchNormalization",
        "ReLU",
        "Conv2D",
        "Activation",
    ]
    assert g.get_layer("to_map").output.shape == (None, 7, 7, 32)
    assert g.get_layer("relu_0").output.shape == (None, 14, 14, 16)
    expected = (
        10 * 7 * 7 * 32  # project, no bias before BatchNorm: 15,680
        + 4 * 7 * 7 * 32  # its BatchNorm: 6,272
        + 4 * 4 * 32 * 16  # upconv_0, no bias: 8,192
        + 4 * 16  # bn_0: 64
        + 4 * 4 * 16 * 8  # upconv_1: 2,048
        + 4 * 8  # bn_1: 32
        + 3 * 3 * 8 * 1
        + 1  # to_image: 73
    )
    assert g.count_params() == expected == 32_361


def test_discriminator_structure_and_parameter_count_28() -> None:
    d = models.DCGANDiscriminator(input_shape=(28, 28, 1), base_filters=8).build()
    # No BatchNorm on the first block (Radford et al.).
    assert kinds(d) == [
        "InputLayer",
        "Conv2D",
        "LeakyReLU",
        "Conv2D",
        "BatchNormalization",
        "LeakyReLU",
        "Flatten",
        "Dense",
    ]
    for layer in d.layers:
        if isinstance(layer, keras.layers.Conv2D):
            assert layer.strides == (2, 2)
        if isinstance(layer, keras.layers.LeakyReLU):
            assert layer.negative_slope == pytest.approx(0.2)
    expected = (
        4 * 4 * 1 * 8
        + 8  # conv_0 with bias: 136
        + 4 * 4 * 8 * 16  # conv_1, no bias before BatchNorm: 2,048
        + 4 * 16  # bn_1: 64
        + 7 * 7 * 16
        + 1  # logit: 785
    )
    assert d.count_params() == expected == 3_033


def test_spectral_norm_wraps_every_conv_and_dense() -> None:
    d = models.DCGANDiscriminator(
        input_shape=(16, 16, 3), base_filters=4, spectral_norm=True, batch_norm=False
    ).build()
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [type(layer.layer).__name__ for layer in wrapped] == ["Conv2D", "Conv2D", "Dense"]
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in d.layers)
    x = np.zeros((2, 16, 16, 3), "float32")
    assert keras.ops.convert_to_numpy(d(x, training=True)).shape == (2, 1)


def test_subclass_overriding_generator_block_with_upsampling() -> None:
    class ResizeConvGenerator(models.DCGANGenerator):
        def block(self, x, width, index):  # type: ignore[no-untyped-def]
            x = keras.layers.UpSampling2D(name=f"up_{index}")(x)
            return keras.layers.Conv2D(width, 3, padding="same", activation="relu")(x)

    g = ResizeConvGenerator(latent_dim=4, output_shape=(16, 16, 1), base_filters=4).build()
    assert g.output_shape == (None, 16, 16, 1)
    assert not any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in g.layers)
    assert sum(isinstance(layer, keras.layers.UpSampling2D) for layer in g.layers) == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: models.DCGANGenerator(output_shape=(30, 30, 1)),
            r"Received: output_shape=\(30, 30, 1\)",
        ),
        (
            lambda: models.DCGANGenerator(output_shape=(32, 28, 1)),
            r"Received: output_shape=\(32, 28, 1\)",
        ),
        (
            lambda: models.DCGANGenerator(output_shape=(28, 28, 0)),
            r"Received: output_shape=\(28, 28, 0\)",
        ),
        (
            lambda: models.DCGANGenerator(output_shape=(28, 28)),
            r"Received: output_shape=\(28, 28\)",
        ),
        (
            lambda: models.DCGANDiscriminator(input_shape=(48, 48, 3)),
            r"Received: input_shape=\(48, 48, 3\)",
        ),
        (lambda: models.DCGANDiscriminator(base_filters=0), "Received: base_filters=0"),
        (lambda: models.DCGANGenerator(latent_dim=0), "Received: latent_dim=0"),
    ],
)
def test_impossible_shapes_raise_value_error(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()
