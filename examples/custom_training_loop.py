"""A plain `tf.GradientTape` GAN loop that uses ganlib for its losses only.

This is how ganlib's losses plug into a training loop you already have (or another project):
the only ganlib import is `ganlib.losses`; the models, the data and the loop are ordinary
TensorFlow/Keras. It trains a small GAN on the ring of 8 Gaussians (points drawn with NumPy
here) and prints how many of the 8 modes the samples hit.

    python examples/custom_training_loop.py --steps 2000
    python examples/custom_training_loop.py --loss hinge --steps 2000
    python examples/custom_training_loop.py --loss wasserstein --penalty gp --d-steps 5
"""

from __future__ import annotations

import argparse
import math

import keras
import numpy as np
import tensorflow as tf

from ganlib import losses


def ring_batch(rng: np.random.Generator, n: int, modes: int = 8, std: float = 0.02) -> np.ndarray:
    """`n` points from `modes` Gaussians spaced evenly on the unit circle."""
    angles = 2 * math.pi * rng.integers(0, modes, size=n) / modes
    centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return (centers + std * rng.standard_normal((n, 2))).astype("float32")


def modes_hit(points: np.ndarray, modes: int = 8, std: float = 0.02) -> int:
    """Modes with at least 1% of the points within 3 std of their centre."""
    angles = 2 * math.pi * np.arange(modes) / modes
    centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    dist = np.linalg.norm(points[:, None, :] - centers[None], axis=-1)
    nearest, close = dist.argmin(axis=1), dist.min(axis=1) <= 3 * std
    counts = np.bincount(nearest[close], minlength=modes)
    return int((counts >= 0.01 * len(points)).sum())


def mlp(input_dim: int, output_dim: int, width: int = 128) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(output_dim),
        ]
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="generator updates")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--loss", default="non_saturating", help="a ganlib.losses.get name")
    parser.add_argument("--penalty", default=None, help="a ganlib.losses.get_penalty name, e.g. gp")
    parser.add_argument("--d-steps", type=int, default=1, help="D updates per G update")
    parser.add_argument("--latent-dim", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    loss = losses.get(args.loss)  # a GANLoss: .generator(...) and .discriminator(...)
    penalty = losses.get_penalty(args.penalty) if args.penalty else None
    generator, discriminator = mlp(args.latent_dim, 2), mlp(2, 1)
    g_opt = keras.optimizers.Adam(1e-3, beta_1=0.5)
    d_opt = keras.optimizers.Adam(1e-3, beta_1=0.5)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    @tf.function
    def d_step(real: tf.Tensor) -> tf.Tensor:
        z = tf.random.normal((tf.shape(real)[0], args.latent_dim))
        fake = generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = loss.discriminator(
                discriminator(real, training=True), discriminator(fake, training=True)
            )
            if penalty is not None:
                d_loss += penalty.weight * penalty(discriminator, real, fake)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply(grads, discriminator.trainable_variables)
        return d_loss

    @tf.function
    def g_step(real: tf.Tensor) -> tf.Tensor:
        z = tf.random.normal((tf.shape(real)[0], args.latent_dim))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(z, training=True), training=True)
            if loss.generator_needs_real:  # only the relativistic loss
                g_loss = loss.generator(fake_logits, discriminator(real, training=True))
            else:
                g_loss = loss.generator(fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply(grads, generator.trainable_variables)
        return g_loss

    d_loss = g_loss = tf.constant(0.0)
    for step in range(1, args.steps + 1):
        for _ in range(args.d_steps):
            d_loss = d_step(tf.constant(ring_batch(rng, args.batch_size)))
        g_loss = g_step(tf.constant(ring_batch(rng, args.batch_size)))
        if step % max(1, args.steps // 5) == 0 or step == args.steps:
            print(f"step {step:5d}  d_loss {float(d_loss):.4f}  g_loss {float(g_loss):.4f}")

    samples = generator(tf.random.normal((2000, args.latent_dim)), training=False).numpy()
    hit = modes_hit(samples)
    print(f"modes hit: {hit} of 8")
    return {"d_loss": float(d_loss), "g_loss": float(g_loss), "modes": float(hit)}


if __name__ == "__main__":
    main()
