"""Input checks and reductions shared by the loss functions and penalties (private)."""

from __future__ import annotations

import math
from typing import Any

import tensorflow as tf

REDUCTIONS = ("mean", "none")


def as_float32(value: Any, name: str) -> tf.Tensor:
    """Converts ``value`` to a float32 tensor; raises TypeError for non-float dtypes."""
    tensor = tf.convert_to_tensor(value)
    if not tensor.dtype.is_floating:
        raise TypeError(
            f"`{name}` must be a floating-point tensor (logits, probabilities or images). "
            f"Received: {name} with dtype={tensor.dtype.name}"
        )
    if tensor.shape.rank == 0:
        raise ValueError(
            f"`{name}` must have a batch axis, e.g. shape (batch, 1). "
            f"Received: {name} with shape ()"
        )
    if tensor.shape.rank is not None and tensor.shape[0] == 0:
        raise ValueError(
            f"`{name}` is an empty batch; a loss needs at least one example. "
            f"Received: {name} with shape {tuple(tensor.shape)}"
        )
    return tf.cast(tensor, tf.float32)


def check_same_batch(a: tf.Tensor, b: tf.Tensor, name_a: str, name_b: str) -> None:
    """Raises ValueError when both batch sizes are known statically and differ."""
    if a.shape.rank is None or b.shape.rank is None:
        return
    size_a, size_b = a.shape[0], b.shape[0]
    if size_a is not None and size_b is not None and size_a != size_b:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same batch size. "
            f"Received: {name_a}.shape={tuple(a.shape)}, {name_b}.shape={tuple(b.shape)}"
        )


def check_label(value: Any, name: str) -> float:
    """Returns ``value`` as a float after checking it is a real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"`{name}` must be a number in [0, 1]. Received: {name}={value!r}")
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"`{name}` must be in [0, 1]. Received: {name}={value!r}")
    return float(value)


def check_number(value: Any, name: str) -> float:
    """Returns ``value`` as a float after checking it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"`{name}` must be a finite number. Received: {name}={value!r}")
    return float(value)


def check_weight(value: Any, name: str = "weight") -> float:
    """Returns ``value`` as a float after checking it is a finite number >= 0."""
    number = check_number(value, name)
    if number < 0:
        raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
    return number


def check_reduction(reduction: Any) -> str:
    """Checks ``reduction`` is "mean" or "none"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f'`reduction` must be "mean" or "none". Received: reduction={reduction!r}')
    return str(reduction)


def per_example(values: tf.Tensor) -> tf.Tensor:
    """Averages element-wise values over every non-batch axis: shape (batch,)."""
    if values.shape.rank == 1:
        return values
    return tf.reduce_mean(tf.reshape(values, [tf.shape(values)[0], -1]), axis=1)


def reduce(values: tf.Tensor, reduction: str) -> tf.Tensor:
    """Per-example values (batch,) for "none", their mean (a scalar) for "mean"."""
    examples = per_example(values)
    if reduction == "none":
        return examples
    return tf.reduce_mean(examples)
