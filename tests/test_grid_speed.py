"""`ganlib train grid` and `ganlib train ring` draw their batches in the compiled step
(`ganlib.data.DeviceData`).

Small runs only: the mixture is cut to 1,000 points (3 steps per epoch at batch 256) and the
in-step draws start at 5 steps, so no XLA and no sampler; the full-length figures are in
docs/benchmarks.md. A ring run takes the grid's path through `ganlib train`
(`device_data_for_run`, then the same `_fitloop`), so the grid's exact-resume test covers it,
and the 300-step ring fixture of tests/test_cli_rejection.py trains on it end to end.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ganlib.cli import main
from ganlib.cli.config import RunConfig


@pytest.fixture
def small_mixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ganlib.cli._setup.GRID_POINTS", 1000)
    monkeypatch.setattr("ganlib.cli._setup.DEVICE_DATA_MIN_STEPS", 5)


def _checkpoint_steps(run: Path) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in (run / "checkpoints").glob("ckpt-*"))


def _arrays_at(run: Path, step: int) -> dict[str, np.ndarray]:
    from ganlib.checkpoint import read_checkpoint

    return dict(read_checkpoint(run / "checkpoints" / f"ckpt-{step:09d}")[1])


def _restart_without_checkpoint(run: Path, copy: Path, step: int) -> dict[str, np.ndarray]:
    """A copy of `run` as a kill -9 before its `step` checkpoint leaves it, resumed; the
    arrays of its new `step` checkpoint."""
    shutil.copytree(run, copy)
    for path in (copy / "checkpoints" / f"ckpt-{step:09d}", copy / "generator.keras"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert main(["train", "--resume", "--out", str(copy)]) == 0
    return _arrays_at(copy, step)


def test_grid_run_uses_device_data_and_resumes_exactly(small_mixture: None, tmp_path: Path) -> None:
    """A grid run records `device_data` and passes of `len // batch` steps; restarted from
    its step-3 checkpoint (what a kill -9 after it leaves) it ends with the same arrays."""
    run = tmp_path / "grid"
    assert main(["train", "grid", "--steps", "5", "--seed", "3", "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["device_data"] is True and config["num_examples"] == 1000
    assert config["steps_per_epoch"] == 3 and config["total_steps"] == 5
    assert _checkpoint_steps(run) == [3, 5]
    original = _arrays_at(run, 5)
    positions = [k for k in original if "data_position" in k]
    assert positions and all(int(original[k]) == 5 for k in positions)
    restarted = _restart_without_checkpoint(run, tmp_path / "copy", 5)
    assert sorted(restarted) == sorted(original)
    for name, value in original.items():
        np.testing.assert_array_equal(restarted[name], value, err_msg=name)


def test_runs_keep_their_recorded_data_size(small_mixture: None) -> None:
    """`load_data` draws the size a run recorded (older grid runs: 50,000 points); a new run
    (`num_examples` 0) `GRID_POINTS` with `device_data`, else `MIXTURE_POINTS`. Only grid runs
    of at least `DEVICE_DATA_MIN_STEPS` draw in the step."""
    from ganlib.cli._setup import device_data_for_run, load_data
    from ganlib.data import grid_mixture

    old = load_data(RunConfig(dataset="grid", kind="grid", seed=2, num_examples=500))
    np.testing.assert_array_equal(old.x, grid_mixture().sample(500, seed=2))
    new = RunConfig(dataset="grid", kind="grid", seed=2, device_data=True)
    assert len(load_data(new).x) == 1000
    assert len(load_data(RunConfig(dataset="grid", kind="grid", seed=2)).x) == 50_000
    assert device_data_for_run("grid", 5) and device_data_for_run("grid", None)
    assert not device_data_for_run("grid", 4)  # a shorter trial run keeps the host pipeline
    assert not device_data_for_run("mnist", None)


def test_device_data_flag_of_old_folders() -> None:
    """Folders written before the flag read as the host pipeline; a wrong type is refused."""
    values = RunConfig(dataset="grid", kind="grid").to_dict()
    del values["device_data"]
    assert RunConfig.from_dict(values).device_data is False
    with pytest.raises(ValueError, match="device_data"):
        RunConfig.from_dict({**values, "device_data": "yes"})


def test_old_ring_folders_keep_the_host_pipeline(small_mixture: None) -> None:
    """A ring folder written before session 9 (no `device_data`, 50,000 points) reads as the
    host pipeline with the points it trained on; new ring runs of at least
    `DEVICE_DATA_MIN_STEPS` steps draw `GRID_POINTS` points in the step, shorter ones do not."""
    from ganlib.cli._setup import device_data_for_run, load_data
    from ganlib.data import ring_mixture

    values = RunConfig(dataset="ring", kind="ring", seed=7, num_examples=50_000).to_dict()
    del values["device_data"]
    old = RunConfig.from_dict(values)
    assert old.device_data is False
    np.testing.assert_array_equal(load_data(old).x, ring_mixture().sample(50_000, seed=7))
    new = RunConfig(dataset="ring", kind="ring", seed=7, device_data=True)
    np.testing.assert_array_equal(load_data(new).x, ring_mixture().sample(1000, seed=7))
    assert device_data_for_run("ring", None) and device_data_for_run("ring", 5)
    assert not device_data_for_run("ring", 4)
