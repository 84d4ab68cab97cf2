"""Packing (PacGAN) and minibatch standard deviation (ProGAN): layers, functions, options."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import models
from ganlib.models import MinibatchStdDev, Pack, pack, packed, packed_shape


def _reference_pack(x: np.ndarray, m: int) -> np.ndarray:
    return np.stack(
        [np.concatenate([x[k * m + j] for j in range(m)], axis=-1) for k in range(len(x) // m)]
    )


@pytest.mark.parametrize(("shape", "m"), [((2,), 4), ((5, 5, 3), 2), ((4, 4, 1), 3)])
def test_pack_groups_consecutive_samples_along_the_last_axis(shape: tuple, m: int) -> None:
    x = np.random.default_rng(0).normal(size=(4 * m, *shape)).astype("float32")
    out = pack(x, m).numpy()
    assert out.shape == (4, *packed_shape(shape, m))
    np.testing.assert_array_equal(out, _reference_pack(x, m))
    np.testing.assert_array_equal(pack(x, 1).numpy(), x)


def test_pack_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="divisible by pack=4"):
        pack(np.zeros((6, 2), "float32"), 4)
    with pytest.raises(ValueError, match="pack"):
        pack(np.zeros((8, 2), "float32"), 0)
    with pytest.raises(ValueError, match="conditional"):
        models.MLPDiscriminator(input_shape=(2,), num_classes=3, pack=2)


def test_builders_take_packed_inputs_and_round_trip_their_config() -> None:
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(8,), pack=4)
    assert d.build().input_shape == (None, 8)
    c = models.DCGANDiscriminator(input_shape=(28, 28, 1), base_filters=4, pack=2)
    assert c.build().input_shape == (None, 28, 28, 2)
    assert models.from_config(models.serialize(c)) == c


def test_packed_wrapper_equals_packing_then_the_discriminator(tmp_path) -> None:
    d = models.MLPDiscriminator(input_shape=(3,), hidden_units=(8,), pack=2).build()
    wrapped = packed(d, 2)
    x = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    np.testing.assert_allclose(wrapped(x).numpy(), d(pack(x, 2)).numpy(), rtol=1e-6, atol=1e-6)
    path = tmp_path / "packed.keras"
    wrapped.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded.get_layer("pack"), Pack)
    np.testing.assert_allclose(loaded(x).numpy(), wrapped(x).numpy(), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="divisible by m=4"):
        packed(d, 4)


def _reference_stddev(x: np.ndarray, group: int) -> np.ndarray:
    out = []
    for k in range(len(x) // group):
        g = x[k * group : (k + 1) * group].astype("float64")
        value = np.sqrt(g.var(axis=0) + 1e-8).mean()
        out += [value] * group
    return np.array(out)


@pytest.mark.parametrize("group_size", [None, 2, 4])
def test_minibatch_stddev_appends_the_group_mean_std(group_size: int | None) -> None:
    x = np.random.default_rng(2).normal(size=(8, 4, 4, 3)).astype("float32")
    y = MinibatchStdDev(group_size=group_size)(x).numpy()
    assert y.shape == (8, 4, 4, 4)
    np.testing.assert_array_equal(y[..., :3], x)
    expected = _reference_stddev(x, group_size or 8)
    np.testing.assert_allclose(y[..., 3], np.broadcast_to(expected[:, None, None], (8, 4, 4)), 1e-5)


def test_minibatch_stddev_sees_collapse_and_passes_gradients() -> None:
    collapsed = np.repeat(np.ones((1, 5), "float32"), 6, axis=0)
    assert MinibatchStdDev()(collapsed).numpy()[:, -1] == pytest.approx(1e-4, rel=1e-3)
    x = tf.random.stateless_normal((6, 5), seed=[0, 1])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(MinibatchStdDev()(x)[:, -1])
    grad = tape.gradient(y, x).numpy()
    assert np.all(np.isfinite(grad)) and np.any(grad != 0)
    with pytest.raises(ValueError, match="divisible by group_size=4"):
        MinibatchStdDev(group_size=4)(np.zeros((6, 5), "float32"))
    with pytest.raises(ValueError, match="group_size"):
        MinibatchStdDev(group_size=1)


def test_builder_option_adds_the_layer_and_the_model_loads_in_safe_mode(tmp_path) -> None:
    builder = models.DCGANDiscriminator(
        input_shape=(28, 28, 1), base_filters=4, pack=2, minibatch_stddev=True
    )
    d = builder.build()
    assert isinstance(d.get_layer("minibatch_stddev"), MinibatchStdDev)
    mlp = models.MLPDiscriminator(input_shape=(2,), hidden_units=(8,), minibatch_stddev=True)
    assert mlp.build().get_layer("logit").input.shape == (None, 9)
    path = tmp_path / "d.keras"
    d.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    x = np.random.default_rng(3).normal(size=(4, 28, 28, 2)).astype("float32")
    np.testing.assert_allclose(loaded(x).numpy(), d(x).numpy(), rtol=1e-5, atol=1e-5)
