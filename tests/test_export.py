"""`ganlib.export` and `ganlib export`: SavedModels served where ganlib is never imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from _helpers import conditional_trainer
from ganlib.cli import main
from ganlib.export import MAX_SAMPLES, export_generator, export_trainer

# Runs in a fresh interpreter: ganlib is made unimportable first, and must stay out of
# sys.modules after the SavedModel is loaded and called.
_SERVE = """
import json, sys
sys.modules["ganlib"] = None  # any attempt to import ganlib now fails
import numpy as np
import tensorflow as tf

folder, inputs, outputs = sys.argv[1:4]
given = np.load(inputs)
served = tf.saved_model.load(folder)
args = {"z": tf.constant(given["z"])}
if "labels" in given:
    args["labels"] = tf.constant(given["labels"])
images = served.signatures["serving_default"](**args)["images"].numpy()
extra = {"labels": tf.constant([2, 0], tf.int32)} if "labels" in given else {}
draw = served.signatures["sample"]
first = draw(n=tf.constant(5), seed=tf.constant(7, tf.int64), **extra)
again = draw(n=tf.constant(5), seed=tf.constant(7, tf.int64), **extra)
np.savez(outputs, images=images, sample=first["images"].numpy(), again=again["images"].numpy(),
         sample_labels=first["labels"].numpy() if extra else np.zeros(0))
loaded = sorted(m for m in sys.modules if m == "ganlib" or m.startswith("ganlib."))
print(json.dumps({"ganlib_modules": [m for m in loaded if sys.modules[m] is not None]}))
"""


def _serve_elsewhere(folder: Path, tmp: Path, **inputs: np.ndarray) -> dict[str, np.ndarray]:
    np.savez(tmp / "in.npz", **inputs)  # type: ignore[arg-type]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", _SERVE, str(folder), str(tmp / "in.npz"), str(tmp / "out.npz")],
        cwd=tmp,
        env={**env, "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ganlib_modules"] == []
    return dict(np.load(tmp / "out.npz"))


@pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")
def test_conditional_export_serves_ema_weights_without_ganlib(tmp_path: Path) -> None:
    trainer = conditional_trainer()
    for ema in trainer.create_ema_weights():  # EMA weights that differ from the raw ones
        ema.assign(ema.numpy() * 0.5 + 0.1)
    raw = [w.numpy() for w in trainer.generator.weights]
    folder = export_trainer(trainer, tmp_path / "model", tflite=True)
    for before, after in zip(raw, trainer.generator.weights, strict=True):
        np.testing.assert_array_equal(before, after.numpy())  # swapped back
    z = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    labels = np.array([0, 1, 2, 2, 1, 0], "int32")
    with trainer.ema_swapped():
        expected = trainer.generator([z, labels], training=False).numpy()
    not_ema = trainer.generator([z, labels], training=False).numpy()
    assert np.abs(expected - not_ema).max() > 1e-3
    served = _serve_elsewhere(folder, tmp_path, z=z, labels=labels)
    np.testing.assert_allclose(served["images"], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(served["sample"], served["again"])  # same seed, same samples
    assert served["sample"].shape == (5, 3, 2, 1)
    assert served["sample_labels"].tolist() == [2, 0, 2, 0, 2]
    metadata = json.loads((folder / "ganlib.json").read_text())
    assert metadata["ema"] is True and metadata["num_classes"] == 3
    assert metadata["latent_shape"] == [4] and metadata["output_shape"] == [3, 2, 1]
    # The TFLite flatbuffer, run by the interpreter that ships with TensorFlow.
    interpreter = tf.lite.Interpreter(model_path=str(folder / "generator.tflite"))
    runner = interpreter.get_signature_runner("serving_default")
    lite = runner(z=z, labels=labels)["images"]
    np.testing.assert_allclose(lite, expected, rtol=1e-4, atol=1e-5)


def test_unconditional_signatures_and_their_checks(tmp_path: Path) -> None:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5), keras.layers.Dense(2)])
    folder = export_generator(g, tmp_path / "m")
    served = tf.saved_model.load(str(folder))
    z = np.ones((4, 3), "float32")
    np.testing.assert_allclose(
        served.signatures["serving_default"](z=tf.constant(z))["images"], g(z), rtol=1e-6
    )
    out = served.signatures["sample"](n=tf.constant(3), seed=tf.constant(1, tf.int64))
    np.testing.assert_allclose(out["images"], g(out["z"]), rtol=1e-5, atol=1e-6)
    other = served.signatures["sample"](n=tf.constant(3), seed=tf.constant(2, tf.int64))
    assert not np.allclose(out["z"], other["z"])
    for n in (0, MAX_SAMPLES + 1):
        with pytest.raises(tf.errors.InvalidArgumentError, match="n must be"):
            served.signatures["sample"](n=tf.constant(n), seed=tf.constant(1, tf.int64))
    metadata = json.loads((folder / "ganlib.json").read_text())
    assert metadata["ema"] is False and metadata["latent_temperature"] == 1.0


def test_a_temperature_is_baked_in_and_recorded(tmp_path: Path) -> None:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5), keras.layers.Dense(2)])
    folder = export_generator(g, tmp_path / "m", temperature=2.0)
    served = tf.saved_model.load(str(folder))
    z = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    images = served.signatures["serving_default"](z=tf.constant(z))["images"]
    np.testing.assert_allclose(images, g(2.0 * z), rtol=1e-5, atol=1e-6)
    out = served.signatures["sample"](n=tf.constant(3), seed=tf.constant(1, tf.int64))
    np.testing.assert_allclose(out["images"], g(2.0 * out["z"]), rtol=1e-5, atol=1e-6)
    assert json.loads((folder / "ganlib.json").read_text())["latent_temperature"] == 2.0


def test_bad_arguments_are_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="already exists"):
        export_generator(g, tmp_path / "full")
    assert (tmp_path / "full" / "x").read_text() == "keep me"
    with pytest.raises(TypeError, match=r"keras\.Model"):
        export_generator("g", tmp_path / "a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_classes"):
        export_generator(conditional_trainer().generator, tmp_path / "b")
    with pytest.raises(ValueError, match="only for conditional"):
        export_generator(g, tmp_path / "c", num_classes=3)
    with pytest.raises(ValueError, match="temperature"):
        export_generator(g, tmp_path / "d", temperature=0.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


@pytest.mark.slow
def test_ganlib_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    argv = ["train", "ring", "--steps", "3", "--batch-size", "32", "--ema", "--out", str(run)]
    assert main(argv) == 0
    assert main(["export", str(run), "--out", str(tmp_path / "served")]) == 0
    assert "(EMA weights)" in capsys.readouterr().out
    generator = keras.saving.load_model(run / "generator.keras", safe_mode=True)
    latent = generator.inputs[0].shape[-1]
    z = np.random.default_rng(1).normal(size=(8, latent)).astype("float32")
    served = _serve_elsewhere(tmp_path / "served", tmp_path, z=z)
    np.testing.assert_allclose(served["images"], generator(z), rtol=1e-5, atol=1e-6)
    assert main(["export", str(run), "--out", str(tmp_path / "served")]) == 2
    assert "already exists" in capsys.readouterr().err
