"""Training curves: losses and metrics from a run's `metrics.csv` or `MetricMonitor.history`."""

from __future__ import annotations

import csv
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.plots._backend import MAX_POINTS, new_figure, save_figure, scale_of, scaled

__all__ = [
    "curves_figure",
    "loss_columns",
    "metric_columns",
    "read_metrics_csv",
    "write_run_plots",
]

MAX_ROWS = 1_000_000
"""Most rows read from a metrics file (one row per epoch: far beyond any real run)."""
_TRAINER_OUTPUTS = ("d_real", "d_fake")
_AXIS_COLUMNS = ("epoch", "step")
Columns = Mapping[str, Sequence[float] | np.ndarray]


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else math.nan
    except ValueError:
        return math.nan


def read_metrics_csv(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """The columns of a `CSVLogger` file as float arrays ("NA", empty or bad cells are NaN).

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "metrics.csv"
        >>> _ = path.write_text("epoch,d_loss,g_loss\\n0,1.2,0.7\\n1,1.1,NA\\n")
        >>> read_metrics_csv(path)["g_loss"].tolist()
        [0.7, nan]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no metrics file at {path}")
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or not all(name.strip() for name in header):
            raise ValueError(f"{path} has no header row of column names")
        names = [name.strip() for name in header]
        rows: list[list[float]] = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                warnings.warn(f"{path}: only the first {MAX_ROWS:,} rows are read", stacklevel=2)
                break
            values = [_number(cell) for cell in row[: len(names)]]
            rows.append(values + [math.nan] * (len(names) - len(values)))
    table = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(names))
    return {name: table[:, i] for i, name in enumerate(names)}


def loss_columns(columns: Columns) -> list[str]:
    """The loss curves of a log: `*loss` columns and the trainer's `d_real`/`d_fake` outputs.

    Example:
        >>> loss_columns({"epoch": [0], "g_loss": [1.0], "d_loss": [1.0], "fid": [9.0]})
        ['d_loss', 'g_loss']
    """
    losses = sorted(name for name in columns if name.endswith("loss"))
    return losses + _outputs(columns)


def _outputs(columns: Columns) -> list[str]:
    """The discriminator's mean outputs, `d_real`/`d_fake` and their `val_` forms."""
    names = [n for n in columns if n.endswith(_TRAINER_OUTPUTS) and n not in _AXIS_COLUMNS]
    return sorted(names, key=lambda n: (n.startswith("val_"), n.endswith("d_fake")))


def _logged(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The columns that hold at least one finite value (CSVLogger writes "NA" otherwise)."""
    return {k: v for k, v in columns.items() if k in _AXIS_COLUMNS or np.isfinite(v).any()}


def metric_columns(columns: Columns) -> list[str]:
    """Every other logged value (`MetricMonitor` results, penalties), in file order.

    Example:
        >>> metric_columns({"epoch": [0], "d_loss": [1.0], "fid": [9.0], "recall": [0.5]})
        ['fid', 'recall']
    """
    known = set(loss_columns(columns)) | set(_AXIS_COLUMNS)
    return [name for name in columns if name not in known]


def _as_columns(values: Columns | Sequence[Mapping[str, float]]) -> dict[str, np.ndarray]:
    if isinstance(values, Mapping):
        return {str(k): np.asarray(v, dtype=np.float64).reshape(-1) for k, v in values.items()}
    rows = list(values)
    names = list(dict.fromkeys(name for row in rows for name in row))
    return {
        name: np.asarray([_number(str(row.get(name))) for row in rows], dtype=np.float64)
        for name in names
    }


def _thin(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= MAX_POINTS:
        return x, y
    keep = np.linspace(0, len(x) - 1, MAX_POINTS).round().astype(np.int64)
    return x[keep], y[keep]


def curves_figure(
    values: Columns | Sequence[Mapping[str, float]],
    panels: Sequence[Sequence[str]] | None = None,
    *,
    x: str = "epoch",
    title: str | None = None,
) -> Any:
    """A matplotlib `Figure` of curves against `x`, one panel per group of names in `panels`.

    `values` is a mapping of columns (`read_metrics_csv`) or a list of rows such as
    `MetricMonitor.history`. The default panels: the losses, `d_real`/`d_fake`, then one per
    other value. Non-finite points are left out (the legend counts them); an `x` column that
    is missing means row numbers. Epochs logged by Keras count from 0; they are shown from 1.

    Example:
        >>> history = [{"epoch": 1.0, "fid": 30.0}, {"epoch": 2.0, "fid": 21.5}]
        >>> figure = curves_figure(history)
        >>> [axes.get_ylabel() for axes in figure.axes]
        ['fid']
    """
    columns = _as_columns(values)
    if panels is None:
        logged = _logged(columns)
        if set(logged) - set(_AXIS_COLUMNS):  # else draw the empty curves, counted
            columns = logged
        outputs = _outputs(columns)
        losses = [n for n in loss_columns(columns) if n not in outputs]
        panels = [group for group in (losses, outputs) if group]
        panels += [[name] for name in metric_columns(columns)]
    panels = [list(group) for group in panels if group]
    if not panels:
        raise ValueError(f"no values to plot; the columns are {sorted(columns)}")
    unknown = sorted({n for group in panels for n in group} - set(columns))
    if unknown:
        raise ValueError(f"`panels` names columns that are not logged: {unknown}")
    length = max(len(v) for v in columns.values())
    steps = columns.get(x, np.arange(length, dtype=np.float64))
    if x == "epoch" and x in columns and len(steps) and np.nanmin(steps) == 0:
        steps = steps + 1  # CSVLogger writes Keras's 0-based epoch index
    steps, x_suffix = scaled(steps)
    figure = new_figure(8.0, 2.0 + 2.2 * len(panels))
    grid = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for axes, group in zip(grid, panels, strict=True):
        factor, suffix = scale_of(np.concatenate([columns[name] for name in group]))
        for name in group:
            y = columns[name] / factor
            keep = np.isfinite(y) & np.isfinite(steps[: len(y)])
            bad = int(len(y) - keep.sum())
            label = name + (f" ({bad:,} non-finite not shown)" if bad else "")
            xs, ys = _thin(steps[: len(y)][keep], y[keep])
            axes.plot(xs, ys, marker="o" if len(xs) < 30 else None, ms=3, label=label)
        axes.set_ylabel((group[0] if len(group) == 1 else "value") + suffix)
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best", fontsize="small")
    grid[-1].set_xlabel((x if x in columns else "row") + x_suffix)
    if title:
        figure.suptitle(title)
    return figure


def write_run_plots(
    run_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Reads `run_dir/metrics.csv`; writes `losses.png` and, when other values were logged
    (`MetricMonitor`), `metrics.png` into `out` (default `run_dir/plots`). Returns the paths.

    Example:
        >>> import tempfile, pathlib
        >>> run = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (run / "metrics.csv").write_text("epoch,d_loss,g_loss\\n0,1.3,0.8\\n1,1.2,0.9\\n")
        >>> [p.name for p in write_run_plots(run)]
        ['losses.png']
    """
    run = Path(run_dir)
    columns = read_metrics_csv(run / "metrics.csv")
    folder = Path(out) if out is not None else run / "plots"
    name = run.resolve().name
    written = []
    columns = _logged(columns)
    outputs = _outputs(columns)
    losses = [n for n in loss_columns(columns) if n not in outputs]
    if losses or outputs:
        panels = [g for g in (losses, outputs) if g]
        figure = curves_figure(columns, panels, title=f"{name}: losses")
        written.append(save_figure(figure, folder / "losses.png"))
    others = metric_columns(columns)
    if others:
        figure = curves_figure(columns, [[n] for n in others], title=f"{name}: metrics")
        written.append(save_figure(figure, folder / "metrics.png"))
    if not written:
        raise ValueError(f"{run / 'metrics.csv'} holds no values to plot: columns {list(columns)}")
    return written
