"""`ganlib.plots` and `ganlib plot`: what a person sees, bounded cost, life without matplotlib."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from ganlib import plots
from ganlib.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _png(path: Path) -> np.ndarray:
    return tf.io.decode_png(path.read_bytes()).numpy()


def _near(image: np.ndarray, colour: str, tolerance: int = 40) -> int:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image.astype(int) - rgb).max(axis=-1) < tolerance).sum())


def _legend(figure: object) -> list[str]:
    return [t.get_text() for t in figure.axes[0].get_legend().get_texts()]  # type: ignore[attr-defined]


def test_scatter_has_title_axes_labels_and_legend(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    data, samples = rng.normal(size=(300, 2)), rng.normal(3.0, 0.5, size=(200, 2))
    figure = plots.scatter_figure(samples, data, title="8/8 modes")
    axes = figure.axes[0]
    assert axes.get_title() == "8/8 modes"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("x[0]", "x[1]")
    assert _legend(figure) == ["data (n=300)", "generated (n=200)"]
    image = _png(plots.write_scatter(tmp_path / "s.png", samples, data, title="t"))
    assert image.shape == (480, 480, 3)
    # Both colours are on the canvas, and orange sits up and to the right of blue (mean 3 vs 0).
    assert _near(image, plots.DATA_COLOR) > 100 and _near(image, plots.SAMPLE_COLOR) > 100
    rows, cols = np.nonzero(np.abs(image.astype(int) - [255, 127, 14]).max(-1) < 40)
    brows, bcols = np.nonzero(np.abs(image.astype(int) - [31, 119, 180]).max(-1) < 40)
    assert cols.mean() > bcols.mean() and rows.mean() < brows.mean()


def test_one_dimensional_vectors_plot_as_histograms(tmp_path: Path) -> None:
    samples = np.random.default_rng(1).normal(size=(500, 1))
    figure = plots.scatter_figure(samples, samples[:400] + 1.0)
    axes = figure.axes[0]
    assert axes.get_xlabel() == "x" and "fraction" in axes.get_ylabel()
    assert _legend(figure) == ["data (n=400)", "generated (n=500)"]
    assert len(axes.patches) == 2  # two histograms on shared bins
    assert _png(plots.write_scatter(tmp_path / "h.png", samples[:, 0])).shape == (480, 480, 3)


def test_wider_vectors_show_their_first_two_coordinates() -> None:
    figure = plots.scatter_figure(np.zeros((4, 5)))
    assert figure.axes[0].get_xlabel() == "x[0] (first 2 of 5 coordinates)"


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(np.array([[0.0, 0.0], [3e7, 1.0]]), id="span-3e7"),
        pytest.param(np.array([[-1e9, 0.0], [1e9, 1e9]]), id="span-2e9"),
        pytest.param(np.array([[-1e30, 5.0], [1e30, -5.0]]), id="span-2e30"),
        pytest.param(np.array([[-1.7e308, 0.0], [1.7e308, 1e-300]]), id="span-overflows"),
        pytest.param(
            np.array([[np.nan, 0.0], [np.inf, 1.0], [2.0, -np.inf], [1.0, 1.0]]), id="nan-inf"
        ),
        pytest.param(np.full((3, 2), np.nan), id="all-nan"),
        pytest.param(np.full((5, 2), 1e9), id="one-point-at-1e9"),
        pytest.param(np.array([[1e9], [1e9 + 1e-6], [-1.7e308], [np.nan]]), id="1d-extremes"),
    ],
)
def test_plots_are_bounded_in_memory_and_time(values: np.ndarray, tmp_path: Path) -> None:
    """The rasteriser this replaced allocated 575 MB for a span of 3e7 and ran out of memory
    near 1e9: the peak resident size may now grow by at most 150 MB (matplotlib's first
    import included)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    image = _png(plots.write_scatter(tmp_path / "x.png", values, values[::-1]))
    figure = plots.curves_figure({"epoch": np.arange(len(values)), "d_loss": values[:, 0]})
    figure.canvas.draw()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert time.perf_counter() - start < 30  # about 1 s on an idle 2-core machine
    assert grown_mb < 150, f"peak resident size grew by {grown_mb:.0f} MB"
    assert image.shape == (480, 480, 3)


def test_many_points_are_subsampled_not_all_drawn() -> None:
    figure = plots.scatter_figure(np.random.default_rng(0).normal(size=(50_000, 2)))
    drawn = figure.axes[0].collections[0].get_offsets()
    assert len(drawn) == plots.MAX_POINTS
    assert _legend(figure) == ["generated (n=50,000)"]


def test_non_finite_rows_are_counted_in_the_legend() -> None:
    samples = np.array([[0.0, 0.0], [np.nan, 1.0], [1.0, np.inf]])
    assert _legend(plots.scatter_figure(samples)) == ["generated (n=1; 2 non-finite not shown)"]


def test_scatter_refuses_images_and_mismatched_widths() -> None:
    with pytest.raises(ValueError, match=r"`samples` must be vectors.*\(4, 28, 28, 1\)"):
        plots.scatter_figure(np.zeros((4, 28, 28, 1)))
    with pytest.raises(ValueError, match="same number of coordinates"):
        plots.scatter_figure(np.zeros((4, 2)), np.zeros((4, 3)))


def test_metrics_csv_curves(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text(
        "epoch,d_fake,d_loss,d_real,g_loss,fid\n"
        "0,-1,1.3,1,0.7,NA\n1,-2,1.2,2,0.8,40.5\n2,-2,nan,2,0.9,30.1\n"
    )
    columns = plots.read_metrics_csv(tmp_path / "metrics.csv")
    assert plots.loss_columns(columns) == ["d_loss", "g_loss", "d_real", "d_fake"]
    assert plots.metric_columns(columns) == ["fid"]
    written = plots.write_run_plots(tmp_path)
    assert [p.name for p in written] == ["losses.png", "metrics.png"]
    figure = plots.curves_figure(columns, [["d_loss", "g_loss"]])
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "d_loss (1 non-finite not shown)",
        "g_loss",
    ]
    assert axes.get_lines()[1].get_xdata().tolist() == [1.0, 2.0, 3.0]  # epochs from 1
    assert axes.get_xlabel() == "epoch"


def test_columns_that_were_never_logged_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text(
        "epoch,d_fake,d_loss,d_real,g_loss,val_d_loss,val_g_loss\n0,-1,1.3,1,0.7,NA,NA\n"
    )
    assert [p.name for p in plots.write_run_plots(tmp_path)] == ["losses.png"]
    figure = plots.curves_figure(plots.read_metrics_csv(tmp_path / "metrics.csv"))
    legends = [[t.get_text() for t in a.get_legend().get_texts()] for a in figure.axes]
    assert legends == [["d_loss", "g_loss"], ["d_real", "d_fake"]]


def test_metric_monitor_history_plots() -> None:
    history = [{"epoch": 1.0, "fid": 30.0, "recall": 0.2}, {"epoch": 3.0, "fid": 20.0}]
    figure = plots.curves_figure(history)
    assert [a.get_ylabel() for a in figure.axes] == ["fid", "recall"]
    assert figure.axes[0].get_lines()[0].get_xdata().tolist() == [1.0, 3.0]


def test_ganlib_plot_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "metrics.csv").write_text("epoch,d_loss,g_loss\n0,1.3,0.8\n1,1.2,0.9\n")
    assert main(["plot", str(run), "--out", str(tmp_path / "p")]) == 0
    assert _png(tmp_path / "p" / "losses.png").shape == (336, 640, 3)
    assert main(["plot", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    (run / "metrics.csv").write_text("")
    assert main(["plot", str(run)]) == 2
    assert "no header row" in capsys.readouterr().err


_BLOCK_MATPLOTLIB = "import sys; sys.modules['matplotlib'] = None\n"


def _without_matplotlib(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-c", _BLOCK_MATPLOTLIB + code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_without_matplotlib_training_works_and_plots_say_what_to_install(tmp_path: Path) -> None:
    code = (
        "import ganlib, ganlib.plots, ganlib.callbacks\n"
        "from ganlib.cli import main\n"
        "argv = ['train', 'ring', '--steps', '2', '--batch-size', '8', '--out', 'r']\n"
        "print('train', main(argv))\n"
        "print('plot', main(['plot', 'r']))\n"
        "print('sample', main(['sample', 'r', '--out', 's.png']))\n"
        "import numpy as np\n"
        "try:\n"
        "    ganlib.plots.scatter_figure(np.zeros((2, 2)))\n"
        "except ganlib.plots.PlotDependencyError as e:\n"
        "    print('library', type(e).__mro__[1].__name__)\n"
    )
    result = _without_matplotlib(code, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [
        line for line in lines if line.split()[0] in ("train", "plot", "sample", "library")
    ] == ["train 0", "plot 2", "sample 2", "library ImportError"]
    assert "ganlib train: warning: the scatter plot of samples per epoch is not written" in (
        result.stderr
    )
    assert "pip install 'ganlib[plot]'" in result.stderr
    assert "ganlib plot: error: this plot needs matplotlib" in result.stderr
    assert (tmp_path / "r" / "generator.keras").is_file()
    assert not (tmp_path / "s.png").exists()


@pytest.mark.slow
def test_train_and_sample_on_one_dimensional_vectors(tmp_path: Path) -> None:
    np.save(tmp_path / "line.npy", np.random.default_rng(0).normal(size=(64, 1)).astype("f4"))
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "line.npy"), "--steps", "4", "--batch-size", "16"]
    assert main([*argv, "--out", str(run)]) == 0
    assert _png(run / "samples" / "samples_epoch_0001.png").shape == (480, 480, 3)
    assert main(["sample", str(run), "--n", "50", "--out", str(tmp_path / "s.png")]) == 0
    assert _png(tmp_path / "s.png").shape == (480, 480, 3)
    assert main(["plot", str(run)]) == 0
    assert (run / "plots" / "losses.png").is_file()
