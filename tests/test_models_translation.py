"""Shapes, saving and validation of the translation builders (U-Net, ResNet, PatchGAN)."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from ganlib import models


@pytest.mark.parametrize("side", [28, 64, 256])
def test_shapes_from_28_to_256(side: int) -> None:
    unet = models.UNetGenerator(input_shape=(side, side, 3), output_channels=1, base_filters=4)
    resnet = models.ResNetGenerator(input_shape=(side, side, 3), base_filters=4, num_blocks=1)
    patch = models.PatchGANDiscriminator(input_shape=(side, side, 4), base_filters=4)
    assert unet.build().output_shape == (None, side, side, 1)
    assert resnet.build().output_shape == (None, side, side, 3)
    grid = -(-side // 8)  # three stride-2 convolutions with "same" padding
    assert patch.build().output_shape == (None, grid, grid, 1)


def test_unet_depth_and_paper_size() -> None:
    assert models.UNetGenerator(input_shape=(28, 28, 1)).depth == 2  # 28 -> 14 -> 7
    assert models.UNetGenerator(input_shape=(256, 256, 3)).depth == 8  # down to 1x1
    g = models.UNetGenerator(input_shape=(64, 64, 1), base_filters=4, depth=3).build()
    assert g.get_layer("down_2").output.shape[1:3] == (8, 8)
    # Skip connections: each decoder output is joined to the encoder output of its size.
    assert [layer.name for layer in g.layers if layer.name.startswith("skip_")] == [
        "skip_0",
        "skip_1",
    ]


def test_outputs_in_range_and_save_load_safe_mode(tmp_path) -> None:
    x = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    for builder in (
        models.UNetGenerator(base_filters=4, dropout=0.5),
        models.ResNetGenerator(base_filters=4, num_blocks=1),
    ):
        g = builder.build()
        y = np.asarray(g(x))
        assert y.shape == x.shape and np.all(np.abs(y) <= 1)
        path = tmp_path / f"{g.name}.keras"
        g.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(np.asarray(loaded(x)), y, atol=1e-6)
    names = {type(layer).__name__ for layer in g.layers}
    assert "GroupNormalization" in names  # instance norm by default


def test_hook_override_changes_one_thing() -> None:
    class NoSkipUNet(models.UNetGenerator):
        def up_block(self, x, skip, width, index):
            return keras.layers.Conv2DTranspose(width, 4, strides=2, padding="same")(x)

    g = NoSkipUNet(input_shape=(32, 32, 1), base_filters=4).build()
    assert g.output_shape == (None, 32, 32, 1)
    assert not any(layer.name.startswith("skip_") for layer in g.layers)


def test_config_round_trip() -> None:
    for builder in (
        models.UNetGenerator(input_shape=(32, 32, 3), base_filters=8, norm="batch"),
        models.ResNetGenerator(num_blocks=3),
        models.PatchGANDiscriminator(input_shape=(32, 32, 2), norm="none"),
    ):
        assert type(builder).from_config(builder.get_config()) == builder


@pytest.mark.parametrize(
    ("name", "cls", "kwargs"),
    [
        ("unet_generator", models.UNetGenerator, {"input_shape": (16, 16, 3), "depth": 3}),
        ("resnet_generator", models.ResNetGenerator, {"input_shape": (16, 16, 1), "num_blocks": 2}),
        ("patchgan_discriminator", models.PatchGANDiscriminator, {"input_shape": (16, 16, 2)}),
    ],
)
def test_registry_round_trips(name: str, cls: type, kwargs: dict) -> None:
    assert name in models.available()
    builder = models.get(name, base_filters=4, norm="batch", **kwargs)
    assert type(builder) is cls and builder == cls(base_filters=4, norm="batch", **kwargs)
    assert models.get(name.upper().replace("_", "-"), base_filters=4, **kwargs) == cls(
        base_filters=4, **kwargs
    )  # the registry's one name rule
    spec = models.serialize(builder)
    assert spec["name"] == name
    rebuilt = models.from_config(json.loads(json.dumps(spec)))  # through JSON, as config.json
    assert rebuilt == builder and models.serialize(rebuilt) == spec
    a, b = builder.build(), rebuilt.build()
    assert a.output_shape == b.output_shape and a.count_params() == b.count_params()
    assert [type(x).__name__ for x in a.layers] == [type(x).__name__ for x in b.layers]


def test_registry_refuses_a_class_that_is_no_builder() -> None:
    with pytest.raises(TypeError, match="TranslatorBuilder subclasses"):
        models.register("translator_example")(dict)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: models.UNetGenerator(input_shape=(27, 27, 1)), "even height"),
        (lambda: models.UNetGenerator(input_shape=(28, 28, 1), depth=3), "depth"),
        (lambda: models.UNetGenerator(input_shape=(28, 28)), "input_shape"),
        (lambda: models.UNetGenerator(norm="layer"), "norm"),
        (lambda: models.ResNetGenerator(input_shape=(30, 30, 1)), "multiples of 4"),
        (lambda: models.ResNetGenerator(num_blocks=0), "num_blocks"),
        (lambda: models.PatchGANDiscriminator((28, 28, 1), num_downsamplings=5),
         "num_downsamplings"),
    ],
)  # fmt: skip
def test_errors_name_the_argument(make, match) -> None:
    with pytest.raises(ValueError, match=match):
        make()
