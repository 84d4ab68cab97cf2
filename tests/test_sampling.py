"""ganlib.sampling: truncation, calibration, DRS and MH-GAN on a 1-D case with a known optimum.

Model N(0, 2^2), data N(0, 1): the optimal discriminator's logit is
``log(p_data / p_model) = log 2 - 3 x^2 / 8``, its maximum ``log 2`` at 0, so exact rejection
sampling accepts ``x`` with probability ``exp(-3 x^2 / 8)`` and half of all proposals.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from scipy import stats

from ganlib import sampling


def optimal_logit(x: np.ndarray) -> np.ndarray:
    return np.log(2.0) - 3 * np.asarray(x, dtype="float64") ** 2 / 8


def propose(k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0, 2, (k, 1)).astype("float32")


def test_truncated_normal_stays_inside_and_keeps_the_normal_shape() -> None:
    z = sampling.truncated_normal(np.random.default_rng(0), (20000, 4), threshold=1.0)
    assert z.dtype == np.float32 and np.abs(z).max() <= 1.0
    expected = stats.truncnorm(-1, 1)
    assert stats.kstest(z[:, 0], expected.cdf).pvalue > 1e-3
    plain = sampling.truncated_normal(np.random.default_rng(5), (3, 2))
    np.testing.assert_array_equal(
        plain, np.random.default_rng(5).standard_normal((3, 2)).astype("float32")
    )
    for bad in (0, -1.0, float("nan"), True, "1"):
        with pytest.raises(ValueError, match="truncation"):
            sampling.truncated_normal(np.random.default_rng(0), (2,), bad)


def test_drs_acceptance_is_the_exact_density_ratio_at_gamma_zero() -> None:
    x = np.linspace(-6, 6, 101)
    p = sampling.drs_acceptance(optimal_logit(x), max_logit=np.log(2.0), epsilon=0.0)
    np.testing.assert_allclose(p, np.exp(-3 * x**2 / 8), rtol=1e-9, atol=1e-12)
    tight = sampling.drs_acceptance(optimal_logit(x), np.log(2.0), epsilon=1e-6)
    np.testing.assert_allclose(tight, p, atol=2e-6)
    shifted = sampling.drs_acceptance(optimal_logit(x), np.log(2.0), gamma=1.0)
    assert np.all(shifted <= tight) and np.all(shifted < 1)


def test_drs_samples_follow_the_data_distribution_at_rate_one_over_m() -> None:
    sampler = sampling.DiscriminatorRejectionSampler(optimal_logit, burn_in=10000)
    x = sampler.sample(propose, 20000, seed=1)
    assert x.shape == (20000, 1)
    assert sampler.max_logit == pytest.approx(np.log(2.0), abs=1e-3)
    assert sampler.acceptance_rate == pytest.approx(0.5, abs=0.015)
    assert stats.kstest(x[:, 0], "norm").pvalue > 1e-3  # accepted samples ~ N(0, 1)
    assert stats.kstest(propose(20000, np.random.default_rng(2))[:, 0], "norm").pvalue < 1e-6


def test_mh_acceptance_and_chain_reach_the_data_distribution() -> None:
    np.testing.assert_allclose(
        sampling.mh_acceptance([0.0, 0.0, 1.0], [1.0, np.log(0.25), 0.0]), [1.0, 0.25, np.e**-1]
    )
    sampler = sampling.MetropolisHastingsSampler(optimal_logit, steps=30)
    x = sampler.sample(propose, 10000, seed=3)
    assert stats.kstest(x[:, 0], "norm").pvalue > 1e-3
    assert 0.3 < sampler.acceptance_rate < 0.9


def test_calibration_recovers_the_log_ratio_from_a_miscalibrated_discriminator() -> None:
    rng = np.random.default_rng(4)
    real, fake = rng.normal(0, 1, (20000, 1)), rng.normal(0, 2, (30000, 1))

    def skewed(x: np.ndarray) -> np.ndarray:  # monotone in the optimal logit, but off scale
        return 3.0 * optimal_logit(x) + 1.0

    sampler = sampling.DiscriminatorRejectionSampler(skewed, burn_in=5000)
    cal = sampler.calibrate(real, fake)
    assert cal.scale == pytest.approx(1 / 3, abs=0.02)
    assert cal.offset == pytest.approx(-1 / 3, abs=0.05)  # prior for 20k vs 30k removed
    x = sampler.sample(propose, 5000, seed=5)
    assert stats.kstest(x[:, 0], "norm").pvalue > 1e-3


def test_calibration_refuses_separated_or_bad_inputs() -> None:
    with pytest.raises(ValueError, match="separates"):
        sampling.Calibration.fit([5.0, 6.0, 7.0], [-5.0, -6.0, -7.0])
    with pytest.raises(ValueError, match="at least 2"):
        sampling.Calibration.fit([1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        sampling.Calibration.fit([1.0, np.nan], [0.0, 1.0])


def test_samplers_check_their_discriminator_and_generator() -> None:
    x_in, y_in = keras.Input((2,)), keras.Input((1,))
    conditional = keras.Model(
        [x_in, y_in], keras.layers.Dense(1)(keras.layers.Concatenate()([x_in, y_in]))
    )
    with pytest.raises(ValueError, match="unconditional"):
        sampling.DiscriminatorRejectionSampler(conditional)

    def packed_like(x: np.ndarray) -> np.ndarray:  # one output per pair of samples
        return np.zeros((len(x) // 2, 1))

    sampler = sampling.MetropolisHastingsSampler(packed_like, steps=1)
    with pytest.raises(ValueError, match="one logit per sample"):
        sampler.logits(np.zeros((4, 2), "float32"))
    with pytest.raises(TypeError, match="generator"):
        sampling.generator_proposal("not a model")
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    out = sampling.generator_proposal(g, truncation=0.5, batch_size=4)(10, np.random.default_rng(0))
    assert out.shape == (10, 2)
