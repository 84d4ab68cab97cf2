"""A training set held on the device, batches drawn inside the compiled training step.

`DeviceData` keeps the whole training set (and its labels) as one tensor per replica and
draws each batch inside the compiled step by gathering rows: no host input pipeline runs
between steps, so `steps_per_execution=k` runs k whole training steps in one call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

__all__ = ["DeviceData"]

_KEY_BITS = 40  # random key bits; the other 23 bits of an int64 key make keys unique


class DeviceData:
    """A training set held as a tensor; `GANTrainer.fit` draws its batches in the step.

    Order: each epoch is a fresh permutation of the samples (without replacement), drawn
    from `seed` and the epoch number; the last `len(x) % batch_size` samples of each
    permutation are left out, so every batch is full and every epoch has
    `len(x) // batch_size` steps. `shuffle=False` takes the samples in their stored order.
    The position in this order is the trainer's `data_position` counter (checkpointed), so a
    resumed run draws the same batches as an uninterrupted one. Under a `tf.distribute`
    strategy every replica holds the data set and takes its own rows of each global batch.

    Args:
        x: float array `(N, *sample_shape)`; the discriminator's input samples.
        y: integer labels `(N,)` for a conditional GAN, else None.
        batch_size: the global batch size (positive, at most `N`).
        shuffle: a new permutation each epoch (True) or the stored order (False).
        seed: seed of the permutations; None takes the trainer's `seed`.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib import GANTrainer, data
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile(steps_per_execution=4)
        >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
        >>> history = trainer.fit(data.DeviceData(x, batch_size=16), epochs=2, verbose=0)
        >>> int(trainer.data_position.numpy())
        8
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int | None = None,
    ) -> None:
        x = np.asarray(x)
        if x.ndim < 2 or not np.issubdtype(x.dtype, np.floating):
            raise TypeError(
                "`x` must be a float array of shape (N, *sample_shape). "
                f"Received: dtype {x.dtype}, shape {x.shape}"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"`batch_size` must be an integer. Received: batch_size={batch_size!r}")
        if not 0 < batch_size <= len(x):
            raise ValueError(
                f"`batch_size` must be in [1, len(x)={len(x)}]. Received: batch_size={batch_size}"
            )
        if len(x) >= 2 ** (63 - _KEY_BITS):
            raise ValueError(f"`x` holds too many samples ({len(x)}) for DeviceData.")
        if y is not None:
            y = np.asarray(y)
            if not np.issubdtype(y.dtype, np.integer) or y.shape != (len(x),):
                raise ValueError(
                    f"`y` must be integer labels of shape ({len(x)},). "
                    f"Received: dtype {y.dtype}, shape {y.shape}"
                )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.x = x.astype("float32", copy=False)
        self.y = None if y is None else y.astype("int32", copy=False)
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = None if seed is None else int(seed)
        self._state: dict[Any, tuple[Any, ...]] = {}

    def __len__(self) -> int:
        """Steps per epoch: `len(x) // batch_size`."""
        return len(self.x) // self.batch_size

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """Shape of one sample, `x.shape[1:]`."""
        return tuple(int(s) for s in self.x.shape[1:])

    def markers(self, steps: int | None = None) -> tf.data.Dataset:
        """What `fit` iterates over instead of data: one empty `(batch_size, 0)` tensor per
        step (split across replicas like a batch), `len(self)` of them or endless when
        `steps` is given. The step reads only its size."""
        marker = tf.data.Dataset.from_tensors({"device_data": tf.zeros((self.batch_size, 0))})
        return marker.repeat() if steps is not None else marker.repeat(len(self))

    def bind(self, seed: int) -> None:
        """Creates the data, labels and permutation variables under the current strategy
        (once per strategy and seed); `GANTrainer.fit` calls it before tracing the step."""
        strategy = tf.distribute.get_strategy()
        key = (id(strategy), seed)
        if key not in self._state:
            # The permutation is per replica (sync on read: assigned locally in the step,
            # where a synchronised assignment inside `tf.cond` is not allowed); every replica
            # computes the same one from the same seed.
            local = {
                "trainable": False,
                "synchronization": tf.VariableSynchronization.ON_READ,
                "aggregation": tf.VariableAggregation.ONLY_FIRST_REPLICA,
            }
            with strategy.scope():
                x = tf.Variable(self.x, trainable=False, name="device_data_x")
                y = None if self.y is None else tf.Variable(self.y, trainable=False, name="y")
                perm = tf.Variable(tf.zeros((len(self.x),), "int64"), **local)
                perm_epoch = tf.Variable(tf.constant(-1, "int64"), **local)
            self._state[key] = (x, y, perm, perm_epoch)

    def _variables(self, seed: int) -> tuple[Any, ...]:
        key = (id(tf.distribute.get_strategy()), seed)
        if key not in self._state:
            raise RuntimeError("DeviceData.bind(seed) must run before draw(), outside the step.")
        return self._state[key]

    def permutation(self, epoch: Any, seed: int) -> tf.Tensor:
        """The sample order of `epoch` (int64 indices), a function of `seed` and `epoch` only.

        Keys `random_bits * 2**23 + index` are unique, so the order does not depend on how a
        sort breaks ties (the same with and without XLA).
        """
        n = len(self.x)
        if not self.shuffle:
            return tf.range(n, dtype="int64")
        seeds = tf.stack([tf.constant(seed, "int64"), tf.cast(epoch, "int64")])
        bits = tf.random.stateless_uniform(
            (n,), seed=seeds, minval=0, maxval=2**_KEY_BITS, dtype="int64"
        )
        keys = bits * 2 ** (63 - _KEY_BITS) + tf.range(n, dtype="int64")
        return tf.cast(tf.argsort(keys), "int64")

    def draw(
        self, position: Any, batch: Any, rows: tuple[Any, Any], seed: int
    ) -> tuple[tf.Tensor, tf.Tensor | None]:
        """This replica's rows of global batch number `position` (counted from the first
        epoch): `(x, y)`, `y` None when unconditional. Runs inside the compiled step; the
        epoch's permutation is computed once per epoch and kept in a variable."""
        x_var, y_var, perm, perm_epoch = self._variables(seed)
        per_epoch = tf.constant(len(self), "int64")
        position = tf.cast(position, "int64")
        epoch = position // per_epoch
        if self.shuffle:

            def refresh() -> tf.Tensor:
                order = self.permutation(epoch, seed)
                with tf.control_dependencies([perm.assign(order), perm_epoch.assign(epoch)]):
                    return tf.identity(order)

            order = tf.cond(tf.equal(perm_epoch, epoch), lambda: tf.identity(perm), refresh)
        start = (position % per_epoch) * self.batch_size + tf.cast(rows[0], "int64")
        # start + range(batch), not range(start, start + batch): XLA needs the size to be a
        # compile-time constant, and a variable `start` would recompile the step every call.
        index = start + tf.range(tf.cast(batch, "int64"))
        if self.shuffle:
            index = tf.gather(order, index)
        real = tf.gather(x_var, index)
        return real, None if y_var is None else tf.gather(y_var, index)

    def __repr__(self) -> str:
        return (
            f"DeviceData({len(self.x)} samples of shape {self.sample_shape}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, seed={self.seed})"
        )
