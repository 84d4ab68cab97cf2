"""Helper run in a subprocess by tests/test_resume_library.py (not a test module).

The documented library recipe for an exactly resumable run (docs/howto/resume.md): a
`GANTrainer`, `GANCheckpoint(every_steps=1)` and `ganlib.data.resumable_batches` started at the
restored step. ``--resume`` restores the newest complete checkpoint first; ``--pace`` sleeps
after each step so the parent can SIGKILL it at a random step; ``--out`` receives every state
array at the end. Output lines start with ``CRASH:``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _crash_train import build_trainer, points, say

BATCH, SEED, STEPS_PER_EPOCH = 16, 3, 4  # 64 points: 4 batches per pass


def fit(directory: str | None, total: int, *, resume: bool = False, pace: float = 0.0) -> Any:
    """Trains (or resumes) to `total` steps; returns every state array (op determinism on)."""
    import keras

    from ganlib import callbacks, data
    from ganlib.checkpoint import trainer_arrays

    keras.utils.set_random_seed(0)
    trainer = build_trainer()
    if resume and directory:
        trainer.restore(directory)
    start = int(trainer.step_counter.numpy())
    say(f"resumed step={start}")

    class Pace(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            say(f"step {int(trainer.step_counter.numpy())}")
            time.sleep(pace)

    saving: list[Any] = []
    if directory:
        saving.append(callbacks.GANCheckpoint(directory, every_epochs=None, every_steps=1, keep=2))
    for segment in data.fit_segments(start, STEPS_PER_EPOCH, total // STEPS_PER_EPOCH):
        batches = data.resumable_batches(
            points(), batch_size=BATCH, seed=SEED, start=segment.start, steps=segment.steps
        )
        trainer.fit(
            batches,
            epochs=segment.epochs,
            initial_epoch=segment.initial_epoch,
            steps_per_epoch=segment.steps_per_epoch,
            callbacks=[*saving, Pace()],
            verbose=0,
        )
    return trainer_arrays(trainer)


def main() -> None:
    import tensorflow as tf

    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--pace", type=float, default=0.0)
    parser.add_argument("--out")
    args = parser.parse_args()
    tf.config.experimental.enable_op_determinism()
    arrays = fit(args.dir, args.steps, resume=args.resume, pace=args.pace)
    if args.out:
        with open(args.out, "wb") as f:
            np.savez(f, **arrays)
    say("finished")


if __name__ == "__main__":
    main()
