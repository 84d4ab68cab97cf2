"""Input checks shared by the metric functions (private)."""

from __future__ import annotations

import numpy as np

from ganlib._validation import positive_int  # noqa: F401  (re-exported to metrics)


def as_features(x: object, name: str, *, min_rows: int = 1) -> np.ndarray:
    """Return ``x`` as a finite float64 array of shape (n, d), or raise ValueError."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"`{name}` must be an array of shape (n, d). Received: {type(x).__name__}")
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"`{name}` must have shape (n, d). Received: shape={array.shape}")
    if array.shape[0] < min_rows:
        raise ValueError(f"`{name}` needs at least {min_rows} rows. Received: shape={array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite (no NaN or inf).")
    largest = float(np.abs(array).max()) if array.size else 0.0
    if largest > MAX_FEATURE:
        raise ValueError(
            f"`{name}` holds values up to {largest:.3g} in magnitude; distances and kernels "
            f"would overflow float64 beyond {MAX_FEATURE:.0e}: rescale the features."
        )
    return array


MAX_FEATURE = 1e30
"""Largest feature magnitude the metrics accept (squared distances and cubic kernels of
larger values overflow float64)."""


def check_covariance(cov: np.ndarray, name: str) -> None:
    """Raise ValueError unless a finite square matrix is symmetric positive semi-definite
    (within float64 round-off relative to its largest entry)."""
    scale = float(np.abs(cov).max()) if cov.size else 0.0
    if scale > MAX_FEATURE**2:
        raise ValueError(
            f"`{name}` holds values up to {scale:.3g}; the metric would overflow float64: "
            "rescale the features."
        )
    tolerance = 1e-8 * max(scale, np.finfo(np.float64).tiny)
    asymmetry = float(np.abs(cov - cov.T).max()) if cov.size else 0.0
    if asymmetry > tolerance:
        raise ValueError(
            f"`{name}` must be a symmetric covariance matrix. Received: max |{name} - "
            f"{name}.T| = {asymmetry:.3g}"
        )
    smallest = float(np.linalg.eigvalsh((cov + cov.T) / 2.0).min()) if cov.size else 0.0
    if smallest < -1e-6 * max(scale, np.finfo(np.float64).tiny) * max(len(cov), 1):
        raise ValueError(
            f"`{name}` must be positive semi-definite (a covariance). Received: smallest "
            f"eigenvalue {smallest:.3g}"
        )


def same_dim(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError unless two (n, d) arrays share d."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same feature dimension. "
            f"Received: {name_a}.shape={a.shape}, {name_b}.shape={b.shape}"
        )
