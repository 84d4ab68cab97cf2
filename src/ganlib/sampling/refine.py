"""DRS's discriminator refinement: train a copy of the discriminator on the final generator.

During training the discriminator chases a moving generator, so its logit at the end is a poor
estimate of ``log(p_data / p_model)`` for the *final* generator. Azadi et al. (2019,
arXiv:1810.06758, section 4) keep training it on real data against the frozen generator before
rejection sampling: with the logistic loss its optimum is ``D* = p_data / (p_data + p_model)``,
whose logit is the log density ratio the samplers need, strongly negative wherever the
generator puts mass the data lacks (the bridges between modes of a mixture).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._validation import positive_int
from ganlib.sampling.discriminator import Proposal

__all__ = ["refine_discriminator"]


def _pool(values: Any, name: str) -> np.ndarray:
    pool = np.asarray(values, dtype="float32")
    if pool.ndim < 2 or len(pool) < 2:
        raise ValueError(
            f"`{name}` must hold at least 2 samples (shape (n, ...)). Received shape {pool.shape}"
        )
    if not np.all(np.isfinite(pool)):
        raise ValueError(f"`{name}` must be finite (NaN or inf received)")
    return pool


def _same_shape(real: np.ndarray, fake: np.ndarray) -> np.ndarray:
    if real.shape[1:] != fake.shape[1:]:
        raise ValueError(
            f"`real` and `fake` samples differ in shape: {real.shape[1:]} and {fake.shape[1:]}"
        )
    return fake


def refine_discriminator(
    discriminator: keras.Model,
    real: Any,
    fake: Any | Proposal,
    *,
    steps: int = 2000,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    seed: int = 0,
    chunk: int = 100,
) -> keras.Model:
    """A copy of `discriminator` trained ``steps`` more times on ``real`` against ``fake``.

    The logistic loss ``softplus(-D(real)) + softplus(D(fake))`` on minibatches of
    ``batch_size`` drawn with replacement from ``real`` (numpy ``default_rng(seed)``), Adam
    (betas 0.5, 0.999) at ``learning_rate`` decayed linearly to 1/100 of it. ``fake`` is the
    generator that will be sampled from (its EMA weights when those are used), given either as
    a proposal ``fake(k, rng) -> k samples`` (`generator_proposal`), which draws fresh samples
    for every minibatch, or as an array pool of its samples, drawn from with replacement (then
    many of them, so the copy learns the generator rather than the pool). The original
    discriminator is not changed. Follow with the samplers' ``calibrate`` on held-out data.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.sampling import refine_discriminator
        >>> rng = np.random.default_rng(0)
        >>> real, fake = rng.normal(1, 1, (4000, 1)), rng.normal(-1, 1, (4000, 1))
        >>> keras.utils.set_random_seed(0)
        >>> d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        >>> refined = refine_discriminator(d, real, fake, steps=600, learning_rate=0.05)
        >>> w, b = refined.get_weights()   # the optimum for N(1, 1) vs N(-1, 1) is 2 x
        >>> bool(abs(w[0, 0] - 2) < 0.3 and abs(b[0]) < 0.3), d.get_weights()[0].shape
        (True, (1, 1))
        >>> model = lambda k, rng: rng.normal(-1, 1, (k, 1))   # fresh samples every step
        >>> w, b = refine_discriminator(d, real, model, steps=600, learning_rate=0.05).get_weights()
        >>> bool(abs(w[0, 0] - 2) < 0.3 and abs(b[0]) < 0.3)
        True
    """
    for name, value in (("steps", steps), ("batch_size", batch_size), ("chunk", chunk)):
        positive_int(value, name)
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"`learning_rate` must be > 0. Received: learning_rate={learning_rate!r}")
    real_pool = _pool(real, "real")
    fake_pool = None if callable(fake) else _same_shape(real_pool, _pool(fake, "fake"))
    rng = np.random.default_rng(seed)

    def fake_batches(k: int) -> np.ndarray:
        """(k, batch_size, ...) generated samples: from the pool, or fresh from the proposal."""
        if fake_pool is not None:
            return fake_pool[rng.integers(0, len(fake_pool), (k, batch_size))]
        drawn = _same_shape(real_pool, _pool(fake(k * batch_size, rng), "fake"))
        return drawn.reshape((k, batch_size, *drawn.shape[1:]))

    try:
        copy = keras.models.clone_model(discriminator)
    except Exception as error:  # subclassed models without get_config
        raise TypeError(
            "`discriminator` must be a Functional or Sequential keras.Model that "
            f"keras.models.clone_model can copy: {error}"
        ) from None
    copy.set_weights(discriminator.get_weights())
    schedule = keras.optimizers.schedules.PolynomialDecay(
        float(learning_rate), int(steps), end_learning_rate=float(learning_rate) / 100
    )
    optimizer = keras.optimizers.Adam(schedule, beta_1=0.5, beta_2=0.999)
    optimizer.build(copy.trainable_variables)
    real_t = tf.constant(real_pool)

    @tf.function
    def run(real_rows: tf.Tensor, fakes: tf.Tensor) -> None:
        for i in tf.range(tf.shape(real_rows)[0]):
            with tf.GradientTape() as tape:
                real_logits = copy(tf.gather(real_t, real_rows[i]), training=True)
                fake_logits = copy(fakes[i], training=True)
                loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                    tf.nn.softplus(fake_logits)
                )
            grads = tape.gradient(loss, copy.trainable_variables)
            optimizer.apply_gradients(zip(grads, copy.trainable_variables, strict=True))

    done = 0
    while done < steps:
        k = min(chunk, steps - done)
        real_rows = tf.constant(rng.integers(0, len(real_pool), (k, batch_size)), tf.int32)
        run(real_rows, tf.constant(fake_batches(k)))
        done += k
    return copy
