"""Tests for conditional builders (label input) and safe-mode save/load of built models."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import models

GENERATORS = {
    "mlp": lambda: models.MLPGenerator(
        latent_dim=8, output_shape=(4, 4, 1), hidden_units=(16,), num_classes=3
    ),
    "dcgan": lambda: models.DCGANGenerator(
        latent_dim=8, output_shape=(8, 8, 1), base_filters=4, num_classes=3
    ),
}

DISCRIMINATORS = {
    "mlp-concat": lambda: models.MLPDiscriminator(
        input_shape=(8, 8, 1), hidden_units=(16,), num_classes=3, conditioning="concat"
    ),
    "mlp-projection": lambda: models.MLPDiscriminator(
        input_shape=(8, 8, 1), hidden_units=(16,), num_classes=3, conditioning="projection"
    ),
    "dcgan-concat": lambda: models.DCGANDiscriminator(
        input_shape=(8, 8, 1), base_filters=4, num_classes=3, conditioning="concat"
    ),
    "dcgan-projection": lambda: models.DCGANDiscriminator(
        input_shape=(8, 8, 1), base_filters=4, num_classes=3, conditioning="projection"
    ),
}


def numpy(x: object) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("family", sorted(GENERATORS))
def test_conditional_generator_honours_its_label(family: str) -> None:
    keras.utils.set_random_seed(0)
    g = GENERATORS[family]().build()
    assert len(g.inputs) == 2
    assert g.inputs[0].shape[-1] == 8
    z = np.repeat(np.random.default_rng(0).normal(size=(1, 8)), 3, axis=0).astype("float32")
    labels = np.array([0, 1, 2], dtype="int32")
    images = numpy(g([z, labels], training=False))
    assert images.shape[0] == 3
    assert np.all(np.abs(images) <= 1.0)
    # Same z, different labels: different images; same label: the same image.
    for a in range(3):
        for b in range(a + 1, 3):
            assert np.abs(images[a] - images[b]).max() > 1e-4
    again = numpy(g([z, np.zeros(3, "int32")], training=False))
    np.testing.assert_allclose(again, np.repeat(images[:1], 3, axis=0), atol=1e-6)


def test_labels_may_have_shape_batch_or_batch_by_one() -> None:
    g = GENERATORS["mlp"]().build()
    z = np.random.default_rng(1).normal(size=(4, 8)).astype("float32")
    labels = np.array([0, 1, 2, 1], dtype="int32")
    flat = numpy(g([z, labels], training=False))
    column = numpy(g([z, labels[:, None]], training=False))
    np.testing.assert_allclose(flat, column, atol=1e-6)


@pytest.mark.parametrize("variant", sorted(DISCRIMINATORS))
def test_conditional_discriminator_output_depends_on_label(variant: str) -> None:
    keras.utils.set_random_seed(1)
    d = DISCRIMINATORS[variant]().build()
    assert len(d.inputs) == 2
    x = np.repeat(np.random.default_rng(2).normal(size=(1, 8, 8, 1)), 3, axis=0)
    logits = numpy(d([x.astype("float32"), np.array([0, 1, 2], "int32")], training=False))
    assert logits.shape == (3, 1)
    assert np.abs(logits[0] - logits[1]) > 1e-5 and np.abs(logits[1] - logits[2]) > 1e-5


def test_projection_discriminator_matches_its_formula() -> None:
    """logit(x, y) = w . phi(x) + b + <E[y], phi(x)> (Miyato & Koyama 2018)."""
    keras.utils.set_random_seed(2)
    d = DISCRIMINATORS["mlp-projection"]().build()
    x = np.random.default_rng(3).normal(size=(5, 8, 8, 1)).astype("float32")
    y = np.array([0, 1, 2, 2, 0], dtype="int32")
    phi = numpy(keras.Model(d.inputs[0], d.get_layer("logit").input)(x))
    w, b = (numpy(v) for v in d.get_layer("logit").weights)
    table = numpy(d.get_layer("projection_embedding").embeddings)
    expected = phi @ w + b + np.sum(table[y] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(numpy(d([x, y])), expected, rtol=1e-5, atol=1e-5)
    # The projection adds exactly one embedding row of size dim(phi) per class.
    plain = models.MLPDiscriminator(input_shape=(8, 8, 1), hidden_units=(16,)).build()
    assert d.count_params() == plain.count_params() + 3 * 16


def test_concat_conditioning_adds_a_label_channel_to_dcgan_input() -> None:
    d = DISCRIMINATORS["dcgan-concat"]().build()
    assert d.get_layer("image_and_label").output.shape == (None, 8, 8, 2)


def test_conditional_sigmoid_discriminator_gives_probabilities() -> None:
    d = models.MLPDiscriminator(
        input_shape=(2,), hidden_units=(8,), num_classes=4, output_activation="sigmoid"
    ).build()
    x = 20.0 * np.random.default_rng(4).normal(size=(16, 2)).astype("float32")
    probs = numpy(d([x, np.arange(16, dtype="int32") % 4]))
    assert probs.shape == (16, 1)
    assert np.all((probs >= 0.0) & (probs <= 1.0))


SAVED = {
    "mlp-g-conditional": GENERATORS["mlp"],
    "dcgan-g-conditional": GENERATORS["dcgan"],
    "mlp-d-projection": DISCRIMINATORS["mlp-projection"],
    "dcgan-d-concat-sn": lambda: models.DCGANDiscriminator(
        input_shape=(8, 8, 3), base_filters=4, num_classes=3, spectral_norm=True
    ),
    "mlp-g-unconditional": lambda: models.MLPGenerator(
        latent_dim=8, output_shape=(2,), hidden_units=(8,), output_activation=None
    ),
}


@pytest.mark.parametrize("case", sorted(SAVED))
def test_keras_file_round_trip_with_safe_mode(case: str, tmp_path: Path) -> None:
    model = SAVED[case]().build()
    rng = np.random.default_rng(5)
    first = rng.normal(size=(4, *model.inputs[0].shape[1:])).astype("float32")
    inputs = [first, np.array([0, 1, 2, 0], "int32")] if len(model.inputs) == 2 else first
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_allclose(
        numpy(loaded(inputs, training=False)), numpy(model(inputs, training=False)), atol=1e-6
    )
