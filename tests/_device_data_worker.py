"""Subprocess entry point of tests/test_device_data.py (not a test module).

python tests/_device_data_worker.py OUT.npz
    With 2 logical CPU devices: trains a tiny conditional GAN from a shuffled
    `DeviceData` on one device, then under `MirroredStrategy` over both with the same
    global batch, and writes both runs' final weights (`single/...`, `mirrored/...`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

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


def main(out: str) -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    single = train(tf.distribute.OneDeviceStrategy("/cpu:0"))
    mirrored = train(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    arrays = {}
    for prefix, trainer in (("single", single), ("mirrored", mirrored)):
        for net in ("generator", "discriminator"):
            for i, w in enumerate(getattr(trainer, net).weights):
                arrays[f"{prefix}/{net}/{i}"] = np.array(w.numpy())
        arrays[f"{prefix}/position"] = np.array(trainer.data_position.numpy())
    np.savez(out, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
