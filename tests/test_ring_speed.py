"""`ganlib train ring` draws its batches in the compiled step (`ganlib.data.DeviceData`), as the
grid does; ring folders written before that resume on the host pipeline.

A ring run takes the grid's path through `ganlib train` (`device_data_for_run`, then the same
`_fitloop`), so its exact resume is tests/test_grid_speed.py's, and the 300-step ring fixture
of tests/test_cli_rejection.py trains on it end to end. The bit-for-bit comparison with the
benchmark driver and the quality figures are in docs/benchmarks.md ("Ring through the command
line (session 9)").
"""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.cli.config import RunConfig


@pytest.fixture
def small_mixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ganlib.cli._setup.GRID_POINTS", 1000)
    monkeypatch.setattr("ganlib.cli._setup.DEVICE_DATA_MIN_STEPS", 5)


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
