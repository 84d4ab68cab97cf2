"""The README's Python snippets run as written (the training one with a tiny budget)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_the_snippets_this_file_runs() -> None:
    assert len(SNIPPETS) >= 3
    assert "GANTrainer" in SNIPPETS[0]


@pytest.mark.parametrize("index", range(1, len(SNIPPETS)))
def test_standalone_snippet_runs(index: int) -> None:
    exec(compile(SNIPPETS[index], f"README.md snippet {index}", "exec"), {})


@pytest.mark.slow
def test_training_snippet_runs_on_a_tiny_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ganlib import data

    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, size=(256, 28, 28, 1)).astype("float32")
    monkeypatch.setattr(data, "load_mnist", lambda *a, **k: images)
    monkeypatch.chdir(tmp_path)
    code = SNIPPETS[0].replace("epochs=40", "epochs=1")
    assert code != SNIPPETS[0], "the README's training call changed: update this test"
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md snippet 0", "exec"), namespace)
    assert np.asarray(namespace["images"]).shape == (64, 28, 28, 1)
    assert list((tmp_path / "runs" / "mnist").glob("*.png"))
