"""Input checks shared by the metric functions (private)."""

from __future__ import annotations

import numpy as np


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
    return array


def same_dim(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError unless two (n, d) arrays share d."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same feature dimension. "
            f"Received: {name_a}.shape={a.shape}, {name_b}.shape={b.shape}"
        )


def positive_int(value: object, name: str) -> int:
    """Return ``value`` if it is a positive int, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)
