"""ganlib.metrics maths: Fréchet distance, KID, precision/recall, density/coverage, score."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg
from scipy.spatial.distance import cdist

from ganlib.metrics import (
    RunningStats,
    classifier_score,
    density_coverage,
    frechet_distance,
    kernel_inception_distance,
    knn_radii,
    polynomial_mmd2,
    precision_recall,
    trace_sqrt_product,
)


def _random_cov(rng: np.random.Generator, d: int, rank: int | None = None) -> np.ndarray:
    a = rng.normal(size=(d, rank or 2 * d))
    cov = a @ a.T / a.shape[1]
    return cov if rank else cov + 0.1 * np.eye(d)


def _scipy_fd(mu1, s1, mu2, s2) -> float:
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean))


# ---------------------------------------------------------------- Fréchet distance


@pytest.mark.parametrize("d", [2, 16, 64])
def test_frechet_matches_scipy_sqrtm(d):
    rng = np.random.default_rng(d)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    s1, s2 = _random_cov(rng, d), _random_cov(rng, d)
    ours = frechet_distance(mu1, s1, mu2, s2)
    assert ours == pytest.approx(_scipy_fd(mu1, s1, mu2, s2), rel=1e-6)


def test_frechet_golden_values():
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2 with standard deviations s.
    assert frechet_distance([0.0], [[4.0]], [1.0], [[1.0]]) == pytest.approx(2.0)
    # Diagonal: sum (sqrt a - sqrt b)^2.
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 4.0, 1.0])
    expected = np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert frechet_distance(np.zeros(3), np.diag(a), np.zeros(3), np.diag(b)) == pytest.approx(
        expected, rel=1e-12
    )


def test_frechet_of_identical_gaussians_is_zero():
    rng = np.random.default_rng(1)
    mu, cov = rng.normal(size=32), _random_cov(rng, 32)
    assert frechet_distance(mu, cov, mu, cov) == pytest.approx(0.0, abs=1e-9 * np.trace(cov))


def test_frechet_is_finite_on_singular_covariances():
    rng = np.random.default_rng(2)
    s1, s2 = _random_cov(rng, 50, rank=5), _random_cov(rng, 50, rank=3)
    value = frechet_distance(np.zeros(50), s1, np.ones(50), s2)
    assert math.isfinite(value) and value > 50.0  # the mean term alone is 50
    assert frechet_distance(np.zeros(50), s1, np.zeros(50), s1) == pytest.approx(0.0, abs=1e-8)
    zero = np.zeros((50, 50))
    assert frechet_distance(np.zeros(50), zero, np.zeros(50), s1) == pytest.approx(np.trace(s1))


def test_trace_sqrt_product_is_symmetric_in_its_arguments():
    rng = np.random.default_rng(3)
    s1, s2 = _random_cov(rng, 10), _random_cov(rng, 10, rank=4)
    # s2 has rank 4: six eigenvalues are 0 up to round-off (~1e-16 of the scale), and their
    # square roots (~1e-8 each, which side of 0 depends on the CPU's BLAS) are summed too.
    expected = trace_sqrt_product(s2, s1)
    assert trace_sqrt_product(s1, s2) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), "sigma1"),
        ((np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), "same dimension"),
        ((np.zeros((2, 1)), np.eye(2), np.zeros(2), np.eye(2)), "mu1"),
        ((np.array([0.0, np.nan]), np.eye(2), np.zeros(2), np.eye(2)), "finite"),
        ((np.zeros(2), np.eye(2), np.zeros(2), np.full((2, 2), np.inf)), "finite"),
    ],
)
def test_frechet_rejects_bad_inputs(args, match):
    with pytest.raises(ValueError, match=match):
        frechet_distance(*args)


# ---------------------------------------------------------------- running statistics


def test_running_stats_match_numpy_with_uneven_batches_and_large_offset():
    rng = np.random.default_rng(4)
    x = 1e6 + rng.normal(size=(2003, 5))  # a large offset breaks the naive sum(x x^T) route
    stats = RunningStats()
    for batch in np.array_split(x, [1, 500, 501, 1700]):
        stats.update(batch)
    assert stats.count == 2003
    np.testing.assert_allclose(stats.mean, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.covariance, np.cov(x, rowvar=False), rtol=1e-7, atol=1e-7)


def test_running_stats_errors():
    stats = RunningStats()
    with pytest.raises(ValueError, match="no rows"):
        _ = stats.mean
    stats.update(np.ones((1, 3)))
    with pytest.raises(ValueError, match="at least 2 rows"):
        _ = stats.covariance
    with pytest.raises(ValueError, match="columns"):
        stats.update(np.ones((2, 4)))


# ---------------------------------------------------------------- KID


def test_polynomial_mmd2_matches_a_direct_double_sum():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(7, 3)), rng.normal(0.5, 1.0, size=(9, 3))

    def k(a, b):
        return (a @ b / 3 + 1.0) ** 3

    xx = sum(k(x[i], x[j]) for i in range(7) for j in range(7) if i != j) / (7 * 6)
    yy = sum(k(y[i], y[j]) for i in range(9) for j in range(9) if i != j) / (9 * 8)
    xy = sum(k(x[i], y[j]) for i in range(7) for j in range(9)) / (7 * 9)
    assert polynomial_mmd2(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_is_unbiased_near_zero_for_one_distribution_and_grows_with_shift():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(1000, 16))

    def kid(shift: float) -> float:
        fake = rng.normal(shift, 1.0, size=(1000, 16))
        return kernel_inception_distance(real, fake, subsets=20, subset_size=500)[0]

    assert abs(kid(0.0)) < 0.005 < kid(0.1) < kid(0.5)


def test_kid_is_seeded_and_caps_the_subset_size():
    rng = np.random.default_rng(7)
    real, fake = rng.normal(size=(50, 4)), rng.normal(size=(30, 4))
    first = kernel_inception_distance(real, fake, subsets=5, subset_size=1000, seed=3)
    assert first == kernel_inception_distance(real, fake, subsets=5, subset_size=1000, seed=3)
    # Capped at 30 rows: with subset_size=30 the draws are identical.
    assert first == kernel_inception_distance(real, fake, subsets=5, subset_size=30, seed=3)
    assert first != kernel_inception_distance(real, fake, subsets=5, subset_size=1000, seed=4)


def test_kid_rejects_bad_arguments():
    x = np.zeros((10, 3))
    with pytest.raises(ValueError, match="subsets"):
        kernel_inception_distance(x, x, subsets=0)
    with pytest.raises(ValueError, match="same feature dimension"):
        kernel_inception_distance(x, np.zeros((10, 4)))
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        kernel_inception_distance(np.zeros(10), x)


# ------------------------------------------------------ precision/recall, density/coverage


def _brute_prdc(real, fake, k_pr, k_dc):
    rr, ff, rf = cdist(real, real), cdist(fake, fake), cdist(real, fake)
    r_real = np.sort(rr, axis=1)[:, k_pr]
    r_fake = np.sort(ff, axis=1)[:, k_pr]
    precision = np.mean((rf <= r_real[:, None]).any(axis=0))
    fr = rf.T
    fake_balls = fr <= r_fake[:, None]  # (fake j, real i): real i in ball j
    recall = np.mean(fake_balls.any(axis=0))
    r_dc = np.sort(rr, axis=1)[:, k_dc]
    inside = rf <= r_dc[:, None]  # (real i, fake j): fake j in ball i
    density = inside.sum() / (k_dc * fake.shape[0])
    coverage = np.mean(inside.any(axis=1))
    return precision, recall, density, coverage


@pytest.mark.parametrize("chunk_size", [7, 1024])
def test_prdc_match_brute_force(chunk_size):
    rng = np.random.default_rng(8)
    real, fake = rng.normal(size=(120, 5)), rng.normal(0.3, 1.2, size=(90, 5))
    p, r, d, c = _brute_prdc(real, fake, 3, 5)
    assert precision_recall(real, fake, chunk_size=chunk_size) == pytest.approx((p, r), abs=1e-12)
    assert density_coverage(real, fake, chunk_size=chunk_size) == pytest.approx((d, c), abs=1e-12)
    assert 0.0 < p < 1.0 and 0.0 < r < 1.0 and 0.0 < c < 1.0  # a non-trivial case


def test_knn_radii_golden_and_errors():
    x = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    np.testing.assert_allclose(knn_radii(x, k=1), [3.0, 3.0, 4.0, 7.0])
    np.testing.assert_allclose(knn_radii(x, k=2), [5.0, 4.0, 5.0, 8.06225774829855])
    with pytest.raises(ValueError, match="smaller than the number of rows"):
        knn_radii(x, k=4)


def test_collapse_keeps_precision_and_loses_recall_and_coverage():
    rng = np.random.default_rng(9)
    real = rng.normal(size=(1000, 8))
    collapsed = 0.3 * rng.normal(size=(1000, 8))
    p_ok, r_ok = precision_recall(real, rng.normal(size=(1000, 8)))
    p, r = precision_recall(real, collapsed)
    _, c_ok = density_coverage(real, rng.normal(size=(1000, 8)))
    _, c = density_coverage(real, collapsed)
    assert p > 0.9 and p_ok > 0.6 and r_ok > 0.6
    assert r < 0.1 and c < 0.5 * c_ok


# ---------------------------------------------------------------- classifier score


def test_classifier_score_golden_values():
    assert classifier_score(np.full((100, 10), 0.1), splits=5) == pytest.approx((1.0, 0.0))
    # Two equal halves of confident predictions for 2 of 4 classes: exp(log 2) = 2.
    p = np.zeros((100, 4))
    p[::2, 0], p[1::2, 1] = 1.0, 1.0
    assert classifier_score(p, splits=1)[0] == pytest.approx(2.0)


def test_classifier_score_matches_the_kl_formula_and_accepts_logits():
    rng = np.random.default_rng(10)
    logits = rng.normal(size=(300, 5)) * 3
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    parts = [np.exp(np.mean(np.sum(q * np.log(q / q.mean(0)), axis=1))) for q in np.split(p, 3)]
    expected = (np.mean(parts), np.std(parts))
    assert classifier_score(p, splits=3) == pytest.approx(expected, rel=1e-10)
    assert classifier_score(logits, splits=3, from_logits=True) == pytest.approx(expected)


def test_classifier_score_rejects_bad_inputs():
    with pytest.raises(ValueError, match="sum to 1"):
        classifier_score(np.ones((10, 3)))
    with pytest.raises(ValueError, match="splits"):
        classifier_score(np.full((4, 2), 0.5), splits=5)
    with pytest.raises(ValueError, match="shape"):
        classifier_score(np.ones(10))
