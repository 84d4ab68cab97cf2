"""`ganlib sample --temperature T` and `ganlib evaluate --temperature T`: latent noise x T."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib.cli import main


def _samples(run: Path, tmp_path: Path, *extra: str) -> np.ndarray:
    npz = tmp_path / "s.npz"
    argv = ["sample", str(run), "--n", "40", "--seed", "3", "--out", str(tmp_path / "s.png")]
    assert main([*argv, "--npz", str(npz), *extra]) == 0
    with np.load(npz) as f:
        return f["samples"]


def test_sample_scales_the_noise_of_its_seed(tiny_run: Path, tmp_path: Path) -> None:
    g = keras.saving.load_model(tiny_run / "generator.keras", compile=False)
    z = np.random.default_rng(3).standard_normal((40, *g.inputs[0].shape[1:])).astype("float32")
    hot = _samples(tiny_run, tmp_path, "--temperature", "2.5")
    np.testing.assert_allclose(hot, g(2.5 * z).numpy(), rtol=1e-5, atol=1e-6)
    plain = _samples(tiny_run, tmp_path)
    np.testing.assert_array_equal(plain, _samples(tiny_run, tmp_path, "--temperature", "1"))
    assert np.std(hot) > np.std(plain)  # a wider latent spreads this generator's samples


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf", "warm"])
def test_bad_temperatures_are_usage_errors(
    tiny_run: Path, tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sample", str(tiny_run), "--out", str(tmp_path / "s.png"), "--temperature", bad]
    assert main(argv) == 2
    assert "argument --temperature: must be a positive number" in capsys.readouterr().err
    assert not (tmp_path / "s.png").exists()


def test_evaluate_records_the_temperature_and_refuses_it_with_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "ring"
    assert main(["train", "ring", "--steps", "4", "--batch-size", "16", "--out", str(run)]) == 0
    capsys.readouterr()
    config = json.loads((run / "config.json").read_text())
    config["rejection"] = "drs"  # the ring's recipe (dropped for so short a run): DRS samples
    (run / "config.json").write_text(json.dumps(config))
    assert main(["evaluate", str(run), "--n", "200", "--temperature", "1.5"]) == 2
    assert "pass --rejection none with --temperature" in capsys.readouterr().err
    png = str(tmp_path / "s.png")
    assert main(["sample", str(run), "--out", png, "--temperature", "1.5"]) == 2
    assert "pass --rejection none with --temperature" in capsys.readouterr().err
    argv = ["evaluate", str(run), "--n", "200", "--rejection", "none"]
    assert main([*argv, "--temperature", "1.5"]) == 0
    saved = json.loads((run / "metrics.json").read_text())
    assert saved["sampler"] == "plain samples of the generator at temperature 1.5"
    assert main(argv) == 0
    assert json.loads((run / "metrics.json").read_text())["sampler"] == (
        "plain samples of the generator"
    )


def _with_temperature(run: Path, folder: Path, value: object) -> Path:
    """A copy of `run` whose config.json records `sample_temperature = value`."""
    copy = folder / "run"
    shutil.copytree(run, copy)
    config = json.loads((copy / "config.json").read_text())
    assert config["sample_temperature"] == 1.0  # a vector run: no recipe temperature
    config["sample_temperature"] = value
    (copy / "config.json").write_text(json.dumps(config))
    return copy


def test_the_run_temperature_is_the_default(tiny_run: Path, tmp_path: Path) -> None:
    run = _with_temperature(tiny_run, tmp_path, 2.5)
    g = keras.saving.load_model(run / "generator.keras", compile=False)
    z = np.random.default_rng(3).standard_normal((40, *g.inputs[0].shape[1:])).astype("float32")
    np.testing.assert_allclose(_samples(run, tmp_path), g(2.5 * z).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(  # --temperature overrides the run's
        _samples(run, tmp_path, "--temperature", "1"), _samples(tiny_run, tmp_path)
    )


def test_export_applies_the_run_temperature(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import tensorflow as tf

    run = _with_temperature(tiny_run, tmp_path, 0.5)
    assert main(["export", str(run), "--out", str(tmp_path / "served")]) == 0
    assert "latent temperature 0.5" in capsys.readouterr().out
    served = tf.saved_model.load(str(tmp_path / "served"))
    g = keras.saving.load_model(run / "generator.keras", compile=False)
    z = np.random.default_rng(0).standard_normal((5, *g.inputs[0].shape[1:])).astype("float32")
    out = next(iter(served.signatures["serving_default"](tf.constant(z)).values())).numpy()
    np.testing.assert_allclose(out, g(0.5 * z).numpy(), rtol=1e-5, atol=1e-6)
    metadata = json.loads((tmp_path / "served" / "ganlib.json").read_text())
    assert metadata["latent_temperature"] == 0.5


@pytest.mark.parametrize("bad", [0, -1.5, "warm", True])
def test_a_damaged_run_temperature_is_refused(
    tiny_run: Path, tmp_path: Path, bad: object, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _with_temperature(tiny_run, tmp_path, bad)
    assert main(["sample", str(run), "--out", str(tmp_path / "s.png")]) != 0
    assert "sample_temperature" in capsys.readouterr().err
    assert not (tmp_path / "s.png").exists()


def test_train_records_the_temperature_and_refuses_it_beside_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    np.save(tmp_path / "points.npy", np.random.default_rng(0).normal(size=(32, 2)))
    base = ["train", str(tmp_path / "points.npy"), "--steps", "2", "--batch-size", "16"]
    run = tmp_path / "run"
    assert main([*base, "--sample-temperature", "1.5", "--out", str(run)]) == 0
    assert json.loads((run / "config.json").read_text())["sample_temperature"] == 1.5
    argv = [*base, "--sample-temperature", "1.5", "--rejection", "drs"]
    assert main([*argv, "--out", str(tmp_path / "r")]) == 2
    assert "pass --rejection none with --sample-temperature" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
