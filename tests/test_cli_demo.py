"""`ganlib demo`: a short run, its printed figures and its scatter plot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tensorflow as tf

from ganlib.cli import main
from ganlib.plots import DATA_COLOR, SAMPLE_COLOR


@pytest.mark.slow
def test_demo_captures_all_eight_modes_and_titles_its_scatter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default demo (2000 steps, seed 0) finds every mode of the ring; it prints its
    figures and writes them into the title of its one scatter plot."""
    from ganlib import plots

    titles: list[str] = []
    original = plots.write_scatter

    def spy(path: Path, samples: object, data: object = None, *, title: str | None = None) -> Path:
        titles.append(str(title))
        return original(path, samples, data, title=title)

    monkeypatch.setattr(plots, "write_scatter", spy)
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.match(r"modes captured: \d/8 \(a mode needs >= 20 of 2500 samples", lines[-4])
    summary = re.match(
        r"ganlib demo: ((\d)/8 modes, (\d+)% high quality) after 2000 steps in ", lines[-1]
    )
    assert summary is not None, lines[-1]
    assert int(summary.group(2)) == 8 and int(summary.group(3)) >= 50
    assert len(titles) == 1 and summary.group(1) in titles[0] and "2000 steps, seed 0" in titles[0]
    assert sorted(p.name for p in out.iterdir()) == ["scatter.png"]
    image = tf.io.decode_png((out / "scatter.png").read_bytes()).numpy()
    assert image.shape == (480, 480, 3)
    for colour in (DATA_COLOR, SAMPLE_COLOR):
        rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        assert (abs(image.astype(int) - rgb).max(axis=-1) < 40).sum() > 50
