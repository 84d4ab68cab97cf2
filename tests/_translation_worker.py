"""The translation part of tests/_two_devices.py, and tiny translation networks (not a test
module).

`two_devices(mirrored)` trains `TranslationTrainer` (U-Net + PatchGAN) and `CycleGANTrainer`
(`tiny_translator`s + `tiny_critic`s) for 3 steps on 16x16 images, once on one device and once
under `mirrored` (two replicas), from the same initial weights, with the same global batches
(4, 4, 2: the last one splits 1 + 1). Returns, per trainer kind and run, the weights of every
network, the logs and the step counter (`{kind}/{run}/...`), plus the initial weights
(`{kind}/initial/...`).
SGD, not Adam: Adam turns the float noise of a gradient that is zero in exact arithmetic
(a convolution bias before instance normalization) into a full-size step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

SIDE = 16
GLOBAL_BATCH = 4
SAMPLES = 10  # 3 steps: 4, 4, then 2
LR = 0.01  # larger steps (0.1) let float noise grow chaotically within 3 steps


def images(seed: int) -> np.ndarray:
    """Smooth random images in (-1, 1): 4x4 noise upsampled to 16x16."""
    small = np.random.default_rng(seed).standard_normal((SAMPLES, 4, 4, 1))
    return np.tanh(small.repeat(4, axis=1).repeat(4, axis=2)).astype("float32")


def tiny_translator(side: int) -> Any:
    """A two-convolution image-to-image generator with instance normalization: the smallest
    network the translation trainers accept. Tracing a CycleGAN step over four ResNet/PatchGAN
    builds cost 12-20 s of CPU; the builders have their own tests (test_models_translation)."""
    import keras

    from ganlib.models.translation import normalization

    return keras.Sequential(
        [
            keras.Input((side, side, 1)),
            keras.layers.Conv2D(4, 3, padding="same"),
            normalization("instance", name="norm"),
            keras.layers.ReLU(),
            keras.layers.Conv2D(1, 3, padding="same"),
            keras.layers.Activation("tanh", dtype="float32"),
        ]
    )


def tiny_critic(side: int, channels: int = 1) -> Any:
    """A two-convolution patch discriminator (a 2x2 grid of logits for 16x16 inputs)."""
    import keras

    return keras.Sequential(
        [
            keras.Input((side, side, channels)),
            keras.layers.Conv2D(4, 4, strides=2, padding="same"),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Conv2D(1, 4, strides=4, padding="same"),
            keras.layers.Activation("linear", dtype="float32"),
        ]
    )


def make_trainer(kind: str) -> Any:
    """A tiny trainer of `kind` ("paired" or "cycle"), compiled with SGD; always the same."""
    import keras

    from ganlib import CycleGANTrainer, TranslationTrainer, models

    keras.utils.set_random_seed(0)
    if kind == "paired":  # the builders: their generator's float16 gradients stay finite
        g = models.UNetGenerator(input_shape=(SIDE, SIDE, 1), base_filters=4, depth=2).build()
        d = models.PatchGANDiscriminator(
            input_shape=(SIDE, SIDE, 2), base_filters=4, num_downsamplings=2
        ).build()
        trainer: Any = TranslationTrainer(g, d, reconstruction_weight=10.0, seed=1)
    else:
        # a pool larger than the run: while it fills it returns its input on every replica
        g_ab, g_ba = tiny_translator(SIDE), tiny_translator(SIDE)
        trainer = CycleGANTrainer(g_ab, g_ba, tiny_critic(SIDE), tiny_critic(SIDE), seed=1)
    trainer.compile(keras.optimizers.SGD(LR), keras.optimizers.SGD(LR))
    return trainer


def networks(trainer: Any) -> dict[str, Any]:
    names = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
    if hasattr(trainer, "generator_ab"):
        return {name: getattr(trainer, name) for name in names}
    return {"generator": trainer.generator, "discriminator": trainer.discriminator}


def arrays(prefix: str, trainer: Any, logs: dict[str, list[float]]) -> dict[str, np.ndarray]:
    out = {
        f"{prefix}/{name}/{i}": np.asarray(w)
        for name, model in networks(trainer).items()
        for i, w in enumerate(model.get_weights())
    }
    out.update({f"{prefix}/log/{name}": np.asarray(values) for name, values in logs.items()})
    out[f"{prefix}/step"] = np.asarray(int(trainer.step_counter.numpy()))
    return out


def train(kind: str, strategy: tf.distribute.Strategy) -> tuple[Any, dict[str, list[float]]]:
    with strategy.scope():
        trainer = make_trainer(kind)
    a = images(0)
    b = -a if kind == "paired" else images(1)
    history = trainer.fit(a, b, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0)
    return trainer, history.history


def two_devices(mirrored: tf.distribute.Strategy) -> dict[str, np.ndarray]:
    results: dict[str, np.ndarray] = {}
    for kind in ("paired", "cycle"):
        results.update(arrays(f"{kind}/initial", make_trainer(kind), {}))
        results.update(
            arrays(f"{kind}/single", *train(kind, tf.distribute.OneDeviceStrategy("/cpu:0")))
        )
        results.update(arrays(f"{kind}/mirrored", *train(kind, mirrored)))
    return results
