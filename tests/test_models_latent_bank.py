"""`ganlib.models.latent_bank`: a generator sampled around stored latents."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import models
from ganlib.models.mixture import angle_sector
from ganlib.sampling import generate, with_temperature


def _generator(latent: int = 4) -> keras.Model:
    keras.utils.set_random_seed(0)
    return models.MLPGenerator(latent, (2, 3), hidden_units=(8,)).build()


def _z(rows: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, width)).astype("float32")


def test_each_row_is_its_picked_latent_plus_spread_times_its_noise() -> None:
    g = _generator()
    bank = _z(7, 4, seed=1)
    banked = models.generator_with_bank(g, bank, spread=0.3)
    z = _z(500, 6)
    index = angle_sector(z[:, 4:], 7).numpy()
    expected = g(bank[index] + 0.3 * z[:, :4]).numpy()
    np.testing.assert_allclose(banked(z).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert set(index.tolist()) == set(range(7))


def test_spread_zero_reproduces_the_stored_latents_images() -> None:
    g = _generator()
    bank = _z(3, 4, seed=2)
    samples, _ = generate(models.generator_with_bank(g, bank, spread=0.0), 60, seed=0)
    stored = g(bank).numpy()
    distances = np.abs(samples[:, None] - stored[None]).reshape(60, 3, -1).max(axis=2)
    assert np.all(distances.min(axis=1) < 1e-6)  # every sample is one of the three images


def test_picks_are_uniform_and_a_temperature_scales_only_the_noise() -> None:
    layer = models.LatentBank(num_latents=5, latent_dim=2, spread=0.5)
    layer.set_latents(np.arange(10, dtype="float32").reshape(5, 2))
    z = _z(50_000, 4, seed=3)
    counts = np.bincount(angle_sector(z[:, 2:], 5).numpy(), minlength=5)
    assert np.all(np.abs(counts / 50_000 - 0.2) < 0.01)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Identity()])
    hot = with_temperature(models.generator_with_bank(g, layer.latents.numpy(), 0.5), 2.0)
    index = angle_sector(z[:10, 2:], 5).numpy()
    expected = layer.latents.numpy()[index] + 0.5 * 2.0 * z[:10, :2]
    np.testing.assert_allclose(hot(z[:10]).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_the_banked_generator_saves_and_loads_with_its_latents(tmp_path: Path) -> None:
    g = _generator()
    banked = models.generator_with_bank(g, _z(9, 4, seed=4), spread=0.2)
    path = tmp_path / "banked.keras"
    banked.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    z = _z(40, 6, seed=5)
    np.testing.assert_allclose(loaded(z).numpy(), banked(z).numpy(), rtol=1e-6, atol=1e-6)
    assert loaded.get_layer("latent_bank").spread == 0.2


def test_it_shares_the_generators_weights() -> None:
    g = _generator()
    banked = models.generator_with_bank(g, _z(2, 4), spread=0.0)
    z = _z(4, 6)
    before = banked(z).numpy()
    g.set_weights([w * 2 for w in g.get_weights()])
    assert not np.allclose(banked(z).numpy(), before)


def test_bad_arguments_say_what_was_received() -> None:
    g = _generator()
    with pytest.raises(ValueError, match=r"shape \(N, 4\).*\(3, 5\)"):
        models.generator_with_bank(g, np.zeros((3, 5)))
    assert models.LatentBank(1, 2, spread=np.float32(0.5)).spread == 0.5  # numpy scalars too
    with pytest.raises(ValueError, match="spread=-1"):
        models.generator_with_bank(g, np.zeros((3, 4)), spread=-1.0)
    with pytest.raises(ValueError, match="num_latents"):
        models.LatentBank(num_latents=0, latent_dim=2, spread=0.1)
    layer = models.LatentBank(num_latents=2, latent_dim=2, spread=0.1)
    with pytest.raises(ValueError, match="finite"):
        layer.set_latents(np.array([[0.0, np.nan], [0.0, 0.0]]))
    conditional = models.MLPGenerator(4, (3,), hidden_units=(8,), num_classes=2).build()
    with pytest.raises(ValueError, match="unconditional"):
        models.generator_with_bank(conditional, np.zeros((3, 4)))
