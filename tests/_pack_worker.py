"""Subprocess entry point of tests/test_trainer_quality.py (not a test module).

    python tests/_pack_worker.py OUT.npz

Trains a packed (pack=2) GAN with an R1 penalty for 3 steps on one device, then under
`MirroredStrategy` over 2 logical CPU devices with the same global batches, and writes the
final weights and logs of both runs (`single/...`, `mirrored/...`). Logical devices must be set
before TensorFlow initialises, hence a fresh interpreter.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf


def train(strategy: tf.distribute.Strategy) -> dict[str, np.ndarray]:
    import keras

    from ganlib import GANTrainer, data, losses, models

    with strategy.scope():
        keras.utils.set_random_seed(0)
        g = models.MLPGenerator(
            latent_dim=4,
            output_shape=(2,),
            hidden_units=(16,),
            batch_norm=False,
            output_activation=None,
        ).build()
        d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(16,), pack=2).build()
        trainer: Any = GANTrainer(g, d, pack=2, penalties=[losses.R1Penalty(1.0)], seed=1)
        trainer.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    x = data.ring(40, seed=0)  # 3 steps: 16, 16, then 8 (4 + 4: two packs per replica)
    logs = trainer.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    out = {f"w/{i}": np.asarray(w) for i, w in enumerate(trainer.get_weights())}
    out.update({f"log/{k}": np.asarray(v) for k, v in logs.items()})
    return out


if __name__ == "__main__":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    single = train(tf.distribute.OneDeviceStrategy("/cpu:0"))
    mirrored = train(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    result = {f"single/{k}": v for k, v in single.items()}
    result.update({f"mirrored/{k}": v for k, v in mirrored.items()})
    np.savez(Path(sys.argv[1]), **result)
