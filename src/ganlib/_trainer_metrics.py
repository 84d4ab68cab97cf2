"""`GANTrainer`'s epoch metrics (private): batch-weighted means of the step's logged values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

from ganlib.distribute import strategy_logs


class TrainerMetrics:
    """Mixin of `GANTrainer`: one `keras.metrics.Mean` per logged name."""

    def _init_metrics(self, names: list[str], penalties: Sequence[Any]) -> None:
        names = names + [p.name for p in penalties]
        if len(set(names)) != len(names):
            raise ValueError(f"Metric names must be unique. Received penalties named {names[4:]}")
        self._trackers = {n: keras.metrics.Mean(name=n) for n in names}

    def track_metric(self, name: str) -> None:
        """Adds an epoch metric (a batch-weighted mean) that the loss methods' logs may fill.

        A subclass calls it in `__init__` for each extra value its `discriminator_loss` or
        `generator_loss` override returns in `logs`.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"`name` must be a non-empty string. Received: name={name!r}")
        if name in self._trackers:
            raise ValueError(f"A metric named {name!r} is already tracked.")
        self._trackers[name] = keras.metrics.Mean(name=name)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self._trackers.values())

    def _log(self, batch: tf.Tensor, values: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        for name, value in values.items():
            if name not in self._trackers:
                raise KeyError(
                    f"{name!r} is not a metric of this trainer: register it with "
                    f"track_metric({name!r}) in __init__. Known: {sorted(self._trackers)}"
                )
            self._trackers[name].update_state(tf.reduce_mean(value), sample_weight=batch)
        return strategy_logs({name: t.result() for name, t in self._trackers.items()})
