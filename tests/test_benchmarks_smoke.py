"""Smoke tests: each benchmark script runs at its smallest setting and prints its figures.

They assert nothing about time, only that the scripts run and print their tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def _run(script: str, *args: str) -> str:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_throughput_prints_its_table() -> None:
    out = _run(
        "throughput.py",
        "--quick",
        "--reps",
        "1",
        "--steps",
        "2",
        "--spe",
        "2",
        "--which",
        "mlp",
        "--variants",
        # The baseline (Keras's classic loop), GANTrainer without XLA and the hand-fused
        # reference; the other variants are settings of these loops (the defaults' XLA and
        # steps per call, and DeviceData's path, have their own tests) and would only add a
        # model build and an XLA compilation each.
        "classic,keras_defaults,ingraph",
        "--no-cold",
    )
    assert "command: python" in out and "nproc=" in out
    assert "fp32 matmul peak" in out
    assert "'d_step_updates_d': True" in out and "'g_step_freezes_d': True" in out
    rows = [line for line in out.splitlines() if line.startswith("| mlp")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "classic",
        "keras_defaults",
        "ingraph",
    ]
    assert rows[0].split("|")[4].strip() == "1.00"  # the classic loop is the baseline


@pytest.mark.slow
def test_quality_prints_its_tables(mnist_dir: Path) -> None:
    out = _run("quality.py", "--quick")
    assert "PacGAN paper: GAN" in out and "PacGAN paper: PacGAN4" in out
    ring = [line for line in out.splitlines() if line.startswith("| ring")]
    assert any("ganlib ring_refined_drs (EMA + DRS gamma=0)" in line for line in ring), ring
    assert "real data (floor" in out
    assert "classic_mlp+ema" in out
