"""The PacGAN 2-D mixtures: centres, spread, balance, determinism, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.data import Mixture, grid, grid_mixture, ring, ring_mixture


def test_ring_centres_and_std_are_pacgan() -> None:
    m = ring_mixture()
    assert m.num_modes == 8 and m.std == 0.01 and m.name == "ring"
    angles = np.arctan2(m.centers[:, 1], m.centers[:, 0]) % (2 * np.pi)
    np.testing.assert_allclose(angles, np.arange(8) * np.pi / 4, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(m.centers, axis=1), 1.0, atol=1e-6)


def test_grid_centres_and_std_are_pacgan() -> None:
    m = grid_mixture()
    assert m.num_modes == 25 and m.std == 0.05
    expected = {(float(a), float(b)) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    assert {tuple(c) for c in m.centers.tolist()} == expected
    assert m.centers.dtype == np.float32


@pytest.mark.parametrize(("mixture", "n"), [(ring_mixture(), 8000), (grid_mixture(), 25000)])
def test_samples_spread_and_balance(mixture: Mixture, n: int) -> None:
    x, k = mixture.sample(n, seed=0, with_labels=True)
    assert x.dtype == np.float32 and x.shape == (n, 2) and k.dtype == np.int32
    offsets = x - mixture.centers[k]
    np.testing.assert_allclose(offsets.std(axis=0), mixture.std, rtol=0.05)
    np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=4 * mixture.std / np.sqrt(n))
    counts = np.bincount(k, minlength=mixture.num_modes)
    assert counts.min() > 0.8 * n / mixture.num_modes  # equal weights
    # Every sample's nearest centre is its own mode (modes are 20+ std apart).
    dist = np.linalg.norm(x[:, None, :] - mixture.centers[None], axis=2)
    assert np.array_equal(dist.argmin(axis=1), k)


def test_functions_match_mixtures_and_are_deterministic() -> None:
    np.testing.assert_array_equal(ring(50, seed=4), ring_mixture().sample(50, seed=4))
    np.testing.assert_array_equal(grid(50, seed=4), grid(50, seed=4))
    assert not np.array_equal(ring(50, seed=4), ring(50, seed=5))
    custom = ring(10, modes=3, radius=2.0, std=0.0, seed=1)
    np.testing.assert_allclose(np.linalg.norm(custom, axis=1), 2.0, rtol=1e-6)
    spaced = grid(10, modes_per_side=2, spacing=1.0, std=0.0, seed=1)
    assert set(np.abs(spaced).ravel().round(6).tolist()) == {0.5}


def test_centres_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        ring_mixture().centers[0, 0] = 5.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ring(0), ValueError, "n=0"),
        (lambda: ring(5.5), ValueError, "n=5.5"),  # type: ignore[arg-type]
        (lambda: ring(5, modes=0), ValueError, "modes=0"),
        (lambda: ring(5, radius=-1.0), ValueError, "radius=-1.0"),
        (lambda: ring(5, std=float("nan")), ValueError, "std=nan"),
        (lambda: ring(5, std="wide"), TypeError, "std='wide'"),  # type: ignore[arg-type]
        (lambda: grid(5, modes_per_side=True), ValueError, "modes_per_side=True"),
        (lambda: grid(5, spacing=0), ValueError, "spacing=0"),
        (lambda: Mixture(np.zeros(2), 0.1), ValueError, "centers"),
    ],
)
def test_bad_arguments(call: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]
