"""Argument types of the `ganlib` command line: each converts one option's text or raises
`argparse.ArgumentTypeError` with a one-line reason (shown as a usage error, exit 2)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

__all__ = ["MAX_D_STEPS", "MAX_INT", "METRIC_NAMES", "positive_int"]

METRIC_NAMES = ("fid", "kid", "pr", "dc", "score")
"""Metrics accepted by `ganlib evaluate --metrics`."""

MAX_INT = 2**31 - 1
"""Largest value of an integer option (TensorFlow counts steps and sizes in int32/int64)."""


def positive_int(text: str) -> int:
    """argparse type: an integer in [1, 2**31 - 1].

    Example:
        >>> positive_int("3")
        3
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"must be a positive integer <= {MAX_INT}, got {value}")
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
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if not 0 <= value <= MAX_INT:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**31), got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (learning rates)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (penalty weights)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def beta_float(text: str) -> float:
    """argparse type: an Adam beta, a number in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in [0, 1), got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a number in [0, 1), got {text}")
    return value


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
