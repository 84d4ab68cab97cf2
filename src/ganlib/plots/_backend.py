"""matplotlib on demand: one clear error when it is missing, Agg figures, PNG output."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MAX_POINTS",
    "PlotDependencyError",
    "figure_to_array",
    "new_figure",
    "require_matplotlib",
    "save_figure",
]

MAX_POINTS = 10_000
"""Most points drawn per series (a fixed-seed subsample beyond): bounds the time of a plot."""

_INSTALL = "pip install 'ganlib[plot]'"


class PlotDependencyError(ImportError):
    """Raised when a plot is asked for and matplotlib is not installed.

    The `ganlib` command turns it into a one-line error (exit code 2).

    Example:
        >>> str(PlotDependencyError())
        "this plot needs matplotlib, which is not installed: pip install 'ganlib[plot]'"
    """

    def __init__(self, message: str | None = None) -> None:
        default = f"this plot needs matplotlib, which is not installed: {_INSTALL}"
        super().__init__(message or default)


def require_matplotlib() -> Any:
    """The `matplotlib` module, or `PlotDependencyError` naming the extra to install.

    Example:
        >>> require_matplotlib().__name__
        'matplotlib'
    """
    try:
        import matplotlib
    except ImportError:
        raise PlotDependencyError() from None
    return matplotlib


def new_figure(width: float, height: float, dpi: int = 80) -> Any:
    """A `matplotlib.figure.Figure` on the Agg canvas (no pyplot, no display, thread-local).

    Example:
        >>> new_figure(4, 3).get_size_inches().tolist()
        [4.0, 3.0]
    """
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def figure_to_array(figure: Any) -> np.ndarray:
    """Renders `figure` to a uint8 RGB array `(height, width, 3)`.

    Example:
        >>> figure_to_array(new_figure(1, 1, dpi=20)).shape
        (20, 20, 3)
    """
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Writes `figure` as an RGB PNG file atomically (temp file, then rename); returns the path.

    Example:
        >>> import tempfile
        >>> save_figure(new_figure(1, 1), tempfile.mkdtemp() + "/f.png").suffix
        '.png'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        from PIL import Image  # a matplotlib dependency

        Image.fromarray(figure_to_array(figure)).save(tmp, format="png", optimize=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def scale_of(values: np.ndarray) -> tuple[float, str]:
    """A power of ten to divide `values` by when they are too large for matplotlib's axes.

    Axis limits are computed as differences, which overflow float64 for values near 1e308;
    beyond 1e100 the values are shown in units of 1eK, and the suffix (" (x 1eK)") says so.
    Returns `(1.0, "")` otherwise.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 1.0, ""
    peak = float(np.max(np.abs(finite)))
    if peak <= 1e100:
        return 1.0, ""
    exponent = math.floor(math.log10(peak))
    return 10.0**exponent, f" (x 1e{exponent})"


def scaled(values: np.ndarray) -> tuple[np.ndarray, str]:
    """`values` divided by `scale_of(values)`, and the axis-label suffix."""
    factor, suffix = scale_of(values)
    return (values / factor if suffix else values), suffix


def subsample(points: np.ndarray, limit: int = MAX_POINTS) -> np.ndarray:
    """At most `limit` rows of `points`, a fixed-seed subsample in the original order."""
    if len(points) <= limit:
        return points
    keep = np.sort(np.random.default_rng(0).choice(len(points), limit, replace=False))
    return points[keep]
