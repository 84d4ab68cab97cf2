"""How `ganlib train` runs `fit` from the restored step to the run's length (private).

The run is split by `ganlib.data.fit_segments` (the library's exact-resume path): a run
continued from a checkpoint taken inside an epoch first finishes that epoch, then runs whole
ones, each `fit` call reading `ganlib.data.resumable_batches` from its own start step. So every
epoch ends at the step it ends at in an uninterrupted run, no dataset runs out inside `fit`,
and `StopAtStep` ends training at exactly `total_steps`.
"""

from __future__ import annotations

import math
from typing import Any

from ganlib.cli._setup import batches, progress_verbosity
from ganlib.cli.config import RunConfig


def stop_at_step(total: int) -> Any:
    """A callback that stops `fit` once the trainer's step counter reaches `total`."""
    import keras

    class StopAtStep(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if int(self.model.step_counter.numpy()) >= total:
                self.model.stop_training = True

    return StopAtStep()


def fit_to_total(
    trainer: Any, x: Any, y: Any, config: RunConfig, callbacks: list[Any], guard: Any
) -> tuple[dict[str, float], int]:
    """Trains from the trainer's step to `config.total_steps`; returns (last logs, epochs done).

    `callbacks` must include `stop_at_step(config.total_steps)`; `guard` (a `DivergenceGuard`)
    ends the loop early when it fired.
    """
    from ganlib.data import fit_segments

    per_epoch, total = config.steps_per_epoch, config.total_steps
    logs: dict[str, float] = {}
    for segment in fit_segments(
        int(trainer.step_counter.numpy()), per_epoch, math.ceil(total / per_epoch)
    ):
        dataset = batches(x, y, config.batch_size, config.seed, segment.start, segment.steps)
        history = trainer.fit(
            dataset,
            epochs=segment.epochs,
            initial_epoch=segment.initial_epoch,
            steps_per_epoch=segment.steps_per_epoch,
            callbacks=callbacks,
            verbose=progress_verbosity(),
            shuffle=False,
        )
        logs.update({k: v[-1] for k, v in history.history.items() if v})
        if guard.message or int(trainer.step_counter.numpy()) >= total:
            break
    return logs, math.ceil(int(trainer.step_counter.numpy()) / per_epoch)
