"""Helper run in a subprocess by tests/test_reliability_crash.py (not a test module).

Modes:

``train``  a tiny, deterministic GANTrainer + GANCheckpoint run (every epoch) of ``--epochs``
           epochs in ``--dir``; ``--resume`` restores the newest complete checkpoint first and
           trains on to ``--epochs``; ``--pace`` sleeps after each epoch so a parent can kill
           it mid-run; ``--out`` receives every state array at the end (np.savez, no pickle).
``writes`` numpy only (no TensorFlow import, starts in a fraction of a second): writes
           checkpoints ``step = last + 1, ...`` forever in ``--dir`` (each array filled with
           its step), for a parent that SIGKILLs it at random moments.
``die``    writes one checkpoint of step 1, then starts a checkpoint of step 2 (or 1 again for
           ``overwrite``) and ``os._exit``s at the fault point ``--at`` — what SIGKILL leaves.

Output lines start with ``CRASH:`` so the parent can parse them among TensorFlow's logs.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

FAULT_POINTS = (
    "state_partial",  # state.npz half written, no manifest
    "before_manifest",  # state.npz complete and fsync'ed, no manifest yet
    "before_rename",  # temp folder complete, not yet renamed to ckpt-*
    "overwrite_swap",  # same step saved again: old one moved aside, new one not yet in place
    "prune",  # new checkpoint in place; killed while deleting the oldest one (keep=1)
)
ARRAY_SIZE = 250_000  # 2 MB of float64 per checkpoint: long enough to be killed mid-write


def say(message: str) -> None:
    print(f"CRASH: {message}", flush=True)


# ------------------------------------------------------------------------------ train
def build_trainer(seed: int = 7) -> Any:
    """Tiny MLP GAN on 2-D points; initial weights from numpy, so every process agrees."""
    import keras

    from ganlib import GANTrainer, losses

    g = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )
    d = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    rng = np.random.default_rng(0)
    for model in (g, d):
        model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in model.weights])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=seed)
    trainer.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(2e-3))
    return trainer


def points(n: int = 64) -> np.ndarray:
    return np.random.default_rng(1).normal(size=(n, 2)).astype("float32")


def train(args: argparse.Namespace) -> None:
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    arrays = fit(args.dir, args.epochs, resume=args.resume, pace=args.pace)
    if args.out:
        with open(args.out, "wb") as f:
            np.savez(f, **arrays)
    say("finished")


def fit(
    directory: str | Path | None, epochs: int, *, resume: bool = False, pace: float = 0.0
) -> dict[str, np.ndarray]:
    """Trains (or resumes) the tiny GAN to `epochs`; returns every state array at the end.

    Call with TensorFlow op determinism enabled. `directory=None` trains without checkpoints.
    """
    import keras

    from ganlib.callbacks import GANCheckpoint
    from ganlib.checkpoint import trainer_arrays

    keras.utils.set_random_seed(0)
    trainer = build_trainer()
    initial = 0
    if resume:
        assert directory is not None
        initial = trainer.restore(directory)
        say(f"resumed epoch={initial}")

    class Pace(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            say(f"epoch {epoch + 1} done")
            time.sleep(pace)

    callbacks: list[Any] = [Pace()]
    if directory is not None:
        callbacks.insert(0, GANCheckpoint(directory, every_epochs=1, keep=None))
    trainer.fit(
        points(),
        batch_size=16,
        epochs=epochs,
        initial_epoch=initial,
        shuffle=False,
        callbacks=callbacks,
        verbose=0,
    )
    return trainer_arrays(trainer)


# ----------------------------------------------------------------------------- writes
def writes(args: argparse.Namespace) -> None:
    from ganlib.checkpoint import latest_checkpoint, read_checkpoint, write_checkpoint

    found = latest_checkpoint(args.dir)
    step = 0 if found is None else int(read_checkpoint(found)[0]["step"])
    say(f"start after step={step}")
    while True:
        step += 1
        write_checkpoint(args.dir, {"w": np.full(ARRAY_SIZE, float(step))}, step=step, keep=3)


# -------------------------------------------------------------------------------- die
def die(args: argparse.Namespace) -> None:
    import ganlib.checkpoint.format as ckpt

    def exit_now(*_: Any, **__: Any) -> None:
        sys.stdout.flush()
        os._exit(9)

    ckpt.write_checkpoint(args.dir, {"w": np.full(1000, 1.0)}, step=1)
    step, keep = 2, None
    if args.at == "state_partial":
        real_savez = np.savez

        def half_savez(f: Any, **arrays: Any) -> None:
            buffer = io.BytesIO()
            real_savez(buffer, **arrays)
            data = buffer.getvalue()
            f.write(data[: len(data) // 2])
            f.flush()
            exit_now()

        ckpt.np.savez = half_savez  # type: ignore[attr-defined]
    elif args.at == "before_manifest":
        ckpt._sha256 = exit_now  # type: ignore[assignment]  # called right after state.npz
    elif args.at == "before_rename":
        ckpt._fsync_dir = exit_now  # type: ignore[assignment]  # after both files, pre-rename
    elif args.at == "overwrite_swap":
        step = 1
        real_replace, calls = os.replace, []

        def second_replace_dies(src: Any, dst: Any) -> None:
            calls.append(src)
            if len(calls) == 2:  # 1st: old ckpt-1 moved aside; 2nd would put the new one there
                exit_now()
            real_replace(src, dst)

        ckpt.os.replace = second_replace_dies  # type: ignore[assignment]
    elif args.at == "prune":
        keep = 1

        def delete_part_then_die(path: Any, ignore_errors: bool = False) -> None:
            (Path(path) / "manifest.json").unlink()
            exit_now()

        ckpt.shutil.rmtree = delete_part_then_die  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown fault point {args.at!r}; known: {FAULT_POINTS}")
    ckpt.write_checkpoint(args.dir, {"w": np.full(1000, 2.0)}, step=step, keep=keep)
    say("not killed")  # reached only when the hook did not fire


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("train", "writes", "die"))
    parser.add_argument("--dir", required=True)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--pace", type=float, default=0.0)
    parser.add_argument("--out", default=None)
    parser.add_argument("--at", default=None)
    args = parser.parse_args(argv)
    {"train": train, "writes": writes, "die": die}[args.mode](args)


if __name__ == "__main__":
    main()
