"""Pins every private Keras / TensorFlow API that `ganlib._compat` wraps.

If one of these fails after an upgrade, fix `ganlib/_compat.py` (the only place using them).
"""

from __future__ import annotations

import inspect

import keras
import numpy as np
import tensorflow as tf

from ganlib import _compat


def test_flatten_layers_finds_nested_layers_without_the_model() -> None:
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Embedding(5, 2)])
    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Flatten()(inner(x)))
    assert callable(getattr(keras.Model, "_flatten_layers", None))
    names = [type(layer).__name__ for layer in _compat.flatten_layers(model)]
    assert "Embedding" in names and "Flatten" in names
    assert model not in _compat.flatten_layers(model)


def test_in_multi_worker_mode_reads_the_strategys_private_flag() -> None:
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    assert callable(getattr(strategy.extended, "_in_multi_worker_mode", None))
    assert _compat.in_multi_worker_mode(strategy) is False
    assert _compat.in_multi_worker_mode(tf.distribute.get_strategy()) is False
    assert _compat.in_multi_worker_mode(None) is False


def test_maybe_symbolic_build_exists_and_runs_in_fit() -> None:
    method = getattr(keras.Model, "_maybe_symbolic_build", None)
    assert callable(method)
    assert list(inspect.signature(method).parameters)[:3] == ["self", "iterator", "data_batch"]
    calls = []

    class Probe(_compat.SymbolicBuildGuard, keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x: tf.Tensor) -> tf.Tensor:
            return self.dense(x)

        def _maybe_symbolic_build(self, iterator: object = None, data_batch: object = None) -> None:
            calls.append(1)
            super()._maybe_symbolic_build(iterator, data_batch)

    model = Probe()
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 2), "float32")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    assert calls  # Keras still calls the hook the guard overrides


def test_print_msg_prints_through_keras(capsys: object) -> None:
    from keras.src.utils import io_utils

    assert callable(io_utils.print_msg)
    _compat.print_msg("hello from ganlib")
    assert "hello from ganlib" in capsys.readouterr().out  # type: ignore[attr-defined]
