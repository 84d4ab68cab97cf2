"""Calibrating a discriminator's logits (Platt scaling) into density-ratio estimates."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["BinnedCalibration", "Calibration"]


class Calibration:
    """An affine map of discriminator logits: ``calibrated = scale * logit + offset``.

    A calibrated logit estimates ``log(p_data(x) / p_model(x))``, the quantity that
    discriminator rejection sampling and Metropolis-Hastings GAN need. ``Calibration.fit``
    learns it by logistic regression of held-out real (label 1) against generated (label 0)
    logits (Platt scaling, as in Turner et al. 2019), with the class-prior correction
    ``-log(n_real / n_fake)`` so unequal counts do not bias it. The identity map is
    ``Calibration()``.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import Calibration
        >>> rng = np.random.default_rng(0)
        >>> real, fake = rng.normal(1, 1, 20000), rng.normal(0, 1, 20000)
        >>> # a discriminator logit 3 * (x - 0.5) + 1 for N(1, 1) data vs an N(0, 1) model:
        >>> cal = Calibration.fit(3 * (real - 0.5) + 1, 3 * (fake - 0.5) + 1)
        >>> round(cal.scale, 1), round(cal.offset, 1)   # recovers log-ratio x - 0.5
        (0.3, -0.3)
    """

    def __init__(self, scale: float = 1.0, offset: float = 0.0) -> None:
        if not (np.isfinite(scale) and np.isfinite(offset)):
            raise ValueError(
                f"`scale` and `offset` must be finite. Received: scale={scale}, offset={offset}"
            )
        self.scale = float(scale)
        self.offset = float(offset)

    def __call__(self, logits: Any) -> np.ndarray:
        """The calibrated logits, float64."""
        return self.scale * np.asarray(logits, dtype="float64") + self.offset

    @classmethod
    def fit(cls, real_logits: Any, fake_logits: Any, iterations: int = 50) -> Calibration:
        """Logistic regression (Newton's method) of real vs generated discriminator logits."""
        real = np.asarray(real_logits, dtype="float64").reshape(-1)
        fake = np.asarray(fake_logits, dtype="float64").reshape(-1)
        if real.size < 2 or fake.size < 2:
            raise ValueError(
                "Calibration needs at least 2 real and 2 generated logits. "
                f"Received {real.size} real, {fake.size} generated"
            )
        if not (np.all(np.isfinite(real)) and np.all(np.isfinite(fake))):
            raise ValueError("Calibration logits must be finite (NaN or inf received)")
        features = np.stack([np.concatenate([real, fake]), np.ones(real.size + fake.size)], 1)
        target = np.concatenate([np.ones(real.size), np.zeros(fake.size)])
        weights = np.zeros(2)
        for _ in range(iterations):
            p = 1 / (1 + np.exp(-(features @ weights)))
            gradient = features.T @ (target - p)
            hessian = (features * (p * (1 - p))[:, None]).T @ features + 1e-9 * np.eye(2)
            step = np.linalg.solve(hessian, gradient)
            weights += step
            if np.max(np.abs(step)) < 1e-10:
                break
        separated = real.min() >= fake.max() or real.max() <= fake.min()
        if separated or not np.all(np.isfinite(weights)):
            raise ValueError(
                "Calibration is undefined: a threshold separates the real and generated logits "
                "perfectly. Calibrate on held-out data the discriminator was not trained on"
            )
        prior = np.log(real.size / fake.size)
        return cls(scale=weights[0], offset=weights[1] - prior)

    def __repr__(self) -> str:
        return f"Calibration(scale={self.scale!r}, offset={self.offset!r})"


def _increasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted least-squares non-decreasing fit of `values` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values.tolist(), weights.tolist(), strict=True):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (v2, w2, c2), (v1, w1, c1) = blocks.pop(), blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    return np.concatenate([np.full(int(c), v) for v, _, c in blocks])


def _clip_level(log_ratios: np.ndarray, min_acceptance: float) -> float:
    """The highest ``c`` with ``mean(exp(min(r, c) - c)) >= min_acceptance`` (bisection; the
    mean falls as ``c`` rises)."""

    def kept(c: float) -> float:
        return float(np.mean(np.exp(np.minimum(log_ratios, c) - c)))

    low, high = float(log_ratios.min()), float(log_ratios.max())
    if kept(high) >= min_acceptance:
        return high
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if kept(middle) >= min_acceptance else (low, middle)
    return low


class BinnedCalibration:
    """A monotone, piecewise-linear map of discriminator logits to log density ratios.

    `BinnedCalibration.fit` cuts the held-out real logits into ``bins`` bins of equal count,
    estimates each bin's ``log(p_data / p_model)`` from the shares of real and generated
    logits that fall in it (``log((n_real + 1/2) / N_real) - log((n_fake + 1/2) / N_fake)``),
    makes these non-decreasing in the logit (pool adjacent violators) and interpolates them
    linearly between the bins' median real logits. Above the top bin the map is flat; below the
    bottom one it continues with slope ``low_slope`` (1: the logit's own units). Where Platt
    scaling (`Calibration`) rescales the whole logit by one factor, this map estimates the
    ratio at every logit level separately, so the samplers then keep the data's distribution of
    the logit: with DRS the accepted samples' logits follow the real ones'. It needs many
    generated samples (say 200,000: the top bins hold the data's regions the generator rarely
    visits) and is meant for a discriminator refined on the final generator
    (`refine_discriminator`), whose logit orders samples by their density ratio. With
    ``min_acceptance`` > 0 the map is capped at a ``ceiling`` (the highest ratios clipped) such
    that rejection sampling through it keeps at least that share of the generated samples it was
    fitted on
    (DRS with gamma 0): where the generator almost never visits a region of the data, exact
    rejection sampling would need more proposals than a sampler may spend.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import BinnedCalibration
        >>> rng = np.random.default_rng(0)
        >>> real, fake = rng.normal(1, 1, 20000), rng.normal(0, 1, 200000)
        >>> cal = BinnedCalibration.fit(real, fake, bins=20)   # true log-ratio: x - 0.5
        >>> cal(np.array([0.0, 1.0, 1.5])).round(1)
        array([-0.5,  0.5,  1. ])
    """

    def __init__(
        self, knots: Any, values: Any, low_slope: float = 1.0, ceiling: float = np.inf
    ) -> None:
        knots = np.asarray(knots, dtype="float64").reshape(-1)
        values = np.asarray(values, dtype="float64").reshape(-1)
        if knots.size < 1 or knots.size != values.size:
            raise ValueError(
                f"`knots` and `values` must be non-empty and of one length. Received "
                f"{knots.size} knots and {values.size} values"
            )
        if not (np.all(np.isfinite(knots)) and np.all(np.isfinite(values))):
            raise ValueError("`knots` and `values` must be finite")
        if np.any(np.diff(knots) < 0) or np.any(np.diff(values) < 0):
            raise ValueError("`knots` and `values` must be non-decreasing")
        if not (np.isfinite(low_slope) and low_slope >= 0):
            raise ValueError(f"`low_slope` must be >= 0. Received: low_slope={low_slope!r}")
        if np.isnan(ceiling):
            raise ValueError("`ceiling` must not be NaN")
        self.knots, self.values, self.low_slope = knots, values, float(low_slope)
        self.ceiling = float(ceiling)

    def __call__(self, logits: Any) -> np.ndarray:
        """The calibrated logits (estimated log density ratios), float64."""
        raw = np.asarray(logits, dtype="float64")
        below = self.values[0] + self.low_slope * (raw - self.knots[0])
        mapped = np.where(raw < self.knots[0], below, np.interp(raw, self.knots, self.values))
        return np.minimum(mapped, self.ceiling)

    @classmethod
    def fit(
        cls,
        real_logits: Any,
        fake_logits: Any,
        bins: int = 50,
        low_slope: float = 1.0,
        min_acceptance: float = 0.0,
    ) -> BinnedCalibration:
        """Fits the map on held-out real and generated logits (see the class docstring)."""
        real = np.asarray(real_logits, dtype="float64").reshape(-1)
        fake = np.asarray(fake_logits, dtype="float64").reshape(-1)
        bins = int(bins)
        if bins < 2 or real.size < bins or fake.size < 2:
            raise ValueError(
                f"BinnedCalibration needs bins >= 2, at least `bins` real and 2 generated "
                f"logits. Received bins={bins}, {real.size} real, {fake.size} generated"
            )
        if not (np.all(np.isfinite(real)) and np.all(np.isfinite(fake))):
            raise ValueError("Calibration logits must be finite (NaN or inf received)")
        if not 0 <= min_acceptance < 1:
            raise ValueError(f"`min_acceptance` must be in [0, 1). Received: {min_acceptance!r}")
        edges = np.quantile(real, np.linspace(0, 1, bins + 1)[1:-1])
        real_bin, fake_bin = np.searchsorted(edges, real), np.searchsorted(edges, fake)
        n_real = np.bincount(real_bin, minlength=bins)
        n_fake = np.bincount(fake_bin, minlength=bins)
        ratio = np.log((n_real + 0.5) / real.size) - np.log((n_fake + 0.5) / fake.size)
        knots = np.array([np.median(real[real_bin == b]) for b in range(bins)])
        calibration = cls(knots, _increasing(ratio, n_real.astype("float64")), low_slope)
        if min_acceptance > 0:
            calibration.ceiling = _clip_level(calibration(fake), min_acceptance)
        return calibration

    def __repr__(self) -> str:
        return (
            f"BinnedCalibration({self.knots.size} knots, low_slope={self.low_slope!r}, "
            f"ceiling={self.ceiling!r})"
        )
