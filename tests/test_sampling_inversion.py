"""`ganlib.sampling.invert_latents`: latents a generator maps close to given images."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib import models
from ganlib.sampling import invert_latents


def _linear(latent: int = 3, out: int = 6) -> keras.Model:
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((latent,)), keras.layers.Dense(out)])


def test_it_recovers_the_latents_of_an_injective_generator() -> None:
    g = _linear()
    truth = np.random.default_rng(1).standard_normal((20, 3)).astype("float32")
    latents, errors = invert_latents(g, g(truth).numpy(), steps=1500, learning_rate=0.05)
    np.testing.assert_allclose(latents, truth, atol=2e-2)
    assert errors.shape == (20,) and np.all(errors < 1e-4)


def test_fixed_entries_keep_their_initial_values_and_the_rest_fit() -> None:
    g = _linear()
    truth = np.random.default_rng(2).standard_normal((10, 3)).astype("float32")
    start = np.random.default_rng(3).standard_normal((10, 3)).astype("float32")
    start[:, 0] = truth[:, 0]  # the fixed entry is right: the others can fit exactly
    latents, errors = invert_latents(g, g(truth).numpy(), initial=start, fixed=1, steps=1500)
    np.testing.assert_array_equal(latents[:, 0], start[:, 0])
    np.testing.assert_allclose(latents[:, 1:], truth[:, 1:], atol=2e-2)
    assert np.all(errors < 1e-4)


def test_batches_invert_independently_of_each_other() -> None:
    g = models.MLPGenerator(4, (5,), hidden_units=(8,)).build()
    images = np.random.default_rng(4).uniform(-0.5, 0.5, (12, 5)).astype("float32")
    whole, _ = invert_latents(g, images, steps=30, batch_size=12, seed=1)
    parts, _ = invert_latents(g, images, steps=30, batch_size=5, seed=1)
    np.testing.assert_allclose(parts, whole, atol=1e-3)  # batch statistics would move it far


def test_the_generator_is_left_as_it_was() -> None:
    g = _linear()
    before = [w.copy() for w in g.get_weights()]
    invert_latents(g, np.ones((4, 6), "float32"), steps=5)
    for old, new in zip(before, g.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_bad_arguments_say_what_was_received() -> None:
    g = _linear()
    with pytest.raises(ValueError, match=r"\(N, 6\).*\(4, 5\)"):
        invert_latents(g, np.zeros((4, 5)))
    with pytest.raises(ValueError, match="finite"):
        invert_latents(g, np.full((2, 6), np.nan))
    with pytest.raises(ValueError, match="fixed"):
        invert_latents(g, np.zeros((2, 6)), fixed=3)
    with pytest.raises(ValueError, match=r"initial.*\(2, 3\)"):
        invert_latents(g, np.zeros((2, 6)), initial=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="steps"):
        invert_latents(g, np.zeros((2, 6)), steps=0)
