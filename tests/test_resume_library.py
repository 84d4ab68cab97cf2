"""A library user's run resumes exactly mid-epoch: GANCheckpoint(every_steps=1) and
`ganlib.data.resumable_batches(start=step)`; SIGKILL at a random step, resume, same weights."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

HELPER = Path(__file__).with_name("_library_resume.py")
TOTAL = 24  # 6 epochs of 4 steps
LIMIT_S = 240.0


def child(*args: str) -> subprocess.Popen[str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.Popen(
        [sys.executable, str(HELPER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def reference() -> dict[str, np.ndarray]:
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    sys.path.insert(0, str(HELPER.parent))
    import _library_resume

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    try:
        return dict(_library_resume.fit(None, TOTAL))
    finally:
        if not was_on:
            tf_config.disable_op_determinism()


@pytest.mark.slow
def test_sigkill_at_a_random_step_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    target = random.Random().randint(3, TOTAL - 3)  # a random step, often mid-epoch
    victim = child("--dir", str(run), "--steps", str(TOTAL), "--pace", "0.3")
    deadline = time.monotonic() + LIMIT_S
    assert victim.stdout is not None
    for line in victim.stdout:  # the child flushes one line per step
        assert time.monotonic() < deadline, "the child did not reach the target step in time"
        if line.strip() == f"CRASH: step {target}":
            victim.kill()
            break
    victim.communicate(timeout=30)
    assert victim.returncode == -9, f"not killed at step {target}"
    expected = reference()

    out, _ = child(
        "--dir", str(run), "--steps", str(TOTAL), "--resume", "--out", str(tmp_path / "r.npz")
    ).communicate(timeout=LIMIT_S)
    assert "CRASH: finished" in out, out[-3000:]
    resumed_at = int(out.split("CRASH: resumed step=")[1].split()[0])
    assert target <= resumed_at < TOTAL, f"killed after step {target}, resumed at {resumed_at}"
    with np.load(tmp_path / "r.npz", allow_pickle=False) as npz:
        got = {name: npz[name] for name in npz.files}
    assert sorted(got) == sorted(expected)
    assert int(got["trainer/0001"]) == TOTAL
    for name in expected:  # exact: op determinism, the same batches, restored RNG and step
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
