"""The interface every benchmark variant implements, and a timing callback for `fit`."""

from __future__ import annotations

import time
from typing import Any


class Variant:
    """A training setup that can run `steps` steps and report the time they took."""

    name = "variant"
    describe = ""

    def __init__(self, family: str, x: Any, batch: int, spe: int) -> None:
        self.family, self.x, self.batch, self.spe = family, x, batch, spe
        self.flops = 0

    def setup(self) -> None:
        """Builds models and compiles (no step run)."""

    def first_step(self) -> None:
        """Runs one step (or one execution), tracing whatever needs tracing."""

    def timed(self, steps: int) -> float:
        """Seconds taken by `steps` steps after warm-up."""
        raise NotImplementedError


def make_timer() -> Any:
    """A Keras callback recording the end of the first execution and of training."""
    import keras

    class Timer(keras.callbacks.Callback):
        # Only the end of the first execution matters: `GANTrainer`'s automatic
        # steps_per_execution may call the batch hook once per execution.
        batch_hooks_per_execution = True

        def __init__(self) -> None:
            super().__init__()
            self.first: float | None = None
            self.end = 0.0

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if self.first is None:
                self.first = time.perf_counter()

        def on_train_end(self, logs: Any = None) -> None:
            self.end = time.perf_counter()

    return Timer()
