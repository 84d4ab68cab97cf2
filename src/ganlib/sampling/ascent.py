"""Discriminator-gradient refinement of samples: a few steps up the discriminator's logit.

Discriminator Optimal Transport (Tanaka 2019, arXiv:1910.06832) and collaborative sampling
(Liu et al. 2020, arXiv:1902.00813) improve a generator's samples after the fact by moving them
along the gradient of the discriminator, towards regions it finds more data-like. With a
discriminator refined on the final generator (`refine_discriminator`) the logit estimates
``log(p_data / p_model)``, so its gradient points from the sparse edges of a mode and the
bridges between modes towards the mode. The samples keep their order: each moves a short way
from where it started, so the share of samples per mode changes little. The price is spread:
each mode gets tighter than the data's (docs/benchmarks.md measures both).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from ganlib._validation import positive_int

__all__ = ["discriminator_ascent"]


def discriminator_ascent(
    discriminator: Any,
    samples: Any,
    *,
    steps: int = 5,
    step_size: float = 5e-3,
    batch_size: int = 4096,
) -> np.ndarray:
    """``samples`` moved ``steps`` gradient-ascent steps up the discriminator's logit.

    Each step is ``x <- x + step_size * grad_x D(x)`` for every sample on its own (``D`` the
    raw logit, one per sample, as the discriminator returns it; a positive `Calibration`
    scale would only rescale ``step_size``). Samples are processed in chunks of
    ``batch_size``; the discriminator is not changed. Use it after discriminator-driven
    sampling (`DiscriminatorRejectionSampler`) with the same, refined discriminator.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.sampling import discriminator_ascent
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> d.set_weights([np.array([[2.0], [-1.0]]), np.zeros(1)])   # logit 2 x0 - x1
        >>> discriminator_ascent(d, np.zeros((3, 2)), steps=4, step_size=0.5)[0].tolist()
        [4.0, -2.0]
    """
    steps = positive_int(steps, "steps")
    batch_size = positive_int(batch_size, "batch_size")
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"`step_size` must be > 0. Received: step_size={step_size!r}")
    if not callable(discriminator):
        raise TypeError(f"`discriminator` must be callable. Received: {discriminator!r}")
    x = np.asarray(samples, dtype="float32")
    if x.ndim < 2:
        raise ValueError(f"`samples` must have shape (n, ...). Received shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("`samples` must be finite (NaN or inf received)")
    rate = tf.constant(float(step_size), tf.float32)

    def step(chunk: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(chunk)
            logits = tf.reshape(discriminator(chunk, training=False), [-1])
            if logits.shape[0] is not None and logits.shape[0] != chunk.shape[0]:
                raise ValueError(
                    "The discriminator must return one logit per sample (a packed "
                    "discriminator judges packs, not samples)"
                )
            total = tf.reduce_sum(logits)
        return chunk + rate * tape.gradient(total, chunk)

    parts = []
    for i in range(0, len(x), batch_size):
        chunk = tf.constant(x[i : i + batch_size])
        for _ in range(steps):
            chunk = step(chunk)
        parts.append(chunk.numpy())
    return np.concatenate(parts) if parts else x.copy()
