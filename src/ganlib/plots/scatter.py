"""Samples against data: a scatter for 2-D (and wider) vectors, a histogram for 1-D ones.

Bounded whatever the values: non-finite rows are left out (and counted in the legend), at
most `MAX_POINTS` points per series are drawn, histograms have a fixed number of bins, and
values beyond 1e100 are drawn in units of a power of ten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.plots._backend import (
    figure_to_array,
    new_figure,
    save_figure,
    scaled,
    subsample,
)

__all__ = ["DATA_COLOR", "SAMPLE_COLOR", "scatter_figure", "scatter_image", "write_scatter"]

DATA_COLOR = "#1f77b4"
"""Colour of the data points (blue)."""
SAMPLE_COLOR = "#ff7f0e"
"""Colour of the generated samples (orange)."""
_BINS = 60


def _vectors(values: Any, name: str) -> np.ndarray | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(
            f"`{name}` must be vectors of shape (n,), (n, 1) or (n, d). Received: {array.shape}"
        )
    return array


def _finite(array: np.ndarray | None, columns: int) -> tuple[np.ndarray | None, int, int]:
    """(finite rows of the first `columns` coordinates, their count, non-finite count)."""
    if array is None:
        return None, 0, 0
    used = array[:, :columns]
    keep = np.all(np.isfinite(used), axis=1)
    return used[keep], int(keep.sum()), int(len(used) - keep.sum())


def _label(what: str, count: int, dropped: int) -> str:
    more = f"; {dropped:,} non-finite not shown" if dropped else ""
    return f"{what} (n={count:,}{more})"


def scatter_figure(
    samples: Any,
    data: Any = None,
    *,
    title: str | None = None,
    size: float = 6.0,
    dpi: int = 80,
) -> Any:
    """A matplotlib `Figure`: generated `samples` (orange) against `data` (blue).

    Vectors of 2 or more coordinates give a scatter of the first two (axes `x[0]`, `x[1]`);
    vectors of 1 coordinate give two overlaid density histograms on shared bins. The legend
    gives each series' size and how many non-finite rows were left out.

    Example:
        >>> import numpy as np
        >>> figure = scatter_figure(np.zeros((5, 2)), np.ones((5, 2)), title="demo")
        >>> [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
        ['data (n=5)', 'generated (n=5)']
    """
    fake = _vectors(samples, "samples")
    real = _vectors(data, "data")
    if fake is None:
        raise ValueError("`samples` must be given. Received: samples=None")
    if real is not None and real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"`data` and `samples` must have the same number of coordinates. Received: "
            f"data {real.shape}, samples {fake.shape}"
        )
    dims = fake.shape[1]
    columns = min(dims, 2)
    fake_pts, fake_n, fake_bad = _finite(fake, columns)
    real_pts, real_n, real_bad = _finite(real, columns)
    assert fake_pts is not None
    stacked = np.concatenate([p for p in (real_pts, fake_pts) if p is not None])
    figure = new_figure(size, size, dpi)
    axes = figure.add_subplot()
    suffixes = []
    for column in range(columns):
        stacked[:, column], suffix = scaled(stacked[:, column])
        suffixes.append(suffix)
    drawn = []
    offset = 0
    for points, label, colour, alpha in (
        (real_pts, _label("data", real_n, real_bad), DATA_COLOR, 0.5),
        (fake_pts, _label("generated", fake_n, fake_bad), SAMPLE_COLOR, 0.8),
    ):
        if points is not None:
            drawn.append((stacked[offset : offset + len(points)], label, colour, alpha))
            offset += len(points)
    if columns == 1:
        _histograms(axes, drawn)
        axes.set_xlabel("x" + suffixes[0])
    else:
        _scatter(axes, drawn)
        extra = f" (first 2 of {dims} coordinates)" if dims > 2 else ""
        axes.set_xlabel("x[0]" + suffixes[0] + extra)
        axes.set_ylabel("x[1]" + suffixes[1])
    axes.set_title(title if title is not None else "generated samples against the data")
    if not len(stacked):
        axes.text(0.5, 0.5, "no finite values", ha="center", va="center", transform=axes.transAxes)
    axes.legend(loc="best", fontsize="small", markerscale=2)
    return figure


def _scatter(axes: Any, drawn: list[tuple[np.ndarray, str, str, float]]) -> None:
    for points, label, colour, _alpha in drawn:
        shown = subsample(points)
        axes.scatter(shown[:, 0], shown[:, 1], s=6, c=colour, label=label, lw=0)
    everything = np.concatenate([p for p, *_ in drawn])
    if len(everything):
        spans = np.ptp(everything, axis=0)
        if spans.min() > 0 and spans.max() / spans.min() < 10:
            axes.set_aspect("equal", adjustable="datalim")
    axes.grid(True, alpha=0.3)


def _histograms(axes: Any, drawn: list[tuple[np.ndarray, str, str, float]]) -> None:
    everything = np.concatenate([p[:, 0] for p, *_ in drawn])
    if len(everything):
        low, high = float(everything.min()), float(everything.max())
        if not high > low:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, _BINS + 1)
    else:
        edges = np.linspace(-1.0, 1.0, _BINS + 1)
    for index, (points, label, colour, alpha) in enumerate(drawn):
        style = "stepfilled" if index == 0 and len(drawn) == 2 else "step"
        counts, _ = np.histogram(points[:, 0], bins=edges)
        axes.hist(
            edges[:-1],
            bins=edges,
            weights=counts / max(1, counts.sum()),
            histtype=style,
            color=colour,
            alpha=alpha if style == "stepfilled" else 1.0,
            lw=1.5,
            label=label,
        )
    axes.set_ylabel("fraction of points per bin")
    axes.grid(True, alpha=0.3)


def scatter_image(samples: Any, data: Any = None, *, title: str | None = None) -> np.ndarray:
    """`scatter_figure(samples, data, title=title)` rendered as a uint8 RGB array (480, 480, 3).

    Example:
        >>> import numpy as np
        >>> scatter_image(np.zeros((5, 2))).shape
        (480, 480, 3)
    """
    return figure_to_array(scatter_figure(samples, data, title=title))


def write_scatter(
    path: str | os.PathLike[str], samples: Any, data: Any = None, *, title: str | None = None
) -> Path:
    """Writes `scatter_figure(samples, data, title=title)` as a 480x480 PNG (atomically).

    Example:
        >>> import tempfile, numpy as np
        >>> path = write_scatter(tempfile.mkdtemp() + "/s.png", np.zeros((3, 2)))
        >>> path.read_bytes()[:4]
        b'\\x89PNG'
    """
    return save_figure(scatter_figure(samples, data, title=title), path)
