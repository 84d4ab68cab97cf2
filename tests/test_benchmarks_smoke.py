"""Smoke tests: each benchmark script runs at its smallest setting and prints its figures.

They assert nothing about time, only that the scripts run and print their tables. Each script
runs in this process (`main(argv)`, as `python benchmarks/<script> ...` would call it): a
fresh interpreter per script would only add TensorFlow's import.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def load_benchmark(script: str) -> ModuleType:
    """Imports `benchmarks/<script>` as a module; the script puts benchmarks/ on `sys.path`."""
    name = f"benchmark_{Path(script).stem}"
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_throughput_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--quick", "--reps", "1", "--steps", "2", "--spe", "2", "--which", "mlp"]
    # The baseline (Keras's classic loop), GANTrainer without XLA and the hand-fused
    # reference; the other variants are settings of these loops (the defaults' XLA and
    # steps per call, and DeviceData's path, have their own tests) and would only add a
    # model build and an XLA compilation each.
    argv += ["--variants", "classic,keras_defaults,ingraph", "--no-cold"]
    payload = load_benchmark("throughput.py").main(argv)
    out = capsys.readouterr().out
    assert "command: " in out and "nproc=" in out
    assert "fp32 matmul peak" in out
    assert "'d_step_updates_d': True" in out and "'g_step_freezes_d': True" in out
    rows = [line for line in out.splitlines() if line.startswith("| mlp")]
    assert [row.split("|")[2].strip() for row in rows] == [
        "classic",
        "keras_defaults",
        "ingraph",
    ]
    assert rows[0].split("|")[4].strip() == "1.00"  # the classic loop is the baseline
    assert [r["variant"] for r in payload["rows"]] == ["classic", "keras_defaults", "ingraph"]
    assert all(r["median_steps_per_s"] > 0 for r in payload["rows"])


@pytest.mark.slow
def test_quality_prints_its_tables(mnist_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = load_benchmark("quality.py").main(["--quick"])
    out = capsys.readouterr().out
    assert "PacGAN paper: GAN" in out and "PacGAN paper: PacGAN4" in out
    ring = [line for line in out.splitlines() if line.startswith("| ring")]
    assert any("ganlib ring_refined_drs (EMA + DRS gamma=0)" in line for line in ring), ring
    assert "real data (floor" in out
    assert "classic_mlp+ema" in out
    assert payload["toy"] and payload["mnist"]["rows"]


@pytest.mark.slow
def test_translation_prints_its_acgan_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["acgan", "--quick", "--ema", "0.9", "--truncation", "0.5"]
    assert load_benchmark("translation.py").main(argv) == 0
    out = capsys.readouterr().out
    assert "translation benchmark: acgan" in out and "training wall time" in out
    rows = [line for line in out.splitlines() if line.startswith("| AC-GAN samples")]
    assert len(rows) == 3, out  # raw, EMA and truncated samples
