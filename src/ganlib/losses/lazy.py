"""Lazy regularization (Karras et al. 2020, StyleGAN2): a penalty on every k-th step only.

A gradient penalty such as R1 needs a second backward pass through the discriminator, about a
third of a small GAN's step. StyleGAN2 evaluates it on one step in ``every`` and multiplies it
by ``every`` there, so the penalty's average over steps keeps its weight.
:func:`lazy_penalty` is that schedule as a function of a step counter, usable in any training
loop; ``GANTrainer(penalty_every=k)`` applies it to all of the trainer's penalties.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

__all__ = ["check_every", "lazy_penalty"]


def check_every(every: Any, name: str = "every") -> int:
    """Validates a lazy-regularization interval: an ``int >= 1``; returns it.

    ``name`` is the argument's name in the error message (``GANTrainer`` passes
    ``"penalty_every"``).

    Example:
        >>> check_every(8)
        8
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={every!r}")
    return every


def lazy_penalty(
    penalty: Callable[[], tf.Tensor], step: Any, every: int, shape: Any = ()
) -> tf.Tensor:
    """``every * penalty()`` when ``step % every == 0``, else zeros of ``shape``.

    ``penalty`` is called (and differentiated) only on the steps where it is due: the choice is
    a ``tf.cond`` on ``step`` (a Python int or an integer tensor such as a trainer's
    ``step_counter``), so it holds inside ``tf.function``, XLA and ``tf.distribute``, and a run
    resumed from a checkpointed counter penalizes the same steps. ``every=1`` returns
    ``penalty()`` itself, with no ``tf.cond``: the same computation as the eager penalty.
    ``shape`` is the shape of ``penalty()`` (``()`` for a mean, ``(batch,)`` per example).

    Args:
        penalty: a function of no arguments returning the unweighted penalty.
        step: the step counter that picks the due steps (0, every, 2 * every, ...).
        every: the interval k >= 1.
        shape: the shape of the zeros returned on the other steps.

    Example:
        >>> import keras
        >>> from ganlib.losses import r1_penalty
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> _ = d.layers[0].kernel.assign([[3.0], [4.0]])
        >>> x = tf.zeros((4, 2))
        >>> [float(lazy_penalty(lambda: r1_penalty(d, x), s, every=4)) for s in range(5)]
        [100.0, 0.0, 0.0, 0.0, 100.0]
    """
    every = check_every(every)
    if every == 1:
        return penalty()
    step = tf.convert_to_tensor(step)
    due = tf.equal(tf.math.floormod(step, tf.cast(every, step.dtype)), 0)
    return tf.cond(
        due,
        lambda: tf.cast(every, tf.float32) * tf.cast(penalty(), tf.float32),
        lambda: tf.zeros(shape, tf.float32),
    )
