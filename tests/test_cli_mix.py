"""`ganlib sample --mix RUN...` and `ganlib evaluate --mix RUN...`: plain samples of a mixture
of runs' generators (`ganlib.models.generator_mixture`), each sample from one run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import models
from ganlib.cli import main


@pytest.fixture(scope="module")
def rings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two 4-step ring runs, seeds 0 and 1 (no rejection sampler for so short a run)."""
    folder = tmp_path_factory.mktemp("rings")
    runs = folder / "r0", folder / "r1"
    for seed, run in enumerate(runs):
        argv = ["train", "ring", "--steps", "4", "--batch-size", "16", "--seed", str(seed)]
        assert main([*argv, "--out", str(run)]) == 0
    return runs


def _sample(run: Path, tmp_path: Path, *extra: str) -> np.ndarray:
    npz = tmp_path / "s.npz"
    argv = ["sample", str(run), "--n", "300", "--seed", "3", "--out", str(tmp_path / "s.png")]
    assert main([*argv, "--npz", str(npz), *extra]) == 0
    with np.load(npz) as f:
        return f["samples"]


def test_sample_mix_draws_each_row_from_the_member_its_latent_picks(
    rings: tuple[Path, Path], tmp_path: Path
) -> None:
    g0, g1 = (keras.saving.load_model(r / "generator.keras", compile=False) for r in rings)
    width = g0.inputs[0].shape[1]
    z = np.random.default_rng(3).standard_normal((300, width + 2)).astype("float32")
    pick = models.MemberChoice(2).member_index(z[:, width:]).numpy()
    expected = np.where(pick[:, None] == 1, g1(z[:, :width]).numpy(), g0(z[:, :width]).numpy())
    mixed = _sample(rings[0], tmp_path, "--mix", str(rings[1]))
    np.testing.assert_allclose(mixed, expected, rtol=1e-5, atol=1e-6)
    assert 0.4 < pick.mean() < 0.6
    hot = _sample(rings[0], tmp_path, "--mix", str(rings[1]), "--temperature", "2")
    expected_hot = np.where(pick[:, None] == 1, g1(2 * z[:, :width]), g0(2 * z[:, :width]))
    np.testing.assert_allclose(hot, expected_hot, rtol=1e-5, atol=1e-6)


def test_evaluate_mix_writes_its_own_file_and_names_the_runs(
    rings: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "r0"
    shutil.copytree(rings[0], run)
    assert main(["evaluate", str(run), "--n", "500", "--mix", str(rings[1])]) == 0
    assert "mixed with" in capsys.readouterr().out
    saved = json.loads((run / "metrics-mix.json").read_text())
    assert str(rings[1]) in saved["source"] and "modes_captured" in saved["metrics"]
    assert not (run / "metrics.json").exists()  # the run's own evaluation file is untouched


def test_mix_refuses_rejection_other_data_and_latent_grids(
    rings: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = str(tmp_path / "s.png")
    drs = tmp_path / "drs"
    shutil.copytree(rings[0], drs)
    config = json.loads((drs / "config.json").read_text())
    (drs / "config.json").write_text(json.dumps({**config, "rejection": "drs"}))
    assert main(["sample", str(drs), "--out", png, "--mix", str(rings[1])]) == 2
    assert "pass --rejection none with --mix" in capsys.readouterr().err
    assert main(["evaluate", str(drs), "--n", "100", "--mix", str(rings[1])]) == 2
    assert "pass --rejection none with --mix" in capsys.readouterr().err
    grid = tmp_path / "grid"
    shutil.copytree(rings[1], grid)
    config = json.loads((grid / "config.json").read_text())
    (grid / "config.json").write_text(json.dumps({**config, "dataset": "grid", "kind": "grid"}))
    assert main(["sample", str(rings[0]), "--out", png, "--mix", str(grid)]) == 2
    assert "was trained on grid" in capsys.readouterr().err
    assert main(["sample", str(rings[0]), "--out", png, "--mix", str(tmp_path / "none")]) == 2
    assert "run folder not found" in capsys.readouterr().err
    argv = ["sample", str(rings[0]), "--out", png, "--mix", str(rings[1]), "--interpolate", "2"]
    assert main(argv) == 2
    assert "--mix draws plain samples" in capsys.readouterr().err
    assert not Path(png).exists()
