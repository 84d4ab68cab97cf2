"""A run's trainer at its latest checkpoint, with the weights it samples with (private)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ganlib.cli._setup import make_trainer
from ganlib.cli.config import RunConfig

__all__ = ["restore_trainer"]


def restore_trainer(folder: Path, config: RunConfig) -> tuple[Any, Path]:
    """`(trainer, checkpoint)`: the run's trainer at its latest complete checkpoint.

    When the run kept a `GeneratorEMA`, the generator holds the averaged weights; with the
    run's `recalibrate_batch_norm`, their BatchNorm statistics re-estimated as for
    `generator.keras` (`ganlib.cli._recalibration`).
    """
    from ganlib.checkpoint import latest_checkpoint
    from ganlib.cli._recalibration import recalibrate_for_sampling
    from ganlib.cli.train import CHECKPOINT_DIR

    checkpoint = latest_checkpoint(folder / CHECKPOINT_DIR)
    if checkpoint is None:
        raise FileNotFoundError(f"{folder} has no complete checkpoint")
    trainer = make_trainer(config)
    ema = None
    if config.ema:
        from ganlib.callbacks import GeneratorEMA

        ema = GeneratorEMA()
        ema.set_model(trainer)
        ema.build()
    trainer.restore(checkpoint)
    if ema is not None:
        ema.swap()  # the generator now holds the averaged weights
    recalibrate_for_sampling(trainer, config)
    return trainer, checkpoint
