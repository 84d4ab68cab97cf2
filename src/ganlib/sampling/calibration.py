"""Calibrating a discriminator's logits (Platt scaling) into density-ratio estimates."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Calibration"]


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
