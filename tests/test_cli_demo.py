"""`ganlib demo` and the numpy scatter plot it writes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from ganlib.cli import main
from ganlib.cli.plotting import DATA_COLOR, SAMPLE_COLOR, scatter_bounds, scatter_image


def test_demo_short_run_writes_png_and_prints_modes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--steps", "20", "--out", str(tmp_path / "demo")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.match(r"modes captured: \d/8 \(a mode needs >= 20 of 2500 samples", lines[-4])
    assert re.match(r"ganlib demo: \d/8 modes, \d+% high quality after 20 steps in ", lines[-1])
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == ["scatter.png"]
    image = tf.io.decode_png((tmp_path / "demo" / "scatter.png").read_bytes()).numpy()
    assert image.shape == (480, 480, 3)
    for color in (DATA_COLOR, SAMPLE_COLOR):
        assert (image == color).all(axis=-1).sum() > 50


@pytest.mark.slow
def test_demo_captures_all_eight_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default demo (2,000 steps, seed 0) finds every mode of the ring."""
    assert main(["demo", "--out", str(tmp_path)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    found = re.match(r"ganlib demo: (\d)/8 modes, (\d+)% high quality", summary)
    assert found is not None, summary
    assert int(found.group(1)) == 8 and int(found.group(2)) >= 50


def test_scatter_places_points_where_they_belong() -> None:
    samples = np.array([[0.0, 0.0]])
    data = np.array([[-1.0, -1.0], [1.0, 1.0]])
    bounds = (-2.0, 2.0, -2.0, 2.0)
    image = scatter_image(samples, data, size=101, bounds=bounds, radius=0)
    # The plot area spans pixels 2..98 (padding 2): x=0 is column 50, y=1 is row 26.
    assert tuple(image[50, 50]) == SAMPLE_COLOR
    assert tuple(image[26, 74]) == DATA_COLOR  # (1, 1): up and to the right
    assert tuple(image[74, 26]) == DATA_COLOR  # (-1, -1)
    assert tuple(image[2, 40]) == (0, 0, 0) and tuple(image[40, 98]) == (0, 0, 0)  # axes box
    assert tuple(image[0, 0]) == (255, 255, 255)
    colored = (image == SAMPLE_COLOR).all(axis=-1).sum() + (image == DATA_COLOR).all(axis=-1).sum()
    assert colored == 3


def test_scatter_skips_non_finite_and_outside_points() -> None:
    samples = np.array([[np.nan, 0.0], [5.0, 5.0], [0.0, np.inf]])
    image = scatter_image(samples, None, size=32, bounds=(-1, 1, -1, 1))
    assert not (image == SAMPLE_COLOR).all(axis=-1).any()


def test_scatter_bounds_and_errors() -> None:
    assert scatter_bounds(np.array([[0.0, 0.0], [2.0, 2.0]]), margin=0.0) == (0.0, 2.0, 0.0, 2.0)
    assert scatter_bounds(None) == (-1.0, 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="samples"):
        scatter_image(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="size"):
        scatter_image(np.zeros((3, 2)), size=4)
    with pytest.raises(ValueError, match="bounds"):
        scatter_image(np.zeros((3, 2)), bounds=(1, 0, 0, 1))
