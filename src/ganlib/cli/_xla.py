"""Whether a new run of `ganlib train` compiles its training step with XLA (private)."""

from __future__ import annotations

from ganlib.cli.config import RunConfig

__all__ = ["POINTS_XLA_MIN_STEPS", "xla_for_run"]

POINTS_XLA_MIN_STEPS = 200
"""Runs on vector data at least this long train with XLA. On the ring's MLP pair XLA halved
the time of a step and cost about 6 s of compilation (measured at load 5: 59 against 115 ms a
step, 15 against 8 s of set-up), so it pays back after a hundred-odd steps."""


def xla_for_run(config: RunConfig) -> bool:
    """XLA for a new run's training step: vector data, at least `POINTS_XLA_MIN_STEPS` steps."""
    return config.is_points and config.total_steps >= POINTS_XLA_MIN_STEPS
