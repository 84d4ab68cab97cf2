"""The truncation trick (Brock et al. 2019, BigGAN): latent values beyond a threshold redrawn."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["check_truncation", "truncated_normal"]


def check_truncation(threshold: Any) -> float | None:
    """Validates a truncation threshold: ``None`` (no truncation) or a positive number.

    Example:
        >>> from ganlib.sampling import check_truncation
        >>> check_truncation(0.5), check_truncation(None)
        (0.5, None)
    """
    if threshold is None:
        return None
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or math.isnan(float(threshold))
        or float(threshold) <= 0
    ):
        raise ValueError(
            f"`truncation` must be None or a positive number. Received: truncation={threshold!r}"
        )
    return float(threshold)


def truncated_normal(
    rng: np.random.Generator, shape: Sequence[int], threshold: float | None = None
) -> np.ndarray:
    """Standard normal float32 draws; each value with ``|z| > threshold`` is redrawn until inside.

    The result follows N(0, 1) restricted to ``[-threshold, threshold]``. Smaller thresholds
    trade variety for fidelity (BigGAN, Brock et al. 2019, arXiv:1809.11096). ``None`` draws
    plain N(0, 1), identical to ``rng.standard_normal(shape)``.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import truncated_normal
        >>> z = truncated_normal(np.random.default_rng(0), (1000, 8), threshold=0.5)
        >>> z.shape, bool(np.abs(z).max() <= 0.5)
        ((1000, 8), True)
    """
    threshold = check_truncation(threshold)
    z = rng.standard_normal(tuple(shape)).astype("float32")
    if threshold is None:
        return z
    outside = np.abs(z) > threshold
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum())).astype("float32")
        outside = np.abs(z) > threshold
    return z
