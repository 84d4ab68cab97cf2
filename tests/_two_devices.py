"""Subprocess entry point of tests/test_two_devices.py (not a test module).

    python tests/_two_devices.py OUT.npz

Logical CPU devices must be configured before TensorFlow initialises, hence a fresh
interpreter; one interpreter serves every two-replica comparison (each costs TensorFlow's
import otherwise). With 2 logical CPU devices, runs each part's `two_devices(strategy)` with
a `MirroredStrategy` over both and writes its arrays under `{part}/...`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

import _device_data_worker
import _mwms_worker
import _pack_worker
import _translation_worker

PARTS = {
    "gan": _mwms_worker.two_devices,
    "device_data": _device_data_worker.two_devices,
    "pack": _pack_worker.two_devices,
    "translation": _translation_worker.two_devices,
}


def main(out: Path) -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert mirrored.num_replicas_in_sync == 2
    results = {}
    for part, run in PARTS.items():
        results.update({f"{part}/{k}": v for k, v in run(mirrored).items()})
    np.savez(out, **results)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
