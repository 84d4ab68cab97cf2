"""How `ganlib train` runs `fit` from the restored step to the run's length (private).

The run is split by `ganlib.data.fit_segments` (the library's exact-resume path): a run
continued from a checkpoint taken inside an epoch first finishes that epoch, then runs whole
ones, each `fit` call reading `ganlib.data.resumable_batches` from its own start step (a run
with `config.device_data` passes one `ganlib.data.DeviceData` instead, whose position is the
trainer's checkpointed `data_position`, so batch `b` is the same with and without a restart).
So every epoch ends at the step it ends at in an uninterrupted run, no dataset runs out inside
`fit`, and `StopAtStep` ends training at exactly `total_steps`.

Steps per call: none of the run's callbacks forces one step per call (`ganlib train` without
`--tensorboard`), so the trainer's automatic `steps_per_execution` applies, picked once for the
whole run as a divisor of the steps per epoch, `total_steps` and the start step
(`ganlib._fast_defaults.steps_per_execution_for_run`): every call ends on a multiple of it, so
calls end exactly at every epoch end and at `total_steps`, and a run resumed from one of its
checkpoints makes the same calls as an uninterrupted one (the EMA, updated once per call, too).
"""

from __future__ import annotations

import math
from typing import Any

from ganlib.cli._setup import batches, progress_verbosity
from ganlib.cli.config import RunConfig


def stop_at_step(total: int) -> Any:
    """A callback that stops `fit` once the trainer's step counter reaches `total`.

    It checks once per call of the training function, so with `steps_per_execution=k` it stops
    at exactly `total` when the calls end there (`fit_to_total` picks k dividing `total`).
    """
    import keras

    class StopAtStep(keras.callbacks.Callback):
        batch_hooks_per_execution = True

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
    from ganlib._fast_defaults import steps_per_execution_for_run

    start = int(trainer.step_counter.numpy())
    with steps_per_execution_for_run(
        trainer, callbacks, (config.steps_per_epoch, config.total_steps, start)
    ):
        return _fit_segments(trainer, x, y, config, callbacks, guard)


def _fit_segments(
    trainer: Any, x: Any, y: Any, config: RunConfig, callbacks: list[Any], guard: Any
) -> tuple[dict[str, float], int]:
    from ganlib.data import fit_segments

    per_epoch, total = config.steps_per_epoch, config.total_steps
    logs: dict[str, float] = {}
    device = None
    if config.device_data:  # one DeviceData for every call: its variables are made once
        from ganlib.data import DeviceData

        device = DeviceData(x, y, batch_size=config.batch_size, seed=config.seed)
    for segment in fit_segments(
        int(trainer.step_counter.numpy()), per_epoch, math.ceil(total / per_epoch)
    ):
        dataset = device
        if dataset is None:
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
