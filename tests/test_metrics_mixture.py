"""ganlib.metrics.mixture_metrics: PacGAN's modes captured, high-quality fraction, reverse KL."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ganlib.metrics import mixture_metrics

CENTERS = np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)
STD = 0.01


def _around(rng, modes, per_mode, spread=1.0):
    """Points within spread * STD of the given modes (uniform in a small square)."""
    points = [CENTERS[m] + rng.uniform(-1, 1, size=(per_mode, 2)) * STD * spread for m in modes]
    return np.concatenate(points)


def test_balanced_samples_capture_every_mode_with_zero_kl():
    m = mixture_metrics(_around(np.random.default_rng(0), range(8), 100), CENTERS, STD)
    assert (m.modes_captured, m.high_quality_fraction, m.n, m.modes) == (8, 1.0, 800, 8)
    assert m.reverse_kl == pytest.approx(0.0, abs=1e-12)
    assert m.mode_counts == (100,) * 8


def test_collapse_to_one_mode_gives_log_k():
    m = mixture_metrics(_around(np.random.default_rng(1), [3], 500), CENTERS, STD)
    assert m.modes_captured == 1 and m.mode_counts[3] == 500
    assert m.reverse_kl == pytest.approx(math.log(8))


def test_low_quality_samples_count_for_nothing():
    rng = np.random.default_rng(2)
    good = _around(rng, range(4), 100)  # 400 good points on 4 modes
    bad = CENTERS[4:].repeat(100, axis=0) + np.array([0.0, 5 * STD])  # 400 at 5 std
    m = mixture_metrics(np.concatenate([good, bad]), CENTERS, STD)
    assert m.high_quality_fraction == 0.5
    assert m.modes_captured == 4
    assert m.reverse_kl == pytest.approx(math.log(2))  # uniform over 4 of 8 modes


def test_pacgan_threshold_of_20_in_2500():
    rng = np.random.default_rng(3)
    counts = [20, 19, 0, 0, 0, 0, 0, 0]
    hq = np.concatenate([_around(rng, [i], c) for i, c in enumerate(counts) if c])
    far = np.full((2500 - len(hq), 2), 10.0)
    m = mixture_metrics(np.concatenate([hq, far]), CENTERS, STD)
    assert m.min_count == 20 and m.modes_captured == 1
    assert m.high_quality_fraction == pytest.approx(39 / 2500)


def test_exactly_three_std_is_high_quality_and_no_good_sample_gives_inf():
    m = mixture_metrics(CENTERS[:1] + np.array([[3 * STD - 1e-12, 0.0]]), CENTERS, STD)
    assert m.high_quality_fraction == 1.0
    m = mixture_metrics(np.full((10, 2), 10.0), CENTERS, STD)
    assert m.high_quality_fraction == 0.0 and m.modes_captured == 0 and m.reverse_kl == math.inf


def test_accepts_a_mixture_object_and_checks_arguments():
    class Ring:
        centers = CENTERS
        std = STD

    samples = _around(np.random.default_rng(4), range(8), 10)
    assert mixture_metrics(samples, Ring()) == mixture_metrics(samples, CENTERS, STD)
    with pytest.raises(ValueError, match="std"):
        mixture_metrics(samples, CENTERS, 0.0)
    with pytest.raises(ValueError, match="same width"):
        mixture_metrics(samples, np.zeros((8, 3)), STD)
    with pytest.raises(ValueError, match="min_fraction"):
        mixture_metrics(samples, CENTERS, STD, min_fraction=2.0)


def test_real_ring_samples_from_ganlib_data():
    from ganlib.data import ring_mixture

    ring = ring_mixture()
    m = mixture_metrics(ring.sample(2500, seed=0), ring)
    # 2-D Gaussian: P(|x - c| <= 3 std) = 1 - exp(-4.5) = 0.9889.
    assert m.modes_captured == 8
    assert m.high_quality_fraction == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    assert m.reverse_kl < 0.01
