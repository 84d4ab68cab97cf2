"""`StepHookOptional`: the `steps_per_execution` rule of callbacks with an `every_steps` option."""

from __future__ import annotations


class StepHookOptional:
    """Mixin of callbacks whose batch hook only serves `every_steps` (private).

    `batch_hooks_per_execution` is True without `every_steps`: the batch hook then does
    nothing, so `fit` may run several steps per call (`ganlib._fast_defaults.hooks_every_batch`).
    With `every_steps` it is False: one step per call, so files are written at exact multiples.
    """

    every_steps: int | None

    @property
    def batch_hooks_per_execution(self) -> bool:
        """True when no `every_steps` is set (see the class docstring)."""
        return self.every_steps is None
