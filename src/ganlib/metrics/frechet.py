"""Fréchet distance between two Gaussians, with a numpy-only matrix square root."""

from __future__ import annotations

import numpy as np

from ganlib.metrics._checks import check_covariance

__all__ = ["frechet_distance", "trace_sqrt_product"]


def _as_moments(mu: object, sigma: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    mean = np.asarray(mu, dtype=np.float64)
    cov = np.asarray(sigma, dtype=np.float64)
    if mean.ndim != 1:
        raise ValueError(f"`mu{name}` must be a 1-D mean vector. Received: shape={mean.shape}")
    dim = mean.shape[0]
    if cov.shape != (dim, dim):
        raise ValueError(
            f"`sigma{name}` must be a ({dim}, {dim}) covariance matching `mu{name}`. "
            f"Received: shape={cov.shape}"
        )
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        raise ValueError(f"`mu{name}` and `sigma{name}` must be finite (no NaN or inf).")
    check_covariance(cov, f"sigma{name}")
    return mean, cov


def _psd_sqrt(sigma: np.ndarray) -> np.ndarray:
    """Symmetric square root V sqrt(max(w, 0)) V^T of a symmetric PSD matrix."""
    w, v = np.linalg.eigh((sigma + sigma.T) / 2.0)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def trace_sqrt_product(sigma1: np.ndarray, sigma2: np.ndarray) -> float:
    """Trace of sqrtm(sigma1 @ sigma2) for symmetric positive semi-definite matrices.

    sigma1 @ sigma2 has the same eigenvalues as the symmetric matrix
    s1^(1/2) sigma2 s1^(1/2) with s1^(1/2) = V sqrt(max(w, 0)) V^T (from
    ``eigh(sigma1)``), so the trace is the sum of the square roots of that matrix's
    eigenvalues, negatives (round-off) clipped to 0. Stable for singular inputs.

    Example:
        >>> import numpy as np
        >>> round(trace_sqrt_product(np.eye(3) * 4.0, np.eye(3)), 6)
        6.0
    """
    s1 = np.asarray(sigma1, dtype=np.float64)
    s2 = np.asarray(sigma2, dtype=np.float64)
    root = _psd_sqrt(s1)
    middle = root @ s2 @ root
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    return float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2) (FID when on Inception features).

    d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))
    (Dowson & Landau 1982; Heusel et al. 2017, "GANs trained by a two time-scale
    update rule converge to a local Nash equilibrium"). The trace of the matrix square
    root uses a symmetric eigendecomposition (see `trace_sqrt_product`), numpy only,
    finite for singular covariances. The result is clipped at 0 against round-off.

    Args:
        mu1: mean (d,) of the first set of features.
        sigma1: covariance (d, d) of the first set of features.
        mu2: mean (d,) of the second set of features.
        sigma2: covariance (d, d) of the second set of features.

    Returns:
        The squared Fréchet distance as a Python float (FID convention: no square root).

    Example:
        >>> import numpy as np
        >>> frechet_distance(np.zeros(2), np.eye(2), np.ones(2), np.eye(2))
        2.0
    """
    m1, s1 = _as_moments(mu1, sigma1, "1")
    m2, s2 = _as_moments(mu2, sigma2, "2")
    if m1.shape != m2.shape:
        raise ValueError(
            "`mu1` and `mu2` must have the same dimension. "
            f"Received: mu1.shape={m1.shape}, mu2.shape={m2.shape}"
        )
    diff = m1 - m2
    with np.errstate(over="ignore", invalid="ignore"):
        value = diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt_product(s1, s2)
    if not np.isfinite(value):
        raise ValueError(
            "The Fréchet distance overflows float64 for these moments; rescale the features. "
            f"Received: max |mu| = {max(np.abs(m1).max(), np.abs(m2).max()):.3g}, "
            f"max |sigma| = {max(np.abs(s1).max(), np.abs(s2).max()):.3g}"
        )
    return float(max(value, 0.0))
