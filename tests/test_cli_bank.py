"""`ganlib sample/evaluate RUN --bank`: samples around the run's inverted training data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib.cli import main
from ganlib.cli._bank import BANK_FILE, CODE_MARGIN, fingerprint
from ganlib.cli._setup import load_data
from ganlib.cli.config import RunConfig
from ganlib.cli.sample import restore_trainer
from ganlib.models.mixture import angle_sector


@pytest.fixture
def run(tiny_infogan_run: Path) -> Path:
    """The shared 4-step InfoGAN run on 40 random digits (copied before any change)."""
    return tiny_infogan_run


def _sample(run: Path, tmp_path: Path, *extra: str) -> np.ndarray:
    npz = tmp_path / "s.npz"
    argv = ["sample", str(run), "--n", "30", "--seed", "3", "--out", str(tmp_path / "s.png")]
    assert main([*argv, "--npz", str(npz), "--bank", "--bank-steps", "3", *extra]) == 0
    with np.load(npz) as f:
        return f["samples"]


def test_the_first_bank_inverts_the_data_with_the_q_heads_codes(run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    _sample(folder, tmp_path)
    with np.load(folder / BANK_FILE) as f:
        latents, errors = f["latents"], f["errors"]
    assert latents.shape == (40, 74) and errors.shape == (40,)
    config = RunConfig.load(folder)
    trainer, _ = restore_trainer(folder, config)
    x = np.load(run.parent / "mnist.npz")["x_train"].astype("float32")[..., None] / 127.5 - 1
    codes = np.argmax(trainer.discriminator(x).numpy()[:, 1:11], axis=1)
    np.testing.assert_array_equal(latents[:, :10], np.eye(10)[codes] * CODE_MARGIN)


def test_samples_are_the_generator_around_the_stored_latents(run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    first = _sample(folder, tmp_path, "--bank-spread", "0.5")
    stamp = (folder / BANK_FILE).stat().st_mtime_ns
    again = _sample(folder, tmp_path, "--bank-spread", "0.5")  # reuses the file
    assert (folder / BANK_FILE).stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(first, again)
    g = keras.saving.load_model(folder / "generator.keras", compile=False)
    with np.load(folder / BANK_FILE) as f:
        latents = f["latents"]
    z = np.random.default_rng(3).standard_normal((30, 76)).astype("float32")
    index = angle_sector(z[:, 74:], 40).numpy()
    expected = g(latents[index] + 0.5 * z[:, :74]).numpy()
    np.testing.assert_allclose(first, expected, rtol=1e-4, atol=1e-5)


def test_evaluate_bank_writes_its_own_file(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    argv = ["evaluate", str(folder), "--n", "40", "--metrics", "fid", "--bank"]
    assert main([*argv, "--bank-steps", "2"]) == 0
    assert "around the latents of 40 training images" in capsys.readouterr().out
    saved = json.loads((folder / "metrics-bank.json").read_text())
    assert "fid" in json.dumps(saved) and not (folder / "metrics.json").exists()


def test_bank_with_mix_banks_every_run_on_its_own_data(run: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(run, first)
    shutil.copytree(run, second)
    g_b = keras.saving.load_model(second / "generator.keras", compile=False)
    made_for = fingerprint(g_b, load_data(RunConfig.load(second)).x)
    zeros = np.zeros((40, 74), "float32")
    np.savez(second / BANK_FILE, latents=zeros, fingerprint=np.array(made_for))  # b's own bank
    samples = _sample(first, tmp_path, "--mix", str(second), "--bank-spread", "0")
    assert (first / BANK_FILE).is_file()
    g = keras.saving.load_model(first / "generator.keras", compile=False)
    with np.load(first / BANK_FILE) as f:
        own = g(f["latents"]).numpy()
    zero = g(np.zeros((1, 74), "float32")).numpy()
    from_a = [np.abs(own - s).max(axis=(1, 2, 3)).min() < 1e-4 for s in samples]
    from_b = [np.abs(zero[0] - s).max() < 1e-4 for s in samples]
    assert all(a != b for a, b in zip(from_a, from_b, strict=True))  # each from one bank
    assert 0 < sum(from_b) < len(samples)


def test_a_damaged_bank_is_refused_and_kept(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    (folder / BANK_FILE).write_bytes(b"not a zip")
    png = str(tmp_path / "s.png")
    assert main(["sample", str(folder), "--out", png, "--bank"]) == 2
    assert "delete it" in capsys.readouterr().err
    assert (folder / BANK_FILE).read_bytes() == b"not a zip"
    np.savez(folder / BANK_FILE, latents=np.zeros((3, 74), "float32"), fingerprint="x")
    assert main(["sample", str(folder), "--out", png, "--bank"]) == 2
    assert "(3, 74), not (40, 74)" in capsys.readouterr().err


def test_a_bank_of_other_weights_is_refused(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    png = str(tmp_path / "s.png")
    _sample(folder, tmp_path)  # makes the bank
    g = keras.saving.load_model(folder / "generator.keras", compile=False)
    g.set_weights([w + 0.01 for w in g.get_weights()])  # the run trained on, say
    g.save(folder / "generator.keras")
    kept = (folder / BANK_FILE).read_bytes()
    assert main(["sample", str(folder), "--out", png, "--bank"]) == 2
    assert "other generator weights" in capsys.readouterr().err
    assert (folder / BANK_FILE).read_bytes() == kept


def test_bank_refuses_what_it_cannot_serve(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = str(tmp_path / "s.png")
    assert main(["sample", str(run), "--out", png, "--bank", "--interpolate", "3"]) == 2
    assert "not with --labels" in capsys.readouterr().err
    ring = tmp_path / "ring"
    argv = ["train", "ring", "--steps", "2", "--batch-size", "16", "--out", str(ring)]
    assert main(argv) == 0
    config = json.loads((ring / "config.json").read_text())  # as if trained with DRS
    (ring / "config.json").write_text(json.dumps({**config, "rejection": "drs"}))
    assert main(["sample", str(ring), "--out", png, "--bank"]) == 2
    assert "pass --rejection none with --bank" in capsys.readouterr().err
    assert main(["evaluate", str(ring), "--n", "50", "--bank"]) == 2
    assert "pass --rejection none with --bank" in capsys.readouterr().err
    assert not (run / BANK_FILE).exists()
