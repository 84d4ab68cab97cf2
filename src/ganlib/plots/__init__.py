"""Plots with matplotlib (the optional `plot` extra): samples against data, training curves.

matplotlib is imported only when a plot is made; without it every function here raises
`PlotDependencyError`, and the rest of ganlib (training included) works as before. Figures
use the Agg canvas directly (no pyplot state, no display needed).

Example:
    >>> import numpy as np
    >>> from ganlib import plots
    >>> plots.scatter_image(np.zeros((10, 2)), np.ones((10, 2))).shape
    (480, 480, 3)
"""

from __future__ import annotations

from ganlib.plots._backend import (
    MAX_POINTS,
    PlotDependencyError,
    figure_to_array,
    new_figure,
    require_matplotlib,
    save_figure,
)
from ganlib.plots.curves import (
    curves_figure,
    loss_columns,
    metric_columns,
    read_metrics_csv,
    write_run_plots,
)
from ganlib.plots.scatter import (
    DATA_COLOR,
    SAMPLE_COLOR,
    scatter_figure,
    scatter_image,
    write_scatter,
)

__all__ = [
    "DATA_COLOR",
    "MAX_POINTS",
    "SAMPLE_COLOR",
    "PlotDependencyError",
    "curves_figure",
    "figure_to_array",
    "loss_columns",
    "metric_columns",
    "new_figure",
    "read_metrics_csv",
    "require_matplotlib",
    "save_figure",
    "scatter_figure",
    "scatter_image",
    "write_run_plots",
    "write_scatter",
]
