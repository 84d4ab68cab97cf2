"""The fused discriminator pass: one D call on real+fake concatenated where no D layer mixes
samples; two calls otherwise. Both must give the same losses and gradients."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import GANTrainer, losses, models
from ganlib._fused_d import batch_independent


def _trainer(d: keras.Model, classes: int | None = None) -> GANTrainer:
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(
        latent_dim=4, output_shape=(6,), hidden_units=(8,), num_classes=classes
    ).build()
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(real_label=0.9), seed=0)
    trainer.compile()
    return trainer


def _d_gradients(trainer: GANTrainer, fuse: bool, labels: tf.Tensor | None) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    real = tf.constant(rng.normal(size=(16, 6)).astype("float32"))
    fake = tf.constant(rng.normal(size=(16, 6)).astype("float32"))
    trainer.fuse_discriminator_passes = fuse
    with tf.GradientTape() as tape:
        loss, logs = trainer.discriminator_loss(real, fake, labels)
        mean = tf.reduce_mean(loss)
    grads = tape.gradient(mean, trainer.discriminator.trainable_variables)
    return [mean.numpy(), logs["d_real"].numpy(), logs["d_fake"].numpy()] + [
        tf.convert_to_tensor(g).numpy() for g in grads
    ]


@pytest.mark.parametrize("conditional", [False, True])
def test_fused_and_separate_passes_give_the_same_gradients(conditional: bool) -> None:
    classes = 3 if conditional else None
    d = models.MLPDiscriminator(input_shape=(6,), hidden_units=(32, 16), num_classes=classes)
    trainer = _trainer(d.build(), classes)
    assert trainer.fuse_discriminator_passes  # Dense + LeakyReLU only: fused by default
    labels = tf.constant(np.arange(16) % 3, "int32") if conditional else None
    fused = _d_gradients(trainer, True, labels)
    separate = _d_gradients(trainer, False, labels)
    for a, b in zip(fused, separate, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_batchnorm_keeps_two_passes_and_would_change_the_gradients() -> None:
    inputs = keras.Input((6,))
    hidden = keras.layers.BatchNormalization()(keras.layers.Dense(16)(inputs))
    d = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LeakyReLU(0.2)(hidden)))
    trainer = _trainer(d)
    assert not trainer.fuse_discriminator_passes
    fused = _d_gradients(trainer, True, None)
    separate = _d_gradients(trainer, False, None)
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(fused, separate, strict=True)) > 1e-3


def test_batch_independent_names_the_layers_that_mix_samples() -> None:
    assert batch_independent(models.MLPDiscriminator(input_shape=(6,)).build())
    assert not batch_independent(models.DCGANDiscriminator((28, 28, 1)).build())  # BatchNorm
    assert not batch_independent(
        models.MLPDiscriminator(input_shape=(6,), spectral_norm=True).build()
    )
