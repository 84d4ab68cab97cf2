"""`ganlib plot`: loss and metric curves of a run folder, drawn from its `metrics.csv`.

The drawing itself lives in `ganlib.plots` (matplotlib, the optional `plot` extra); this
module is the command and the CLI's one place that decides what to do without matplotlib.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

__all__ = ["matplotlib_missing", "run_plot"]


def matplotlib_missing(what: str) -> bool:
    """True (after a one-line warning that `what` is skipped) when matplotlib is missing.

    Example:
        >>> matplotlib_missing("the scatter plot")
        False
    """
    from ganlib.plots import PlotDependencyError, require_matplotlib

    try:
        require_matplotlib()
    except PlotDependencyError as error:
        warnings.warn(f"{what} is not written: {error}", stacklevel=2)
        return True
    return False


def run_plot(args: argparse.Namespace) -> int:
    """Runs `ganlib plot RUN_DIR [--out DIR]`; returns the exit code.

    Example:
        >>> import argparse, pathlib, tempfile
        >>> run = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (run / "metrics.csv").write_text("epoch,d_loss,g_loss\\n0,1.3,0.8\\n")
        >>> run_plot(argparse.Namespace(run_dir=str(run), out=None))  # doctest: +ELLIPSIS
        ganlib plot: .../plots/losses.png
        0
    """
    from ganlib.plots import require_matplotlib, write_run_plots

    run = Path(args.run_dir)
    if not run.is_dir():
        raise FileNotFoundError(f"RUN_DIR {run} is not a folder")
    if not (run / "metrics.csv").is_file():
        raise FileNotFoundError(f"{run} has no metrics.csv (written by ganlib train)")
    require_matplotlib()
    written = write_run_plots(run, args.out)
    print("ganlib plot: " + ", ".join(str(path) for path in written))
    return 0
