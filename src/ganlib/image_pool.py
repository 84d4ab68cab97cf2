"""`ImagePool`: a buffer of past generated images for the discriminator (Shrivastava et al. 2017).

The discriminator of CycleGAN (Zhu et al. 2017, sec. 4) is trained on a history of 50 generated
images rather than only the newest ones, which damps oscillation (Shrivastava et al. 2017,
"Learning from simulated and unsupervised images through adversarial training", sec. 2.3).
The buffer lives in two non-trainable variables (`variables`): the trainer that owns the pool
registers them with `track_state`, so checkpoints save and restore the history exactly.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

__all__ = ["ImagePool"]


class ImagePool:
    """A history of up to `size` generated images; `query` mixes it into each fake batch.

    `query(images, seed)`: while the pool is filling, images are stored and returned as they
    are; once full, each image is, with probability 1/2, swapped with a random stored one (the
    stored image is returned, the new one takes its slot), else returned unchanged. `size=0`
    turns the pool off (`query` returns its input). Randomness is stateless: the same `seed`
    and state give the same result. Under `tf.distribute` the pool holds the first replica's
    images (its variables aggregate as "only_first_replica").

    Args:
        size: images kept (CycleGAN: 50).
        image_shape: shape of one image, e.g. `(28, 28, 1)`.
        name: prefix of the variable names.

    Example:
        >>> import numpy as np, tensorflow as tf
        >>> from ganlib.image_pool import ImagePool
        >>> pool = ImagePool(4, (2, 2, 1))
        >>> first = pool.query(np.ones((4, 2, 2, 1), "float32"), seed=tf.constant([0, 1]))
        >>> int(pool.count.numpy()), float(first.numpy().mean())  # filled, returned as is
        (4, 1.0)
        >>> mixed = pool.query(np.zeros((4, 2, 2, 1), "float32"), seed=tf.constant([0, 2]))
        >>> bool(np.isin(mixed.numpy(), [0.0, 1.0]).all())  # each one new or from the history
        True
    """

    def __init__(self, size: int, image_shape: Sequence[int], name: str = "image_pool") -> None:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise ValueError(f"`size` must be an integer >= 0. Received: size={size!r}")
        shape = tuple(image_shape)
        if not shape or not all(isinstance(s, numbers.Integral) and s > 0 for s in shape):
            raise ValueError(
                f"`image_shape` must be a tuple of positive integers. Received: {image_shape!r}"
            )
        self.size: int = int(size)
        self.image_shape: tuple[int, ...] = tuple(int(s) for s in shape)
        self.images: Any = keras.Variable(
            tf.zeros((self.size, *self.image_shape), "float32"),
            trainable=False,
            aggregation="only_first_replica",
            name=f"{name}_images",
        )
        self.count: Any = keras.Variable(
            0,
            dtype="int64",
            trainable=False,
            aggregation="only_first_replica",
            name=f"{name}_count",
        )

    @property
    def variables(self) -> list[keras.Variable]:
        """The pool's state: `[images, count]` (register them with the trainer's `track_state`)."""
        return [self.images, self.count]

    def query(self, images: Any, seed: Any) -> tf.Tensor:
        """Returns a batch like `images` drawn from the new images and the history; updates it.

        `seed` is a stateless seed, shape `(2,)` integers.
        """
        images = tf.convert_to_tensor(images)
        if self.size == 0:
            return images
        if images.shape.rank is not None and tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"ImagePool holds images of shape {self.image_shape}. "
                f"Received: images.shape={tuple(images.shape)}"
            )
        dtype = images.dtype
        new = tf.cast(images, "float32")
        n = tf.shape(new)[0]
        seeds = tf.random.experimental.stateless_split(tf.cast(seed, "int64"), 2)
        count = tf.cast(self.count.value, "int32")
        slot = tf.range(n) + count
        filling = slot < self.size
        swap = tf.logical_and(
            tf.logical_not(filling), tf.random.stateless_uniform([n], seeds[0]) > 0.5
        )
        order = tf.argsort(tf.random.stateless_uniform([self.size], seeds[1]))
        slot = tf.where(filling, slot, tf.gather(order, tf.range(n) % self.size))
        stored = tf.gather(self.images.value, tf.minimum(slot, self.size - 1))
        mask = tf.reshape(swap, [-1] + [1] * len(self.image_shape))
        out = tf.where(mask, stored, new)
        write = tf.logical_or(filling, swap)
        updated = tf.tensor_scatter_nd_update(
            self.images.value,
            tf.boolean_mask(slot, write)[:, None],
            tf.boolean_mask(new, write),
        )
        self.images.assign(updated)
        self.count.assign(tf.minimum(self.count.value + tf.cast(n, "int64"), self.size))
        return tf.cast(out, dtype)
