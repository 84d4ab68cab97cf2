"""The `DeviceData` part of tests/_two_devices.py (not a test module).

`two_devices(mirrored)` trains a tiny conditional GAN from a shuffled `DeviceData` on one
device, then under `mirrored` (two replicas) with the same global batch, and returns both
runs' final weights and data positions (`single/...`, `mirrored/...`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

import _mwms_worker


def train(strategy: tf.distribute.Strategy) -> Any:
    from ganlib import data

    with strategy.scope():
        trainer = _mwms_worker.make_trainer()
    x, y = _mwms_worker.points()
    source = data.DeviceData(x, y, batch_size=_mwms_worker.GLOBAL_BATCH, seed=3)
    trainer.fit(source, epochs=2, verbose=0)  # 2 epochs of 2 steps: a reshuffle in between
    return trainer


def two_devices(mirrored: tf.distribute.Strategy) -> dict[str, np.ndarray]:
    single = train(tf.distribute.OneDeviceStrategy("/cpu:0"))
    arrays = {}
    for prefix, trainer in (("single", single), ("mirrored", train(mirrored))):
        for net in ("generator", "discriminator"):
            for i, w in enumerate(getattr(trainer, net).weights):
                arrays[f"{prefix}/{net}/{i}"] = np.array(w.numpy())
        arrays[f"{prefix}/position"] = np.array(trainer.data_position.numpy())
    return arrays
