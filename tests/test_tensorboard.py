"""`TensorBoardSamples` and `ganlib train --tensorboard`, checked by reading the event files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses
from ganlib.callbacks import MetricMonitor, TensorBoardSamples, image_grid
from ganlib.cli import main
from ganlib.trainer import GANTrainer

ROOT = Path(__file__).resolve().parents[1]


def point_trainer() -> GANTrainer:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return trainer


def image_trainer(classes: int | None = None) -> GANTrainer:
    """A generator of 6x5x1 images from 3 latent values (+ a label embedding)."""
    z = keras.Input((3,))
    label = keras.Input((), dtype="int32")
    h = (
        z
        if not classes
        else keras.layers.Concatenate()([z, keras.layers.Embedding(classes, 2)(label)])
    )
    out = keras.layers.Reshape((6, 5, 1))(keras.layers.Dense(30, activation="tanh")(h))
    g = keras.Model([z, label] if classes else z, out)
    x = keras.Input((6, 5, 1))
    feat = keras.layers.Flatten()(x)
    if classes:
        feat = keras.layers.Concatenate()([feat, keras.layers.Embedding(classes, 2)(label)])
    d = keras.Model([x, label] if classes else x, keras.layers.Dense(1)(feat))
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return trainer


def points(n: int = 64) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


def _events(folder: Path) -> dict[str, list[tuple[int, Any]]]:
    """{tag: [(step, value)]} from every event file in `folder` (images as decoded arrays)."""
    found: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                array = tf.make_ndarray(value.tensor)
                if value.metadata.plugin_data.plugin_name == "images":
                    width, height = int(array[0]), int(array[1])
                    image = tf.io.decode_png(array[2]).numpy()
                    assert image.shape[:2] == (height, width)
                    found[value.tag].append((event.step, image))
                else:
                    found[value.tag].append((event.step, float(array)))
    return found


def test_samples_and_monitor_scalars_sit_beside_keras_tensorboard_logs(tmp_path: Path) -> None:
    trainer = image_trainer()
    monitor = MetricMonitor(lambda g: {"spread": float(np.std(g(np.ones((4, 3)))))})
    log_dir = tmp_path / "tb"
    callbacks = [
        keras.callbacks.TensorBoard(str(log_dir), write_graph=False),
        monitor,
        TensorBoardSamples(log_dir, n=6, seed=1, monitors=[monitor]),
    ]
    trainer.fit(
        np.zeros((16, 6, 5, 1), "f4"), batch_size=8, epochs=2, callbacks=callbacks, verbose=0
    )
    events = _events(log_dir / "train")
    assert [step for step, _ in events["epoch_d_loss"]] == [0, 1]  # Keras's own scalars
    assert [step for step, _ in events["samples"]] == [0, 1]
    expected = image_grid(trainer.sample(6, seed=1))
    np.testing.assert_array_equal(events["samples"][-1][1], expected)  # same call, same pixels
    logged = [value for _, value in events["metrics/spread"]]
    np.testing.assert_allclose(logged, [h["spread"] for h in monitor.history], rtol=1e-6)


def test_two_dimensional_samples_become_a_scatter_image(tmp_path: Path) -> None:
    trainer = point_trainer()
    board = TensorBoardSamples(tmp_path, n=100, reference=points(), every_epochs=2)
    trainer.fit(points(), batch_size=32, epochs=2, callbacks=[board], verbose=0)
    events = _events(tmp_path / "train")
    assert [step for step, _ in events["samples"]] == [1]  # every second epoch only
    image = events["samples"][0][1]
    assert image.shape == (480, 480, 3) and len(np.unique(image.reshape(-1, 3), axis=0)) > 10


def test_conditional_grid_has_one_row_per_class(tmp_path: Path) -> None:
    trainer = image_trainer(classes=3)
    board = TensorBoardSamples(tmp_path, n=6)
    board.set_model(trainer)
    board.write(0)
    ((_, image),) = _events(tmp_path / "train")["samples"]
    assert image.shape == (3 * 7 - 1, 2 * 6 - 1, 1)


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="every_epochs"):
        TensorBoardSamples("x", every_epochs=0)
    with pytest.raises(ValueError, match="n=0"):
        TensorBoardSamples("x", n=0)
    with pytest.raises(TypeError, match="monitors"):
        TensorBoardSamples("x", monitors=["fid"])  # type: ignore[list-item]


def test_tensorboard_package_is_not_needed_for_the_callback(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['tensorboard'] = None\n"
        "import keras\n"
        "from ganlib import GANTrainer\n"
        "from ganlib.callbacks import TensorBoardSamples\n"
        "L = keras.layers\n"
        "g = keras.Sequential([keras.Input((3,)), L.Dense(4), L.Reshape((2, 2))])\n"
        "d = keras.Sequential([keras.Input((2, 2)), L.Flatten(), L.Dense(1)])\n"
        "board = TensorBoardSamples(sys.argv[1], n=4)\n"
        "board.set_model(GANTrainer(g, d))\n"
        "board.write(0)\n"
        "from ganlib.cli import main\n"
        "sys.exit(main(['train', 'ring', '--tensorboard', '--out', sys.argv[1] + '/run']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert "--tensorboard needs the tensorboard package" in result.stderr
    assert not (tmp_path / "run").exists()  # refused before anything is written
    assert len(_events(tmp_path / "train")["samples"]) == 1


@pytest.mark.slow
def test_ganlib_train_tensorboard(tmp_path: Path) -> None:
    run = tmp_path / "run"
    argv = ["train", "ring", "--steps", "6", "--batch-size", "64", "--tensorboard"]
    assert main([*argv, "--out", str(run)]) == 0
    events = _events(run / "tensorboard" / "train")
    assert {"epoch_d_loss", "epoch_g_loss", "samples", "metrics/modes"} <= set(events)
    assert events["samples"][0][1].shape == (480, 480, 3)
    modes = events["metrics/modes"][0][1]
    assert modes == int(modes) and 0 <= modes <= 8
    header = (run / "metrics.csv").read_text().splitlines()[0]
    assert "modes" not in header  # metrics.csv keeps its columns with or without --tensorboard
