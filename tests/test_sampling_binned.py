"""`BinnedCalibration`: the bin-by-bin map of discriminator logits to log density ratios."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.sampling import BinnedCalibration, Calibration, DiscriminatorRejectionSampler
from test_cli_rejection import _StubTrainer  # tiny linear G and D, enough for the sampler


def test_recovers_a_known_log_ratio_at_every_level() -> None:
    """N(1, 1) data against an N(0, 1) model: the log ratio is x - 0.5, which the map recovers
    inside the real logits' range (its knots), flat above it, slope 1 below it."""
    rng = np.random.default_rng(0)
    real, fake = rng.normal(1, 1, 20000), rng.normal(0, 1, 200000)
    cal = BinnedCalibration.fit(real, fake, bins=20)
    inside = np.linspace(cal.knots[1], cal.knots[-2], 9)
    np.testing.assert_allclose(cal(inside), inside - 0.5, atol=0.12)
    top = cal.knots[-1]
    assert cal(np.array([top + 1.0, top + 5.0])).tolist() == [cal.values[-1]] * 2
    low = cal.knots[0]
    np.testing.assert_allclose(cal(np.array([low - 2.0])), [cal.values[0] - 2.0])


def test_the_map_is_non_decreasing_even_on_noisy_counts() -> None:
    """Real and generated logits from one distribution: every bin's ratio is noise around 0,
    and pool adjacent violators leaves a non-decreasing map near 0."""
    rng = np.random.default_rng(1)
    cal = BinnedCalibration.fit(rng.normal(size=500), rng.normal(size=2000), bins=50)
    assert np.all(np.diff(cal.values) >= 0)
    assert np.all(np.abs(cal.values) < 1.0)
    assert np.all(np.diff(cal(np.linspace(-4, 4, 101))) >= 0)


def test_min_acceptance_clips_only_the_highest_ratios() -> None:
    """N(3, 1) data against an N(0, 1) model: exact rejection sampling keeps a tiny share of
    the proposals; `min_acceptance` lowers the map's top until DRS keeps that share of the
    fitted generated samples, and leaves the lower levels as they were."""
    rng = np.random.default_rng(2)
    real, fake = rng.normal(3, 1, 5000), rng.normal(0, 1, 200000)
    plain = BinnedCalibration.fit(real, fake, bins=20)
    clipped = BinnedCalibration.fit(real, fake, bins=20, min_acceptance=0.05)

    def kept(cal: BinnedCalibration) -> float:
        ratios = cal(fake)
        return float(np.mean(np.exp(ratios - ratios.max())))

    assert plain.ceiling == np.inf
    assert kept(plain) < 0.01
    assert kept(clipped) == pytest.approx(0.05, rel=1e-6)
    below = plain(fake) < clipped.ceiling
    np.testing.assert_array_equal(clipped(fake)[below], plain(fake)[below])
    assert np.all(clipped(fake)[~below] == clipped.ceiling)
    with pytest.raises(ValueError, match="min_acceptance"):
        BinnedCalibration.fit(real, fake, bins=20, min_acceptance=1.0)


def _squared_logit(x: np.ndarray) -> np.ndarray:
    """A monotone, non-affine function (the signed square) of the log ratio of N(0, 1) data
    against an N(0, 2^2) model, log 2 - 3 x^2 / 8."""
    log_ratio = np.log(2.0) - 3 * np.asarray(x, "float64").reshape(-1) ** 2 / 8
    return log_ratio * np.abs(log_ratio)


def _wide_model(k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0, 2, (k, 1))


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
def test_drs_through_a_non_affine_logit_keeps_the_data_distribution() -> None:
    """Platt scaling's one factor cannot undo a non-affine logit, the binned map can: DRS
    through it draws the data's N(0, 1) from the N(0, 2^2) model
    (Platt's logistic fit overflows `exp` on the far tail's logits, hence the filter)."""
    rng = np.random.default_rng(0)
    real, fake = rng.normal(0, 1, (20000, 1)), _wide_model(200000, rng)
    spreads = {}
    for bins, kind in ((None, Calibration), (50, BinnedCalibration)):
        sampler = DiscriminatorRejectionSampler(_squared_logit, burn_in=5000)
        assert isinstance(sampler.calibrate(real, fake, bins=bins), kind)
        spreads[bins] = float(sampler.sample(_wide_model, 4000, seed=0).std())
    assert abs(spreads[50] - 1.0) < 0.05
    assert abs(spreads[None] - 1.0) > 0.1


@pytest.mark.parametrize(
    ("real", "fake", "bins", "message"),
    [
        (np.zeros(10), np.zeros(10), 1, "bins >= 2"),
        (np.zeros(10), np.zeros(10), 20, "at least `bins` real"),
        (np.array([0.0, np.nan]), np.zeros(10), 2, "finite"),
    ],
)
def test_fit_refuses_bad_input(real: np.ndarray, fake: np.ndarray, bins: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BinnedCalibration.fit(real, fake, bins=bins)


def test_constructor_refuses_a_decreasing_map() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        BinnedCalibration([0.0, 1.0], [1.0, 0.0])
    with pytest.raises(TypeError, match="Calibration or BinnedCalibration"):
        DiscriminatorRejectionSampler(_squared_logit, calibration="platt")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "refine", "bins", "binned"),
    [("grid", 5, 50, True), ("grid", 0, 50, False), ("ring", 5, 20, True), ("grid", 5, 0, False)],
)
def test_the_command_line_calibrates_a_refined_sampler_in_the_runs_bins(
    kind: str, refine: int, bins: int, binned: bool
) -> None:
    """`ganlib sample/evaluate`: a refined discriminator of a run with `rejection_bins` > 0
    (the grid recipe's 50) is calibrated bin by bin, others (and folders of earlier versions,
    0) by Platt scaling; the summary says which."""
    from ganlib.cli.config import RunConfig
    from ganlib.cli.rejection import draw_with_sampler

    config = RunConfig(
        dataset=kind, kind=kind, rejection_refine=refine, rejection_bins=bins, num_examples=1000
    )
    samples, how = draw_with_sampler(_StubTrainer(), config, 10, 1, "drs")
    assert samples.shape == (10, 2)
    assert (f"calibrated in {bins} bins" in how) is binned, how
