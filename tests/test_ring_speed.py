"""`ganlib train ring` draws its batches in the compiled step (`ganlib.data.DeviceData`), as the
grid does; ring folders written before that resume on the host pipeline.

Small runs only: the mixture is cut to 1,000 points and the in-step draws start at 5 steps, so
no XLA and no sampler; the bit-for-bit comparison with the benchmark driver at full length and
the quality figures are in docs/benchmarks.md ("Ring through the command line (session 9)").
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


def _arrays_at(run: Path, step: int) -> dict[str, np.ndarray]:
    from ganlib.checkpoint import read_checkpoint

    return dict(read_checkpoint(run / "checkpoints" / f"ckpt-{step:09d}")[1])


def test_ring_run_uses_device_data_and_resumes_exactly(small_mixture: None, tmp_path: Path) -> None:
    """A default ring run records `device_data` and its data size; restarted from its step-3
    checkpoint (what a kill -9 before the step-5 one leaves) it ends with the same arrays (the
    in-step draws continue from the checkpointed `data_position`)."""
    run, copy = tmp_path / "ring", tmp_path / "copy"
    assert main(["train", "ring", "--steps", "5", "--seed", "4", "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["device_data"] is True and config["num_examples"] == 1000
    assert (config["steps_per_epoch"], config["rejection_refine"]) == (3, 0)
    original = _arrays_at(run, 5)
    positions = [k for k in original if "data_position" in k]
    assert positions and all(int(original[k]) == 5 for k in positions)
    shutil.copytree(run, copy)
    shutil.rmtree(copy / "checkpoints" / "ckpt-000000005")
    (copy / "generator.keras").unlink()
    assert main(["train", "--resume", "--out", str(copy)]) == 0
    restarted = _arrays_at(copy, 5)
    assert sorted(restarted) == sorted(original)
    for name, value in original.items():
        np.testing.assert_array_equal(restarted[name], value, err_msg=name)


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
