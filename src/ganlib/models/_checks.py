"""Argument checks shared by the builder families (private): each raises a ValueError naming it."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras

from ganlib._validation import positive_int

_positive_int = positive_int


def _shape(value: Any, name: str) -> tuple[int, ...]:
    items = (value,) if isinstance(value, numbers.Integral) else value
    ok = isinstance(items, Sequence) and not isinstance(items, str) and len(items) > 0
    if ok:
        ok = all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and int(v) > 0
            for v in items
        )
    if not ok:
        raise ValueError(
            f"`{name}` must be a non-empty tuple of positive integers. Received: {name}={value!r}"
        )
    return tuple(int(v) for v in items)


def _num_classes(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 2:
        raise ValueError(
            f"`num_classes` must be None or an integer >= 2. Received: num_classes={value!r}"
        )
    return int(value)


def _activation(value: Any, name: str) -> str | None:
    if value is None:
        return None
    message = (
        f"`{name}` must be None or the name of a Keras activation (e.g. 'tanh', 'sigmoid'). "
        f"Received: {name}={value!r}"
    )
    if not isinstance(value, str):
        raise ValueError(message)
    try:
        keras.activations.get(value)
    except ValueError as error:
        raise ValueError(message) from error
    return value


def _choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {tuple(choices)}. Received: {name}={value!r}")
    return str(value)


def _fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= float(value) < 1:
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def _slope(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"`negative_slope` must be a non-negative number. Received: negative_slope={value!r}"
        )
    return float(value)


def _units(value: Any, name: str) -> tuple[int, ...]:
    if isinstance(value, Sequence) and len(value) == 0:
        return ()
    return _shape(value, name)
