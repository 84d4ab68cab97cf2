"""Argument types of the `ganlib` command line: each converts one option's text or raises
`argparse.ArgumentTypeError` with a one-line reason (shown as a usage error, exit 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["MAX_D_STEPS", "MAX_INT", "METRIC_NAMES", "positive_int"]

METRIC_NAMES = ("fid", "kid", "pr", "dc", "score")
"""Metrics accepted by `ganlib evaluate --metrics`."""

MAX_INT = 2**31 - 1
"""Largest value of an integer option (TensorFlow counts steps and sizes in int32/int64)."""


Number = TypeVar("Number", int, float)


def _number(
    text: str,
    kind: Callable[[str], Number],
    valid: Callable[[Number], bool],
    expected: str,
    bound: str,
) -> Number:
    """`text` converted by `kind`; `ArgumentTypeError` "must be <expected>, got ..." when it
    does not convert, "must be <bound>, got ..." when `valid(value)` is false."""
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {expected}, got {text!r}") from None
    if not valid(value):
        raise argparse.ArgumentTypeError(f"must be {bound}, got {value if kind is int else text}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer in [1, 2**31 - 1].

    Example:
        >>> positive_int("3")
        3
    """
    expected = "a positive integer"
    value = _number(text, int, lambda v: v >= 1, expected, expected)
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"must be {expected} <= {MAX_INT}, got {value}")
    return value


MAX_D_STEPS = 100
"""Largest `--d-steps` (discriminator steps per training step; WGAN-GP uses 5)."""


def d_steps_int(text: str) -> int:
    """argparse type: discriminator steps per step, an integer in [1, MAX_D_STEPS].

    Example:
        >>> d_steps_int("5")
        5
    """
    value = positive_int(text)
    if value > MAX_D_STEPS:
        raise argparse.ArgumentTypeError(f"must be an integer <= {MAX_D_STEPS}, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    bound = "an integer in [0, 2**31)"
    return _number(text, int, lambda v: 0 <= v <= MAX_INT, "a non-negative integer", bound)


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (learning rates)."""
    expected = "a positive number"
    return _number(text, float, lambda v: 0 < v < float("inf"), expected, expected)


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (penalty weights)."""
    bound = "a finite number >= 0"
    return _number(text, float, lambda v: 0 <= v < float("inf"), "a number >= 0", bound)


def beta_float(text: str) -> float:
    """argparse type: an Adam beta, a number in [0, 1)."""
    expected = "a number in [0, 1)"
    return _number(text, float, lambda v: 0 <= v < 1, expected, expected)


def _augment_policy(text: str) -> str:
    """argparse type: a DiffAugment policy (comma list of operations) or `none`."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    known = ("color", "brightness", "saturation", "contrast", "translation", "cutout")
    if names == ["none"]:
        return "none"
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown augmentation(s) {', '.join(unknown) or repr(text)}; "
            f"choose from {', '.join(known)} (comma-separated) or none"
        )
    return ",".join(dict.fromkeys(names))


def _choice(options: Sequence[str]) -> Any:
    """argparse type: one of `options` (case, `-` and `_` ignored); the canonical name."""
    table = {o.lower().replace("-", "").replace("_", ""): o for o in options}

    def convert(text: str) -> str:
        key = text.lower().replace("-", "").replace("_", "")
        if key not in table:
            raise argparse.ArgumentTypeError(
                f"unknown value {text!r}; choose from {', '.join(options)}"
            )
        return table[key]

    return convert


def _metric_list(text: str) -> list[str]:
    names = [m.strip().lower() for m in text.split(",") if m.strip()]
    unknown = [m for m in names if m not in METRIC_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown metric(s) {', '.join(unknown) or repr(text)}; "
            f"choose from {', '.join(METRIC_NAMES)}"
        )
    return list(dict.fromkeys(names))


def _labels(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be integers separated by commas, got {text!r}"
        ) from None
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"must be non-negative integers, got {text!r}")
    if max(values) > MAX_INT:
        raise argparse.ArgumentTypeError(f"must be integers <= {MAX_INT}, got {max(values)}")
    return values
