"""`benchmarks/mnist_bank.py`: held-out scoring of bank samples and the copy distances."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from mnist_bank import main, nearest_distances


def test_nearest_distances_are_the_brute_force_minimum() -> None:
    rng = np.random.default_rng(0)
    samples, reference = rng.normal(size=(7, 2, 3)), rng.normal(size=(11, 2, 3))
    brute = np.linalg.norm(samples[:, None] - reference[None], axis=(2, 3)).min(axis=1)
    np.testing.assert_allclose(nearest_distances(samples, reference, chunk=3), brute, atol=1e-9)


def test_rows_score_against_the_held_out_half(
    tiny_infogan_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_infogan_run, run)
    argv = [str(run), "--n", "10", "--spread", "0,0.5", "--temperature", "1", "--bank-steps", "2"]
    main(argv)
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines if line.startswith("{")]
    assert [r["row"] for r in rows] == [
        "real A (against B: the floor)",
        "real A resampled with replacement",
        "plain samples, t = 1",
        "bank of A, spread 0",
        "bank of A, spread 0.5",
    ]
    assert all(r["n"] == 10 and "recall" in r for r in rows)
    for copies in rows[:2]:  # training images themselves: at distance 0 from the training half
        assert copies["median_nearest"] == 0.0 and copies["nearer_than_fresh_p5"] == 1.0
    assert (run / "latent-bank.npz").is_file()
