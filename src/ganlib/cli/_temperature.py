"""Sampling temperature on the command line (private): `ganlib train --sample-temperature T`
records a run's default, `ganlib sample` / `evaluate --temperature T` override it, and
`ganlib sample` / `evaluate` / `export` apply it (`ganlib.sampling.with_temperature`).

Temperature scales plain samples: a run that samples through `--rejection` by default keeps
temperature 1 (its sampler was calibrated on the generator as trained).
"""

from __future__ import annotations

import argparse

from ganlib.cli.argtypes import positive_float
from ganlib.cli.config import RunConfig
from ganlib.cli.rejection import refuse_beside_rejection

__all__ = ["add_train_option", "check_plain_temperature", "chosen_temperature"]


def add_train_option(parser: argparse.ArgumentParser) -> None:
    """Adds `--sample-temperature T` to `ganlib train`."""
    parser.add_argument(
        "--sample-temperature",
        type=positive_float,
        metavar="T",
        default=None,
        help="latent temperature that sample/evaluate/export use by default: > 1 more variety, "
        "< 1 more fidelity (the recipe's: 1.15 for mnist, else 1)",
    )


def chosen_temperature(requested: float | None, config: RunConfig | None) -> float:
    """`--temperature` when given, else the run's `sample_temperature` (1 without a config).

    Example:
        >>> chosen_temperature(None, RunConfig(dataset="mnist", kind="mnist",
        ...                                    sample_temperature=1.25))
        1.25
    """
    if requested is not None:
        return float(requested)
    return float(config.sample_temperature) if config is not None else 1.0


def check_plain_temperature(
    temperature: float, method: str | None, option: str = "--temperature"
) -> None:
    """`CLIError` when `temperature` is not 1 but samples come from `--rejection method`."""
    if temperature != 1.0:
        refuse_beside_rejection(option, method, does="scales")
