"""`GANTrainer`'s counter-based RNG (private): seeds for noise, labels and penalties.

The state is a variable `rng_state = [seed, counter]`: each draw uses the current state with a
`tf.random.stateless_*` op, then increments the counter, so checkpoints save it and resume is
exact. Evaluation (`with self._fixed_seeds():`) uses seeds `[seed, -1], [seed, -2], ...` instead
and leaves the training state untouched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib.distribute import replica_draw


def rng_variables(seed: int | None) -> tuple[int, keras.Variable, keras.Variable]:
    """`(seed, rng_state, step_counter)` of a trainer; a random seed when `seed` is None.

    `rng_state = [seed, 0]` and `step_counter = 0` are int64, not trainable, and aggregated
    "only_first_replica" so replicas stay in sync.
    """
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    rng_state = keras.Variable(
        np.array([int(seed), 0], dtype="int64"),
        dtype="int64",
        trainable=False,
        aggregation="only_first_replica",
        name="rng_state",
    )
    step_counter = keras.Variable(
        0, dtype="int64", trainable=False, aggregation="only_first_replica", name="step"
    )
    return int(seed), rng_state, step_counter


class TrainerRNG:
    """Mixin of `GANTrainer`: `rng_state`, the seeds drawn from it, and `step_counter`."""

    latent_shape: tuple[int, ...]

    def _init_rng(self, seed: int | None) -> None:
        self.seed, self.rng_state, self.step_counter = rng_variables(seed)
        self._eval_draws: int | None = None

    @contextlib.contextmanager
    def _fixed_seeds(self) -> Iterator[None]:
        """Draws inside use fixed seeds (the same on every call), not the training RNG."""
        self._eval_draws = 0
        try:
            yield
        finally:
            self._eval_draws = None

    @property
    def _seeds_fixed(self) -> bool:
        """Inside `_fixed_seeds` (`test_step`), not a training step."""
        return self._eval_draws is not None

    def _next_seed(self) -> tf.Tensor:
        """The next stateless seed, the same on every replica."""
        if self._eval_draws is not None:  # inside `_fixed_seeds`
            self._eval_draws += 1
            return tf.constant([self.seed, -self._eval_draws], dtype="int64")
        seed = self.rng_state.value
        self.rng_state.assign_add(tf.constant([0, 1], dtype="int64"))
        return seed

    def _seed(self) -> tf.Tensor:
        """The next stateless seed, folded with the replica id (for per-replica draws)."""
        seed = self._next_seed()
        replica = tf.distribute.get_replica_context()
        if replica is not None and replica.num_replicas_in_sync > 1:
            seed = tf.random.experimental.stateless_fold_in(seed, replica.replica_id_in_sync_group)
        return seed

    def _noise(self, batch: tf.Tensor, rows: Any = None) -> tf.Tensor:
        """This replica's rows of one global-batch draw: N replicas train like 1 device."""
        return replica_draw(
            tf.random.stateless_normal, batch, self._next_seed(), self.latent_shape, rows=rows
        )

    def _labels(self, batch: tf.Tensor, num_classes: int, rows: Any = None) -> tf.Tensor:
        """This replica's rows of one global-batch draw of uniform labels in [0, num_classes)."""
        return replica_draw(
            tf.random.stateless_uniform,
            batch,
            self._next_seed(),
            minval=0,
            maxval=num_classes,
            dtype="int32",
            rows=rows,
        )
