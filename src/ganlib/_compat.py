"""Every private Keras / TensorFlow API ganlib relies on, in one place.

Each wrapper is pinned by `tests/test_compat.py`, so a Keras or TensorFlow upgrade that renames
or changes one fails loudly there instead of somewhere deep in training.

- `keras.Model._flatten_layers`: every nested layer of a model (`flatten_layers`);
- `tf.distribute` `strategy.extended._in_multi_worker_mode()` (`in_multi_worker_mode`);
- `keras.src.utils.io_utils.print_msg`: Keras's own message printer, which follows
  `keras.config.disable_interactive_logging()` (`print_msg`);
- `keras.Model._maybe_symbolic_build`, which Keras 3.15 runs at the start of `fit`
  (`SymbolicBuildGuard` skips it under a multi-worker strategy).
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


def flatten_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer nested in `model` (depth first), without `model` itself."""
    return list(model._flatten_layers(include_self=False))


def print_msg(message: str) -> None:
    """Prints a callback message the way Keras's callbacks do (stdout or absl logging)."""
    from keras.src.utils import io_utils

    io_utils.print_msg(message)


def in_multi_worker_mode(strategy: Any) -> bool:
    """True when a `tf.distribute` strategy spans several workers."""
    extended = getattr(strategy, "extended", None)
    method = getattr(extended, "_in_multi_worker_mode", None)
    return bool(callable(method) and method())


class SymbolicBuildGuard:
    """Mixin for a `keras.Model` that builds everything in `compile`.

    Keras 3.15's `fit` first runs `_maybe_symbolic_build`, which reduces a batch with
    `strategy.reduce` and fails for `(x, y)` data under `MultiWorkerMirroredStrategy`; a model
    that built its variables in `compile` does not need it, so it is skipped there.
    """

    def _maybe_symbolic_build(self, iterator: Any = None, data_batch: Any = None) -> None:
        strategy = getattr(self, "distribute_strategy", None)
        multi_worker = isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        if not (multi_worker and in_multi_worker_mode(strategy)):
            super()._maybe_symbolic_build(iterator, data_batch)  # type: ignore[misc]
