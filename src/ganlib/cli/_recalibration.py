"""`ganlib train --recalibrate-batch-norm` (private): the run setting that re-estimates the
BatchNorm statistics of the generator weights that sample
(`ganlib.sampling.recalibrate_batch_norm`).

`GeneratorEMA` runs the averaged weights with the raw generator's BatchNorm statistics. With
the run's `recalibrate_batch_norm` on (the `mnist` recipe with its EMA; off for other data and
in folders of earlier versions), `ganlib train` re-estimates them from `SAMPLES` samples of the
run's seed before it saves `generator.keras`, and `ganlib sample` / `ganlib evaluate` do the
same when they sample from a checkpoint. Checkpoints hold the statistics training left (they
are written during `fit`, before), so `--resume` continues exactly as an uninterrupted run.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from ganlib._atomic import atomic_path
from ganlib.cli._infogan import sampling_generator
from ganlib.cli.config import RunConfig

__all__ = ["BATCH_SIZE", "SAMPLES", "add_option", "recalibrate_for_sampling", "save_generator"]

SAMPLES = 10_000
"""Generated samples the statistics are estimated from (the measured setting)."""
BATCH_SIZE = 500
"""Samples per batch of that pass (each batch normalised by its own statistics)."""


def add_option(parser: argparse.ArgumentParser) -> None:
    """Adds `--recalibrate-batch-norm` / `--no-recalibrate-batch-norm` to `ganlib train`."""
    parser.add_argument(
        "--recalibrate-batch-norm",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="re-estimate the BatchNorm statistics of the saved (EMA) generator from "
        f"{SAMPLES:,} of its samples (default on for mnist with its EMA)",
    )


def recalibrate_for_sampling(trainer: Any, config: RunConfig) -> int:
    """Re-estimates the statistics of `trainer`'s sampling weights when the run asks for it
    (`config.recalibrate_batch_norm`); the number of BatchNorm layers re-estimated."""
    if not config.recalibrate_batch_norm:
        return 0
    from ganlib.sampling import recalibrate_batch_norm

    return recalibrate_batch_norm(trainer, SAMPLES, batch_size=BATCH_SIZE, seed=config.seed)


def save_generator(trainer: Any, ema: Any, path: Path, config: RunConfig) -> Path:
    """Writes the run's `generator.keras` atomically: the weights that sample (the EMA weights
    with a `GeneratorEMA` `ema`), their statistics re-estimated when the run asks for it, an
    InfoGAN generator behind its latent mapping (`ganlib.cli._infogan.sampling_generator`)."""
    recalibrate_for_sampling(trainer, config)
    with atomic_path(path) as tmp, ema.swapped() if ema is not None else contextlib.nullcontext():
        sampling_generator(trainer).save(tmp)
    return path
