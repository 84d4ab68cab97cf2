"""`ganlib train --resume` never loses a run; a new run refuses risky `--out` folders (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from _badinput import fails_cleanly
from ganlib.cli import main


@pytest.fixture
def finished_run(tiny_run: Path) -> Path:
    return tiny_run


@pytest.fixture
def run(finished_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy


def _damage(path: Path) -> None:
    with open(path, "ab") as f:
        f.write(b"x")


def _resume(run: Path, steps: int = 6) -> list[str]:
    return ["train", "--resume", "--out", str(run), "--steps", str(steps)]


def test_every_checkpoint_broken_refuses(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproduction: a damaged checkpoint used to restart from step 0."""
    for ckpt in (run / "checkpoints").iterdir():
        _damage(ckpt / "state.npz")
    message = fails_cleanly(_resume(run), capsys, watch=run.parent, expect="none of the 2")
    assert "left unchanged" in message and "another --out" in message


def test_only_checkpoint_broken_refuses(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(run / "checkpoints" / "ckpt-000000002")
    (run / "checkpoints" / "ckpt-000000004" / "manifest.json").write_text("{")
    fails_cleanly(_resume(run), capsys, watch=run.parent, expect="manifest.json")


def test_generator_without_checkpoints_refuses(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(run / "checkpoints")
    message = fails_cleanly(_resume(run), capsys, watch=run.parent, expect="generator.keras")
    assert "ganlib sample" in message


def test_empty_checkpoint_folder_with_generator_refuses(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for ckpt in (run / "checkpoints").iterdir():
        shutil.rmtree(ckpt)
    fails_cleanly(_resume(run), capsys, watch=run.parent, expect="no checkpoint")


def test_logged_epochs_without_checkpoint_refuses(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(run / "checkpoints")
    (run / "generator.keras").unlink()
    fails_cleanly(_resume(run), capsys, watch=run.parent, expect="2 logged epoch(s)")


def test_nothing_to_do_also_refuses_a_broken_run(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even with no step left to train, the state is verified (no silent success)."""
    for ckpt in (run / "checkpoints").iterdir():
        _damage(ckpt / "state.npz")
    fails_cleanly(_resume(run, steps=4), capsys, watch=run.parent, expect="none of the 2")


@pytest.mark.parametrize(
    ("name", "make", "expect"),
    [
        ("checkpoints", lambda p: p.write_text("x"), "must be a folder"),
        ("samples", lambda p: p.write_text("x"), "must be a folder"),
        ("generator.keras", lambda p: p.mkdir(), "must be a file"),
        ("metrics.csv", lambda p: p.mkdir(), "must be a file"),
        ("checkpoints", lambda p: p.symlink_to(p.parent / "gone"), "broken symbolic link"),
    ],
)
def test_run_folder_entries_of_the_wrong_kind_refuse(
    run: Path, capsys: pytest.CaptureFixture[str], name: str, make: object, expect: str
) -> None:
    target = run / name
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    make(target)  # type: ignore[operator]
    fails_cleanly(_resume(run), capsys, watch=run.parent, expect=expect)


@pytest.mark.slow
def test_newest_broken_falls_back_to_a_verified_one(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older checkpoint that verifies is a verified state: resume from it, with a warning."""
    _damage(run / "checkpoints" / "ckpt-000000004" / "state.npz")
    assert main(_resume(run, steps=6)) == 0
    captured = capsys.readouterr()
    assert "continuing from ckpt-000000002" in captured.err
    assert "6 steps (4 now" in captured.out
    from ganlib.checkpoint import read_checkpoint

    for step in (4, 6):  # the broken step-4 checkpoint was rewritten by the resumed run
        read_checkpoint(run / "checkpoints" / f"ckpt-{step:09d}")


# --- a new run refuses a risky --out ----------------------------------------------------


def _image_folder(root: Path) -> Path:
    import tensorflow as tf

    folder = root / "images"
    folder.mkdir()
    for i in range(2):
        pixels = tf.io.encode_png(np.full((8, 8, 3), 40 * i, np.uint8))
        (folder / f"{i}.png").write_bytes(pixels.numpy())
    return folder


@pytest.mark.parametrize("out", ["", " ", "\t"])
def test_empty_out_refused(out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails_cleanly(["train", "ring", "--out", out], capsys, watch=tmp_path, expect="--out")
    fails_cleanly(
        ["train", "--resume", "--out", out], capsys, watch=tmp_path, expect="--out must name"
    )


def test_out_inside_the_dataset_folder_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = _image_folder(tmp_path)
    for out in (images, images / "run", images / "a" / "b"):
        fails_cleanly(
            ["train", str(images), "--out", str(out)], capsys, watch=tmp_path, expect="inside the"
        )
    fails_cleanly(
        ["train", str(images), "--out", str(tmp_path)], capsys, watch=tmp_path, expect="--out"
    )


def test_out_inside_another_runs_checkpoints_refused(
    finished_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoints = finished_run / "checkpoints"
    for out in (
        checkpoints,
        checkpoints / "new",
        checkpoints / "ckpt-000000099",
        checkpoints / "ckpt-000000002" / "x",
        tmp_path / "lib" / "ckpt-000000007",
    ):
        fails_cleanly(
            ["train", "ring", "--out", str(out)], capsys, watch=finished_run, expect="checkpoint"
        )


def test_out_over_an_earlier_runs_files_refused(
    finished_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kept in ("generator.keras", "metrics.csv", "checkpoints"):
        out = tmp_path / kept.replace(".", "_")
        shutil.copytree(finished_run, out)
        for name in ("config.json", "generator.keras", "metrics.csv", "checkpoints"):
            if name != kept:
                path = out / name
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        fails_cleanly(
            ["train", "ring", "--out", str(out)], capsys, watch=tmp_path, expect="earlier run"
        )


@pytest.mark.slow
def test_huge_range_vectors_train_and_resume_to_completion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 item 2 end to end: the per-epoch plot no longer breaks a wide-range run
    (spans of 3e7 used 575 MB, larger ones ended the run with a numpy error)."""
    points = np.random.default_rng(0).normal(size=(32, 2)).astype("float32") * 1e12
    np.save(tmp_path / "wide.npy", points)
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "wide.npy"), "--steps", "2", "--batch-size", "16"]
    assert main([*argv, "--out", str(run)]) == 0
    assert main(["train", "--resume", "--out", str(run), "--steps", "4"]) == 0
    assert "4 steps (2 now" in capsys.readouterr().out
    assert sorted(p.name for p in (run / "samples").iterdir())[-1] == "samples_epoch_0002.png"
