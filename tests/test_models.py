"""Tests for ganlib.models: base hooks, MLP family, registry and boundary errors."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from ganlib import models


def dense_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def bn_params(n: int) -> int:
    return 4 * n  # gamma, beta (trainable) + moving mean, moving variance


# --- MLP defaults: the classic Keras MNIST GAN ---------------------------------------------


def test_mlp_generator_default_parameter_count() -> None:
    g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    expected = (
        dense_params(100, 256)  # 25,856
        + bn_params(256)  # 1,024
        + dense_params(256, 512)  # 131,584
        + bn_params(512)  # 2,048
        + dense_params(512, 1024)  # 525,312
        + bn_params(1024)  # 4,096
        + dense_params(1024, 784)  # 803,600
    )
    assert expected == 1_493_520
    assert g.count_params() == expected
    trainable = sum(int(np.prod(v.shape)) for v in g.trainable_weights)
    assert trainable == expected - 2 * (256 + 512 + 1024)  # 1,489,936


def test_mlp_discriminator_default_parameter_count() -> None:
    d = models.MLPDiscriminator(input_shape=(28, 28, 1)).build()
    expected = (
        dense_params(784, 1024)  # 803,840
        + dense_params(1024, 512)  # 524,800
        + dense_params(512, 256)  # 131,328
        + dense_params(256, 1)  # 257
    )
    assert expected == 1_460_225
    assert d.count_params() == expected
    assert len(d.non_trainable_weights) == 0


def test_mlp_generator_default_layer_order_and_settings() -> None:
    g = models.MLPGenerator().build()
    kinds = [type(layer).__name__ for layer in g.layers]
    assert kinds == (
        ["InputLayer"]
        + ["Dense", "LeakyReLU", "BatchNormalization"] * 3
        + ["Dense", "Activation", "Reshape"]
    )
    for layer in g.layers:
        if isinstance(layer, keras.layers.LeakyReLU):
            assert layer.negative_slope == pytest.approx(0.2)
        if isinstance(layer, keras.layers.BatchNormalization):
            assert layer.momentum == pytest.approx(0.8)
    assert [layer.units for layer in g.layers if isinstance(layer, keras.layers.Dense)] == [
        256,
        512,
        1024,
        784,
    ]


def test_mlp_discriminator_default_layer_order() -> None:
    d = models.MLPDiscriminator().build()
    kinds = [type(layer).__name__ for layer in d.layers]
    assert kinds == ["InputLayer", "Flatten"] + ["Dense", "LeakyReLU"] * 3 + ["Dense"]
    slopes = [
        layer.negative_slope for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)
    ]
    assert slopes == pytest.approx([0.2, 0.2, 0.2])


# --- output contract -----------------------------------------------------------------------


def test_mlp_generator_output_shape_and_tanh_range() -> None:
    g = models.MLPGenerator(latent_dim=16, output_shape=(8, 8, 3), hidden_units=(32,)).build()
    z = 100.0 * np.random.default_rng(0).normal(size=(64, 16)).astype("float32")
    images = keras.ops.convert_to_numpy(g(z, training=False))
    assert images.shape == (64, 8, 8, 3)
    assert images.dtype == np.float32
    assert np.all(images >= -1.0) and np.all(images <= 1.0)
    assert np.abs(images).max() > 0.99  # large inputs saturate tanh: the squashing is real
    assert g.inputs[0].shape[-1] == 16  # the latent size, as the trainer reads it


def test_mlp_generator_linear_output_for_2d_data() -> None:
    g = models.MLPGenerator(
        latent_dim=4, output_shape=(2,), hidden_units=(16, 16), output_activation=None
    ).build()
    z = 100.0 * np.random.default_rng(1).normal(size=(256, 4)).astype("float32")
    points = keras.ops.convert_to_numpy(g(z, training=False))
    assert points.shape == (256, 2)
    assert np.abs(points).max() > 1.0  # not squashed
    assert not any(isinstance(layer, keras.layers.Activation) for layer in g.layers)


def test_mlp_discriminator_logits_and_sigmoid_option() -> None:
    x = 50.0 * np.random.default_rng(2).normal(size=(64, 2)).astype("float32")
    keras.utils.set_random_seed(3)
    logits_model = models.MLPDiscriminator(input_shape=(2,), hidden_units=(16,)).build()
    logits = keras.ops.convert_to_numpy(logits_model(x))
    assert logits.shape == (64, 1)
    assert logits.min() < 0.0 or logits.max() > 1.0  # unbounded logits
    keras.utils.set_random_seed(3)
    prob_model = models.MLPDiscriminator(
        input_shape=(2,), hidden_units=(16,), output_activation="sigmoid"
    ).build()
    probs = keras.ops.convert_to_numpy(prob_model(x))
    assert np.all((probs >= 0.0) & (probs <= 1.0))
    # Same seed, same weights: the sigmoid head is exactly sigmoid(logits).
    np.testing.assert_allclose(probs, 1.0 / (1.0 + np.exp(-logits)), rtol=1e-5, atol=1e-6)


# --- options -------------------------------------------------------------------------------


def test_spectral_norm_wraps_every_dense() -> None:
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(8, 8), spectral_norm=True).build()
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 3  # two hidden layers and the logit
    assert not any(isinstance(layer, keras.layers.Dense) for layer in d.layers)
    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), hidden_units=(8,), spectral_norm=True)
    g_layers = g.build().layers
    assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in g_layers) == 2


def test_dropout_and_batch_norm_options() -> None:
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(8, 8), dropout=0.3).build()
    rates = [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)]
    assert rates == pytest.approx([0.3, 0.3])
    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), hidden_units=(8,), batch_norm=False)
    g_model = g.build()
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in g_model.layers)
    assert g_model.count_params() == dense_params(4, 8) + dense_params(8, 2)


# --- hooks ---------------------------------------------------------------------------------


def test_subclass_overriding_block_changes_only_the_block() -> None:
    class ELUGenerator(models.MLPGenerator):
        def block(self, x, width, index):  # type: ignore[no-untyped-def]
            return keras.layers.Dense(width, activation="elu", name=f"elu_dense_{index}")(x)

    model = ELUGenerator(latent_dim=10, output_shape=(4, 4, 1), hidden_units=(32, 64)).build()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Dense", "Dense", "Dense", "Activation", "Reshape"]
    assert model.count_params() == dense_params(10, 32) + dense_params(32, 64) + dense_params(
        64, 16
    )
    assert model.output_shape == (None, 4, 4, 1)  # stem and head are untouched


def test_subclass_overriding_widths() -> None:
    class OneSmallLayer(models.MLPDiscriminator):
        def widths(self):  # type: ignore[no-untyped-def]
            return (5,)

    model = OneSmallLayer(input_shape=(3,)).build()
    assert model.count_params() == dense_params(3, 5) + dense_params(5, 1)


def test_base_builder_requires_hooks() -> None:
    with pytest.raises(NotImplementedError, match="widths"):
        models.GeneratorBuilder(latent_dim=4, output_shape=(2,)).build()


# --- config and registry -------------------------------------------------------------------


@pytest.mark.parametrize(
    "builder",
    [
        models.MLPGenerator(latent_dim=12, output_shape=(2,), hidden_units=(8,), dropout=0.1),
        models.MLPDiscriminator(input_shape=(4, 4, 1), num_classes=3, conditioning="projection"),
    ],
    ids=["generator", "discriminator"],
)
def test_serialize_round_trip_through_json(builder: object) -> None:
    spec = json.loads(json.dumps(models.serialize(builder)))
    rebuilt = models.from_config(spec)
    assert rebuilt == builder
    assert type(rebuilt) is type(builder)
    assert rebuilt.build().count_params() == builder.build().count_params()  # type: ignore[attr-defined]


def test_get_builds_by_name_and_rejects_unknown_names() -> None:
    assert {"mlp_generator", "mlp_discriminator"} <= set(models.available())
    builder = models.get("mlp_generator", latent_dim=8, output_shape=(2,))
    assert isinstance(builder, models.MLPGenerator)
    with pytest.raises(ValueError, match=r"Received: name='nope'"):
        models.get("nope")
    with pytest.raises(ValueError, match="Received: config="):
        models.from_config({"config": {}})


def test_register_rejects_non_builders_and_name_clashes() -> None:
    with pytest.raises(TypeError, match="Received"):
        models.register("not_a_builder")(int)
    with pytest.raises(ValueError, match="already registered as 'mlp_generator'"):

        @models.register("mlp_generator")
        class Clash(models.MLPDiscriminator):
            pass


def test_serialize_refuses_unregistered_subclasses() -> None:
    class Unregistered(models.MLPGenerator):
        pass

    with pytest.raises(ValueError, match="registered"):
        models.serialize(Unregistered(latent_dim=4, output_shape=(2,)))


# --- boundary errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: models.MLPGenerator(latent_dim=0), "Received: latent_dim=0"),
        (lambda: models.MLPGenerator(latent_dim=-3), "Received: latent_dim=-3"),
        (lambda: models.MLPGenerator(latent_dim=2.5), "Received: latent_dim=2.5"),
        (
            lambda: models.MLPGenerator(output_shape=(28, 0, 1)),
            r"Received: output_shape=\(28, 0, 1\)",
        ),
        (lambda: models.MLPGenerator(output_shape=()), r"Received: output_shape=\(\)"),
        (lambda: models.MLPDiscriminator(input_shape="28x28"), "Received: input_shape='28x28'"),
        (lambda: models.MLPGenerator(num_classes=1), "Received: num_classes=1"),
        (lambda: models.MLPDiscriminator(num_classes=0), "Received: num_classes=0"),
        (
            lambda: models.MLPDiscriminator(num_classes=10, conditioning="film"),
            "Received: conditioning='film'",
        ),
        (
            lambda: models.MLPGenerator(output_activation="squash"),
            "Received: output_activation='squash'",
        ),
        (
            lambda: models.MLPDiscriminator(output_activation="bogus"),
            "Received: output_activation='bogus'",
        ),
        (lambda: models.MLPDiscriminator(dropout=1.0), "Received: dropout=1.0"),
        (lambda: models.MLPGenerator(hidden_units=(256, 0)), r"Received: hidden_units=\(256, 0\)"),
        (lambda: models.MLPGenerator(negative_slope=-0.2), "Received: negative_slope=-0.2"),
        (lambda: models.MLPGenerator(embedding_dim=0), "Received: embedding_dim=0"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_the_value(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()
