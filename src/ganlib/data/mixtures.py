"""2-D Gaussian mixture benchmarks: the ring and the grid of PacGAN (Lin et al. 2018).

Ring: 8 Gaussians with std 0.01 on the unit circle. Grid: 25 Gaussians with std 0.05 centred at
{-4, -2, 0, 2, 4}^2. Both mix their modes with equal weights. PacGAN counts a sample as high
quality when it lies within 3 std of a centre, and a mode as captured when it receives enough of
them; the :class:`Mixture` holds the ``centers`` and ``std`` such metrics need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np

from ganlib._validation import positive_int

__all__ = ["Mixture", "grid", "grid_mixture", "ring", "ring_mixture"]


_positive_int = positive_int


def _positive_float(value: Any, name: str, *, allow_zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a number. Received: {name}={value!r}") from None
    if (
        isinstance(value, bool)
        or not np.isfinite(number)
        or number < 0
        or (number == 0 and not allow_zero)
    ):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be a finite {kind} number. Received: {name}={value!r}")
    return number


@dataclass(frozen=True)
class Mixture:
    """An equal-weight mixture of isotropic 2-D Gaussians.

    Attributes:
        centers: float32 array ``(K, 2)`` of mode centres.
        std: Standard deviation of every mode (per coordinate).

    Example:
        >>> m = ring_mixture(4)
        >>> m.centers.round(6).tolist()
        [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]
        >>> m.sample(3, seed=0).shape
        (3, 2)
    """

    centers: np.ndarray
    std: float
    name: str = field(default="mixture")

    def __post_init__(self) -> None:
        centers = np.asarray(self.centers, dtype=np.float32)
        if centers.ndim != 2 or centers.shape[0] < 1 or not np.all(np.isfinite(centers)):
            raise ValueError(
                f"`centers` must be a finite (K, D) array. Received: shape {centers.shape}"
            )
        centers.setflags(write=False)
        object.__setattr__(self, "centers", centers)
        object.__setattr__(self, "std", _positive_float(self.std, "std", allow_zero=True))

    @property
    def num_modes(self) -> int:
        """Number of modes ``K``."""
        return int(self.centers.shape[0])

    @overload
    def sample(
        self, n: int, seed: int | None = ..., *, with_labels: Literal[False] = ...
    ) -> np.ndarray: ...

    @overload
    def sample(
        self, n: int, seed: int | None = ..., *, with_labels: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def sample(
        self, n: int, seed: int | None = None, *, with_labels: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` float32 points (and, with ``with_labels``, their int32 mode indices).

        Modes are picked uniformly, then ``x = centers[k] + std * N(0, I)``; the same ``seed``
        gives the same points.
        """
        count = _positive_int(n, "n")
        rng = np.random.default_rng(seed)
        modes = rng.integers(0, self.num_modes, size=count)
        noise = rng.standard_normal((count, self.centers.shape[1]))
        points = (self.centers[modes] + self.std * noise).astype(np.float32)
        if with_labels:
            return points, modes.astype(np.int32)
        return points


def ring_mixture(modes: int = 8, radius: float = 1.0, std: float = 0.01) -> Mixture:
    """The ring: ``modes`` Gaussians at angles ``2*pi*k/modes`` on a circle of ``radius``.

    Defaults are PacGAN's (Lin et al. 2018): 8 modes, unit circle, std 0.01.

    Example:
        >>> ring_mixture().centers.shape, ring_mixture().std
        ((8, 2), 0.01)
    """
    count = _positive_int(modes, "modes")
    r = _positive_float(radius, "radius")
    angles = 2.0 * np.pi * np.arange(count) / count
    centers = np.stack([r * np.cos(angles), r * np.sin(angles)], axis=1)
    return Mixture(centers, _positive_float(std, "std", allow_zero=True), name="ring")


def grid_mixture(modes_per_side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """The grid: ``modes_per_side**2`` Gaussians on a square lattice centred at the origin.

    Defaults are PacGAN's (Lin et al. 2018): 25 modes at {-4, -2, 0, 2, 4}^2, std 0.05.

    Example:
        >>> sorted(set(grid_mixture().centers[:, 0].tolist()))
        [-4.0, -2.0, 0.0, 2.0, 4.0]
    """
    side = _positive_int(modes_per_side, "modes_per_side")
    step = _positive_float(spacing, "spacing")
    axis = step * (np.arange(side) - (side - 1) / 2.0)
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    centers = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return Mixture(centers, _positive_float(std, "std", allow_zero=True), name="grid")


def ring(
    n: int, modes: int = 8, radius: float = 1.0, std: float = 0.01, seed: int | None = None
) -> np.ndarray:
    """Sample ``n`` float32 points ``(n, 2)`` from the PacGAN ring of Gaussians.

    Same as ``ring_mixture(modes, radius, std).sample(n, seed)``.

    Example:
        >>> x = ring(1000, seed=0)
        >>> x.shape, x.dtype
        ((1000, 2), dtype('float32'))
        >>> bool(np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=0.06))
        True
    """
    return ring_mixture(modes, radius, std).sample(n, seed)


def grid(
    n: int,
    modes_per_side: int = 5,
    spacing: float = 2.0,
    std: float = 0.05,
    seed: int | None = None,
) -> np.ndarray:
    """Sample ``n`` float32 points ``(n, 2)`` from the PacGAN 5x5 grid of Gaussians.

    Same as ``grid_mixture(modes_per_side, spacing, std).sample(n, seed)``.

    Example:
        >>> x = grid(500, seed=1)
        >>> x.shape, bool(np.abs(x).max() < 4.5)
        ((500, 2), True)
    """
    return grid_mixture(modes_per_side, spacing, std).sample(n, seed)
