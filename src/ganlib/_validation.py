"""Argument checks shared by ganlib's modules (private): one rule, one message each."""

from __future__ import annotations

import numbers
from typing import Any


def positive_int(value: Any, name: str) -> int:
    """`value` as an int when it is an integer >= 1 (not a bool), else a `ValueError`.

    The message names the argument and the value: "`n` must be a positive integer.
    Received: n=0".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def optional_positive_int(value: Any, name: str) -> int | None:
    """`positive_int`, or None for None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return int(value)
