"""`ganlib` command line: bad arguments and bad data give exit code 2 and one line on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ganlib.cli import main
from ganlib.cli.config import RunConfig


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fake_run(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    from ganlib import models

    RunConfig(
        dataset="ring",
        kind="ring",
        steps=3,
        data_shape=[2],
        num_examples=50_000,
        steps_per_epoch=3,
        total_steps=3,
        generator=models.serialize(models.MLPGenerator(100, (2,))),
        discriminator=models.serialize(models.MLPDiscriminator((2,))),
    ).save(folder)
    return folder


BAD = [
    (["train", "no-such-dataset"], "unknown dataset 'no-such-dataset'"),
    (["train", "ring", "--steps", "-5"], "--steps: must be a positive integer, got -5"),
    (["train", "ring", "--steps", "0"], "--steps: must be a positive integer, got 0"),
    (
        ["train", "ring", "--steps", str(10**23)],
        "--steps: must be a positive integer <= 2147483647",
    ),
    (["train", "ring", "--epochs", "x"], "--epochs: must be a positive integer"),
    (["train", "ring", "--epochs", "1", "--steps", "1"], "not allowed with argument"),
    (["train", "ring", "--loss", "bogus"], "--loss: unknown value 'bogus'"),
    (["train", "ring", "--preset", "adam"], "--preset: unknown value 'adam'"),
    (["train", "ring", "--arch", "resnet"], "--arch: unknown value 'resnet'"),
    (["train", "ring", "--seed", "-1"], "--seed: must be an integer in [0, 2**31)"),
    (["train", "ring", "--lr", "0"], "--lr: must be a positive number"),
    (["train", "ring", "--data", "somewhere"], "--data is for mnist and fashion-mnist only"),
    (["train"], "DATASET is required"),
    (["train", "--resume"], "--resume needs --out"),
    (["demo", "--steps", "-1"], "--steps: must be a positive integer"),
    (["evaluate", "run", "--metrics", "fid,xyz"], "unknown metric(s) xyz"),
    (["sample", "run", "--n", "0"], "--n: must be a positive integer"),
    (["sample", "run", "--labels", "a,b"], "--labels: must be integers"),
    (["bogus"], "invalid choice: 'bogus'"),
    ([], "the following arguments are required: COMMAND"),
]


@pytest.mark.parametrize(("argv", "expected"), BAD, ids=[" ".join(a) or "-" for a, _ in BAD])
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], expected: str
) -> None:
    if argv[:2] == ["train", "ring"] and "--out" not in argv:
        argv = [*argv, "--out", str(tmp_path / "out")]
    code, out, err = _run(capsys, argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("ganlib"), err
    assert expected in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_folder_names_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "no" / "images"
    code, _, err = _run(capsys, ["train", f"{missing}/"])
    assert code == 2 and f"dataset folder or file not found: {missing}/" in err


def test_missing_npz_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, ["train", str(tmp_path / "data.npz")])
    assert code == 2 and "data file not found" in err


def test_unsupported_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("1,2\n")
    code, _, err = _run(capsys, ["train", str(tmp_path / "data.csv")])
    assert code == 2 and "unsupported data file" in err


def test_missing_mnist_lists_paths_tried(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    nowhere = tmp_path / "nowhere"
    code, _, err = _run(capsys, ["train", "mnist", "--data", str(nowhere), "--out", str(tmp_path)])
    assert code == 2 and err.count("\n") == 1
    assert "MNIST" in err and str(nowhere) in err and "--data PATH" in err


def test_nan_array_is_bad_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    x = np.zeros((8, 2), "float32")
    x[3, 1] = np.nan
    np.save(tmp_path / "x.npy", x)
    code, _, err = _run(capsys, ["train", str(tmp_path / "x.npy"), "--out", str(tmp_path / "o")])
    assert code == 2 and "NaN" in err and err.count("\n") == 1


def test_npz_without_samples(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    np.savez(tmp_path / "d.npz", weights=np.zeros(3))
    code, _, err = _run(capsys, ["train", str(tmp_path / "d.npz"), "--out", str(tmp_path / "o")])
    assert code == 2 and "holds no samples" in err and "found: weights" in err


def test_dcgan_on_points_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["train", "ring", "--arch", "dcgan", "--out", str(tmp_path / "o")]
    code, _, err = _run(capsys, argv)
    assert code == 2 and "--arch dcgan needs images" in err


def test_out_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    code, _, err = _run(capsys, ["train", "ring", "--out", str(tmp_path / "f")])
    assert code == 2 and "--out must be a folder" in err


def test_existing_run_needs_resume(capsys: pytest.CaptureFixture[str], fake_run: Path) -> None:
    code, _, err = _run(capsys, ["train", "ring", "--out", str(fake_run)])
    assert code == 2 and "already holds a run: add --resume" in err


def test_resume_without_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, ["train", "--resume", "--out", str(tmp_path)])
    assert code == 2 and "config.json not found" in err


def test_resume_conflict_says_what_differs(
    capsys: pytest.CaptureFixture[str], fake_run: Path
) -> None:
    argv = ["train", "grid", "--resume", "--out", str(fake_run), "--latent-dim", "7", "--ema"]
    code, _, err = _run(capsys, argv)
    assert code == 2
    assert "DATASET: the run has ring, the command line grid" in err
    assert "--latent-dim: the run has 100, the command line 7" in err
    assert "--ema: the run has off, the command line on" in err


def test_tampered_config_is_refused(capsys: pytest.CaptureFixture[str], fake_run: Path) -> None:
    values = json.loads((fake_run / "config.json").read_text())
    values["batch_size"] = "many"
    (fake_run / "config.json").write_text(json.dumps(values))
    code, _, err = _run(capsys, ["train", "--resume", "--out", str(fake_run)])
    assert code == 2 and "`batch_size` has the wrong type" in err


def test_sample_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, fake_run: Path) -> None:
    code, _, err = _run(capsys, ["sample", str(tmp_path / "nope")])
    assert code == 2 and "run folder not found" in err
    code, _, err = _run(capsys, ["sample", str(fake_run), "--out", "grid.jpg"])
    assert code == 2 and "--out must name a .png file" in err
    code, _, err = _run(capsys, ["sample", str(fake_run), "--out", str(tmp_path / "g.png")])
    assert code == 2 and "no generator.keras and no complete checkpoint" in err
    code, _, err = _run(capsys, ["evaluate", str(tmp_path)])
    assert code == 2 and "neither generator.keras nor config.json" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["train", "--help"], ["sample", "-h"], ["evaluate", "--help"]):
        code, out, _ = _run(capsys, argv)
        assert code == 0 and out.startswith("usage: ganlib")
    code, out, _ = _run(capsys, ["--version"])
    assert code == 0 and out.startswith("ganlib ")


def test_unexpected_errors_keep_their_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import ganlib.cli.demo

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(ganlib.cli.demo, "run_demo", broken)
    with pytest.raises(RuntimeError, match="boom"):
        main(["demo"])


def test_subprocess_error_is_exactly_one_line(tmp_path: Path) -> None:
    """The real process: TensorFlow's start-up lines must not reach stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("GANLIB_TF_LOGS",)}
    argv = ["train", "mnist", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]
    done = subprocess.run(
        [sys.executable, "-m", "ganlib.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("ganlib train: error: MNIST")
