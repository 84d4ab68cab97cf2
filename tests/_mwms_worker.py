"""Subprocess entry point of tests/test_distribute.py (not a test module).

Runs in a fresh interpreter so that `TF_CONFIG` is read before TensorFlow initialises its
runtime, without disturbing the other tests' process (`two_devices` is run by
tests/_two_devices.py).

    TF_CONFIG=... python tests/_mwms_worker.py OUT_DIR
        One worker of a `MultiWorkerMirroredStrategy` cluster. Trains the tiny GAN with
        `SampleGrid` and `GANCheckpoint` writing under OUT_DIR/files, then writes its final
        weights to OUT_DIR/weights.npz.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

LATENT = 4
CLASSES = 3
GLOBAL_BATCH = 16
SAMPLES = 41  # 3 steps: 16, 16, then 9 (split 5 + 4: an uneven last batch)
SEED = 0


def make_trainer() -> Any:
    """Tiny conditional MLP GAN on 2-D points; no BatchNorm (its statistics are per replica)."""
    import keras

    from ganlib import GANTrainer, models

    keras.utils.set_random_seed(SEED)
    g = models.MLPGenerator(
        latent_dim=LATENT,
        output_shape=(2,),
        hidden_units=(16,),
        batch_norm=False,
        output_activation=None,
        num_classes=CLASSES,
    ).build()
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(16,), num_classes=CLASSES).build()
    trainer = GANTrainer(g, d, seed=SEED + 1)
    trainer.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    return trainer


def points() -> tuple[np.ndarray, np.ndarray]:
    """`SAMPLES` points of the 8-Gaussian ring and their labels, always the same."""
    from ganlib import data

    return data.ring(SAMPLES, seed=SEED), np.arange(SAMPLES, dtype="int32") % CLASSES


def train(strategy: tf.distribute.Strategy, callbacks: list[Any] | None = None) -> Any:
    with strategy.scope():
        trainer = make_trainer()
        if callbacks:
            callbacks = [factory() for factory in callbacks]
    x, y = points()
    history = trainer.fit(
        x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0, callbacks=callbacks
    )
    return trainer, history.history


def arrays(prefix: str, trainer: Any, logs: dict[str, list[float]]) -> dict[str, np.ndarray]:
    out = {}
    for group in ("generator", "discriminator"):
        for i, w in enumerate(getattr(trainer, group).get_weights()):
            out[f"{prefix}/{group}/{i}"] = np.asarray(w)
    for name, values in logs.items():
        out[f"{prefix}/log/{name}"] = np.asarray(values)
    out[f"{prefix}/step"] = np.asarray(int(trainer.step_counter.numpy()))
    return out


def two_devices(mirrored: tf.distribute.Strategy) -> dict[str, np.ndarray]:
    """For tests/_two_devices.py: the tiny GAN on one device, then under `mirrored` (two
    replicas), with the same global batches: the initial weights (`initial/...`) and both
    runs' final weights and logs (`single/...`, `mirrored/...`)."""
    single = train(tf.distribute.OneDeviceStrategy("/cpu:0"))
    initial = arrays("initial", make_trainer(), {})  # where both runs start
    multi = train(mirrored)
    return {**initial, **arrays("single", *single), **arrays("mirrored", *multi)}


def worker(out_dir: Path) -> None:
    from ganlib import callbacks

    task = json.loads(os.environ["TF_CONFIG"])["task"]
    options = tf.distribute.experimental.CommunicationOptions(
        implementation=tf.distribute.experimental.CommunicationImplementation.RING,
        timeout_seconds=100.0,
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    assert strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync
    files = out_dir / "files"
    trainer, logs = train(
        strategy,
        callbacks=[
            lambda: callbacks.SampleGrid(files / "samples", n=4),
            lambda: callbacks.GANCheckpoint(files / "checkpoints"),
        ],
    )
    result = arrays("worker", trainer, logs)
    result["task_index"] = np.asarray(task["index"])
    np.savez(out_dir / "weights.npz", **result)


if __name__ == "__main__":
    worker(Path(sys.argv[1]))
