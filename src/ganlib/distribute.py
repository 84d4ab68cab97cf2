"""Small helpers that make a custom `train_step` behave the same on 1 or N replicas.

`GANTrainer` uses them; they also serve anyone writing their own step under `tf.distribute`.
See docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from ganlib._compat import in_multi_worker_mode

__all__ = [
    "global_batch_size",
    "is_chief",
    "is_multi_worker",
    "replica_draw",
    "replica_rows",
    "strategy_logs",
]


def _replica_context() -> Any:
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def replica_rows(batch: Any) -> tuple[Any, Any]:
    """This replica's `(offset, global_batch)` within the global batch.

    Replica `i` holds rows `offset : offset + batch` of the global batch, where `offset` is
    the sum of the batch sizes of replicas `0 .. i-1` (one `all_gather` of the sizes, so
    uneven last batches are handled). Outside a multi-replica step: `(0, batch)`.

    Example:
        >>> from ganlib.distribute import replica_rows
        >>> replica_rows(8)
        (0, 8)
    """
    context = _replica_context()
    if context is None:
        return 0, batch
    sizes = context.all_gather(tf.reshape(tf.cast(batch, "int32"), [1]), axis=0)
    replica = context.replica_id_in_sync_group
    return tf.reduce_sum(sizes[:replica]), tf.reduce_sum(sizes)


def global_batch_size(batch: Any) -> Any:
    """The global batch size: the sum of every replica's `batch` (`batch` itself outside).

    Example:
        >>> from ganlib.distribute import global_batch_size
        >>> global_batch_size(8)
        8
    """
    return replica_rows(batch)[1]


def replica_draw(
    sampler: Callable[..., Any],
    batch: Any,
    seed: Any,
    shape: Sequence[int] = (),
    *,
    rows: tuple[Any, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Draws this replica's rows of one global-batch draw of a stateless sampler.

    Every replica calls `sampler([global_batch, *shape], seed=seed, **kwargs)` with the same
    `seed` and keeps its own rows (see `replica_rows`), so the numbers a step uses do not
    depend on how many replicas share the batch: N devices train like one device with the
    same global batch. Costs N times the (small) draw per replica. Pass `rows` (from
    `replica_rows(batch)`) to reuse one `all_gather` for several draws of a step; other
    keyword arguments go to `sampler`.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.distribute import replica_draw
        >>> z = replica_draw(tf.random.stateless_normal, 4, seed=[1, 2], shape=(3,))
        >>> tuple(z.shape)
        (4, 3)
    """

    def draw(rows: Any) -> Any:
        full_shape = tf.concat(
            [tf.reshape(tf.cast(rows, "int32"), [1]), tf.constant(shape, "int32")], 0
        )
        return sampler(full_shape, seed=seed, **kwargs)

    if _replica_context() is None:
        return draw(batch)
    offset, total = replica_rows(batch) if rows is None else rows
    return draw(total)[offset : offset + batch]


def is_multi_worker(strategy: tf.distribute.Strategy | None = None) -> bool:
    """True when `strategy` (default: the current one) is a `MultiWorkerMirroredStrategy`
    spanning several workers.

    Example:
        >>> from ganlib.distribute import is_multi_worker
        >>> is_multi_worker()
        False
    """
    if strategy is None:
        strategy = tf.distribute.get_strategy()
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return False
    return in_multi_worker_mode(strategy)


def is_chief(model: Any) -> bool:
    """True unless `model` trains under a multi-worker strategy on a non-chief worker.

    Callbacks that write files call it so that only one worker writes.

    Example:
        >>> import keras
        >>> from ganlib.distribute import is_chief
        >>> is_chief(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
        True
    """
    strategy = getattr(model, "distribute_strategy", None)
    if not in_multi_worker_mode(strategy):
        return True
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    task_id = getattr(resolver, "task_id", 0)
    if task_type in (None, "chief"):
        return True
    has_chief = resolver is not None and "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def strategy_logs(logs: dict[str, Any]) -> dict[str, Any]:
    """Makes a `train_step`'s scalar logs reducible under `MultiWorkerMirroredStrategy`.

    Keras 3 reduces step outputs of a multi-worker strategy with
    `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars ("Invalid reduction
    dimension 0 for input with 0 dimensions", tensorflow/tensorflow#72388). Under that
    strategy each value becomes shape `(1,)` (reduced back to a scalar by Keras); everywhere
    else `logs` is returned unchanged.

    Example:
        >>> from ganlib.distribute import strategy_logs
        >>> strategy_logs({"d_loss": 0.5})
        {'d_loss': 0.5}
    """
    if not is_multi_worker():
        return logs
    return {name: tf.reshape(value, [1]) for name, value in logs.items()}
