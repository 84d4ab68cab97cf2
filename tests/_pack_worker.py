"""The packing part of tests/_two_devices.py (not a test module).

`two_devices(mirrored)` trains a packed (pack=2) GAN with an R1 penalty for 3 steps on one
device, then under `mirrored` (two replicas) with the same global batches, and returns the
final weights and logs of both runs (`single/...`, `mirrored/...`).
"""

from __future__ import annotations

from typing import Any

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


def two_devices(mirrored: tf.distribute.Strategy) -> dict[str, np.ndarray]:
    result = {f"single/{k}": v for k, v in train(tf.distribute.OneDeviceStrategy("/cpu:0")).items()}
    result.update({f"mirrored/{k}": v for k, v in train(mirrored).items()})
    return result
