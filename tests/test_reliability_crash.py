"""Crashes: SIGKILL mid-training then resume, and kills in the middle of a checkpoint write.

Every child process runs ``tests/_crash_train.py``; all waits are bounded. See
docs/reliability.md for what each fault leaves on disk and how it is recovered.
"""

from __future__ import annotations

import contextlib
import io
import random
import select
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from _helpers import child_env
from ganlib.checkpoint import latest_checkpoint, list_checkpoints, read_checkpoint

HELPER = Path(__file__).with_name("_crash_train.py")
EPOCHS = 6
LIMIT_S = 240.0  # upper bound on any wait; a healthy run takes ~15 s on 2 busy cores


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HELPER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env("3"),
    )


def finish(proc: subprocess.Popen[str]) -> str:
    """Waits (bounded) for a child that should succeed; returns its output."""
    out, _ = proc.communicate(timeout=LIMIT_S)
    assert proc.returncode == 0, f"child failed (rc={proc.returncode}):\n{out[-3000:]}"
    return out


def kill(proc: subprocess.Popen[str]) -> str:
    assert proc.poll() is None, "the child ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return out


def quiet_latest(directory: Path) -> Path | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return latest_checkpoint(directory)


def uninterrupted_run(epochs: int) -> dict[str, np.ndarray]:
    """The reference: the same tiny run in this process, under op determinism, no checkpoints."""
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    import _crash_train

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    try:
        return _crash_train.fit(None, epochs)
    finally:
        if not was_on:
            tf_config.disable_op_determinism()


@pytest.mark.slow
def test_sigkill_mid_training_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    victim = start("train", "--dir", str(run), "--epochs", str(EPOCHS), "--pace", "0.6")
    deadline = time.monotonic() + LIMIT_S
    while len(list_checkpoints(run)) < 2:  # wait for 2 complete epochs (bounded)
        assert victim.poll() is None, f"child ended early:\n{victim.communicate()[0][-3000:]}"
        assert time.monotonic() < deadline, "no checkpoint within the time limit"
        time.sleep(0.05)
    time.sleep(0.3)  # inside the 3rd epoch's pause or step: mid-run either way
    out = kill(victim)
    assert "finished" not in out
    found = quiet_latest(run)
    assert found is not None
    saved_epoch = read_checkpoint(found)[0]["epoch"]
    assert 2 <= saved_epoch < EPOCHS

    resumed = start(
        "train", "--dir", str(run), "--epochs", str(EPOCHS), "--resume",
        "--out", str(tmp_path / "resumed.npz"),
    )  # fmt: skip
    # The reference runs only now, while the child resumes: run while the victim trained, a
    # slow reference on a busy machine let the victim finish all its epochs before the kill.
    reference = uninterrupted_run(EPOCHS)
    resumed_out = finish(resumed)
    assert f"CRASH: resumed epoch={saved_epoch}" in resumed_out
    with np.load(tmp_path / "resumed.npz", allow_pickle=False) as npz:
        got = {name: npz[name] for name in npz.files}
    assert sorted(got) == sorted(reference)
    groups = {name.split("/")[0] for name in reference}
    expected = {"generator", "discriminator", "g_optimizer", "d_optimizer", "trainer"}
    assert groups == expected | {"state:data_position"}  # DeviceData's position (tracked state)
    assert int(got["trainer/0001"]) == EPOCHS * 4  # step counter: 4 batches per epoch
    for name in reference:  # exact: op determinism, same data order, restored RNG state
        np.testing.assert_array_equal(got[name], reference[name], err_msg=name)


# ------------------------------------------------------------- kills during a write
EXPECTED = {  # fault point -> (step of the checkpoint resumed from, its array value)
    "state_partial": (1, 1.0),
    "before_manifest": (1, 1.0),
    "before_rename": (1, 1.0),
    "prune": (2, 2.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("at", [*EXPECTED, "overwrite_swap"])
def test_kill_inside_a_checkpoint_write_keeps_the_previous_one(tmp_path: Path, at: str) -> None:
    proc = start("die", "--dir", str(tmp_path), "--at", at)
    out, _ = proc.communicate(timeout=LIMIT_S)
    assert proc.returncode == 9 and "not killed" not in out, out[-2000:]
    step, value = EXPECTED.get(at, (1, None))  # overwrite: either version of step 1 is fine
    found = quiet_latest(tmp_path)
    assert found is not None and found.name == f"ckpt-{step:09d}"
    manifest, arrays = read_checkpoint(found)
    assert manifest["step"] == step
    if value is not None:
        np.testing.assert_array_equal(arrays["w"], np.full(1000, value))
    # Partial folders never look like checkpoints: the run goes on writing after them.
    assert all(p.name.startswith("ckpt-") for p in list_checkpoints(tmp_path))
    from ganlib.checkpoint import write_checkpoint

    write_checkpoint(tmp_path, {"w": np.full(3, 3.0)}, step=3)
    assert quiet_latest(tmp_path) == tmp_path / "ckpt-000000003"


def read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "child printed nothing within the time limit"
    return proc.stdout.readline()


@pytest.mark.slow
def test_sigkill_at_random_moments_of_a_loop_of_saves_never_loses_progress(
    tmp_path: Path,
) -> None:
    rng = random.Random(1234)
    last_step, torn_left = 0, 0
    for _ in range(8):
        proc = start("writes", "--dir", str(tmp_path))
        line = read_line(proc, LIMIT_S)
        assert line.startswith(f"CRASH: start after step={last_step}"), line
        time.sleep(rng.uniform(0.05, 0.5))
        kill(proc)
        found = quiet_latest(tmp_path)
        assert found is not None, "a kill left no complete checkpoint"
        manifest, arrays = read_checkpoint(found)
        step = manifest["step"]
        assert step >= last_step  # a kill never loses a completed checkpoint
        np.testing.assert_array_equal(arrays["w"], np.full(arrays["w"].shape, float(step)))
        last_step = step
        torn_left = len([p for p in tmp_path.iterdir() if p.name.startswith(".tmp")])
    assert last_step > 0
    print(f"after 8 random kills: step {last_step}, {torn_left} partial .tmp folder(s) ignored")
    from ganlib.checkpoint import write_checkpoint

    write_checkpoint(tmp_path, {"w": np.zeros(3)}, step=last_step + 100, keep=3)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")]
    assert not left, f"stale temporary folders not removed by the next save: {left}"


# ---------------------------------------------------------------------- CLI variant
#: 6 epochs of 8 steps on a 1,600-point vector file: many checkpoints, seconds of training.
CLI_RUN = ["--steps", "48", "--batch-size", "200", "--seed", "3"]
CLI_STEPS = 48


def vector_file(directory: Path) -> str:
    """A .npy of 1,600 2-D points for the CLI runs below."""
    path = directory / "points.npy"
    np.save(path, np.random.default_rng(0).normal(size=(1600, 2)).astype("float32"))
    return str(path)


def cli_final_state(run: Path) -> dict[str, np.ndarray]:
    found = quiet_latest(run / "checkpoints")
    assert found is not None
    manifest, arrays = read_checkpoint(found)
    assert manifest["step"] == CLI_STEPS
    return arrays


@pytest.mark.slow
def test_cli_train_killed_then_resumed_equals_an_uninterrupted_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ganlib.cli", reason="the CLI is not written yet")
    run = tmp_path / "killed"
    code = "import sys; from ganlib.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**child_env("3"), "TF_DETERMINISTIC_OPS": "1"}

    def cli(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )

    points = vector_file(tmp_path)
    victim = cli("train", points, *CLI_RUN, "--out", str(run))
    deadline = time.monotonic() + LIMIT_S
    while len(list_checkpoints(run / "checkpoints")) < 2:
        assert victim.poll() is None, f"child ended early:\n{victim.communicate()[0][-3000:]}"
        assert time.monotonic() < deadline, "no checkpoint within the time limit"
        time.sleep(0.05)
    kill(victim)
    found = quiet_latest(run / "checkpoints")
    assert found is not None and read_checkpoint(found)[0]["step"] < CLI_STEPS
    assert not (run / "generator.keras").exists()  # killed before the end

    resumed = cli("train", "--resume", "--out", str(run))
    reference_run = tmp_path / "straight"
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    from ganlib.cli import main

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    before = set(tmp_path.rglob("*"))
    try:  # the uninterrupted run, in this process, while the child resumes
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["train", points, *CLI_RUN, "--out", str(reference_run)]) == 0
    finally:
        if not was_on:
            tf_config.disable_op_determinism()
    finish(resumed)
    written = set(tmp_path.rglob("*")) - before  # safety: nothing outside the two --out folders
    outside = [p for p in written if not {reference_run, run} & {p, *p.parents}]
    assert not outside, f"ganlib train wrote outside --out: {outside}"
    assert (reference_run / "generator.keras").is_file() and (run / "generator.keras").is_file()
    got, expected = cli_final_state(run), cli_final_state(reference_run)
    assert sorted(got) == sorted(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
