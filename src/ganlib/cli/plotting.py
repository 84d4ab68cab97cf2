"""PNG scatter plots of 2-D samples against data, drawn with numpy (no plotting library).

Points are rasterised into an RGB array: a white canvas, a black axes box, data points in
blue, generated samples in orange on top; the file is encoded with `tf.io.encode_png`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["DATA_COLOR", "SAMPLE_COLOR", "scatter_bounds", "scatter_image", "write_scatter"]

DATA_COLOR = (31, 119, 180)
"""RGB of data points (blue)."""
SAMPLE_COLOR = (255, 127, 14)
"""RGB of generated samples (orange)."""
_BACKGROUND = 255
_AXES = (0, 0, 0)
_GRID = (225, 225, 225)


def _points(values: np.ndarray | None, name: str) -> np.ndarray:
    if values is None:
        return np.zeros((0, 2), dtype=np.float64)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] < 2:
        raise ValueError(
            f"`{name}` must have shape (n, 2) (or (n, d >= 2)). Received: {array.shape}"
        )
    array = array[:, :2]
    return array[np.all(np.isfinite(array), axis=1)]


def scatter_bounds(
    *arrays: np.ndarray | None, margin: float = 0.1
) -> tuple[float, float, float, float]:
    """A square `(xmin, xmax, ymin, ymax)` holding every finite point, plus `margin` per side.

    Example:
        >>> import numpy as np
        >>> scatter_bounds(np.array([[0.0, 0.0], [1.0, 2.0]]))
        (-0.7, 1.7, -0.2, 2.2)
    """
    points = [p for p in (_points(a, "points") for a in arrays) if len(p)]
    if not points:
        return (-1.0, 1.0, -1.0, 1.0)
    allp = np.concatenate(points)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-6) * (1 + 2 * margin)
    return tuple(  # type: ignore[return-value]
        round(float(v), 10)
        for v in (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    )


def _draw(
    canvas: np.ndarray,
    points: np.ndarray,
    bounds: Sequence[float],
    color: Sequence[int],
    radius: int,
    inner: tuple[int, int, int, int],
) -> None:
    top, left, bottom, right = inner
    xmin, xmax, ymin, ymax = bounds
    cols = left + (points[:, 0] - xmin) / (xmax - xmin) * (right - left)
    rows = bottom - (points[:, 1] - ymin) / (ymax - ymin) * (bottom - top)
    r = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    disc = (dy**2 + dx**2) <= radius**2 + radius
    offsets = np.stack([dy[disc], dx[disc]], axis=1)
    rr = np.rint(rows)[:, None].astype(np.int64) + offsets[None, :, 0]
    cc = np.rint(cols)[:, None].astype(np.int64) + offsets[None, :, 1]
    keep = (rr >= top) & (rr <= bottom) & (cc >= left) & (cc <= right)
    canvas[rr[keep], cc[keep]] = color


def scatter_image(
    samples: np.ndarray | None,
    data: np.ndarray | None = None,
    *,
    size: int = 480,
    bounds: Sequence[float] | None = None,
    radius: int = 1,
) -> np.ndarray:
    """A `(size, size, 3)` uint8 scatter: data in blue, samples in orange, inside an axes box.

    Only the first two coordinates are drawn; non-finite points and points outside `bounds`
    (default: `scatter_bounds(data, samples)`) are left out. Light grid lines mark the
    integer coordinates when there are at most 20 of them per axis.

    Example:
        >>> import numpy as np
        >>> image = scatter_image(np.zeros((5, 2)), np.ones((5, 2)), size=64)
        >>> image.shape, image.dtype
        ((64, 64, 3), dtype('uint8'))
        >>> bool((image == SAMPLE_COLOR).all(axis=-1).any())
        True
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 16:
        raise ValueError(f"`size` must be an integer >= 16. Received: size={size!r}")
    if isinstance(radius, bool) or not isinstance(radius, int) or radius < 0:
        raise ValueError(f"`radius` must be an integer >= 0. Received: radius={radius!r}")
    fake, real = _points(samples, "samples"), _points(data, "data")
    box = tuple(float(b) for b in (bounds if bounds is not None else scatter_bounds(real, fake)))
    if len(box) != 4 or not box[0] < box[1] or not box[2] < box[3]:
        raise ValueError(f"`bounds` must be (xmin, xmax, ymin, ymax). Received: bounds={bounds}")
    canvas = np.full((size, size, 3), _BACKGROUND, dtype=np.uint8)
    pad = max(2, size // 40)
    inner = (pad, pad, size - 1 - pad, size - 1 - pad)
    top, left, bottom, right = inner
    xmin, xmax, ymin, ymax = box
    for lo, hi, horizontal in ((xmin, xmax, False), (ymin, ymax, True)):
        ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
        if 0 < len(ticks) <= 20:
            for t in ticks:
                frac = (t - lo) / (hi - lo)
                if horizontal:
                    canvas[round(bottom - frac * (bottom - top)), left : right + 1] = _GRID
                else:
                    canvas[top : bottom + 1, round(left + frac * (right - left))] = _GRID
    _draw(canvas, real, box, DATA_COLOR, radius, inner)
    _draw(canvas, fake, box, SAMPLE_COLOR, radius, inner)
    canvas[top, left : right + 1] = _AXES
    canvas[bottom, left : right + 1] = _AXES
    canvas[top : bottom + 1, left] = _AXES
    canvas[top : bottom + 1, right] = _AXES
    return canvas


def write_scatter(
    path: str | os.PathLike[str],
    samples: np.ndarray | None,
    data: np.ndarray | None = None,
    **kwargs: object,
) -> Path:
    """Writes `scatter_image(samples, data, **kwargs)` as a PNG file (atomically); returns it.

    Example:
        >>> import tempfile, numpy as np
        >>> path = write_scatter(tempfile.mkdtemp() + "/s.png", np.zeros((3, 2)), size=32)
        >>> path.read_bytes()[:4]
        b'\\x89PNG'
    """
    import tensorflow as tf

    image = scatter_image(samples, data, **kwargs)  # type: ignore[arg-type]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    tmp.write_bytes(tf.io.encode_png(image).numpy())
    os.replace(tmp, target)
    return target
