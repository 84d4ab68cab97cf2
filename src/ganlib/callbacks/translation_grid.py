"""`TranslationGrid`: input | output | target rows written as PNG during translation training."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np

from ganlib.callbacks._per_execution import StepHookOptional
from ganlib.callbacks.sample_grid import image_grid, write_png
from ganlib.distribute import is_chief

__all__ = ["TranslationGrid"]


def _channels(images: np.ndarray, channels: int) -> np.ndarray:
    return np.repeat(images, channels, axis=-1) if images.shape[-1] == 1 < channels else images


class TranslationGrid(StepHookOptional, keras.callbacks.Callback):
    """Saves a grid with one row per fixed input: input | output | target (when given).

    Works with `TranslationTrainer` and `CycleGANTrainer` (anything with a `translate`
    method); `direction` (`"a_to_b"` or `"b_to_a"`) is passed to a `CycleGANTrainer`. Files:
    `directory/translation_epoch_{epoch:04d}.png` or `translation_step_{step:09d}.png`.
    Grayscale columns are repeated to RGB when the other columns are colour. Uses the EMA
    weights when the trainer holds them. Only the chief worker writes.

    Example:
        >>> import numpy as np
        >>> from ganlib.callbacks import TranslationGrid
        >>> x = np.zeros((4, 28, 28, 1), "float32")
        >>> grid = TranslationGrid("runs/edges2digits", inputs=x, targets=x, every_epochs=5)
    """

    def __init__(
        self,
        directory: str | Path,
        inputs: Any,
        targets: Any = None,
        every_epochs: int | None = 1,
        every_steps: int | None = None,
        direction: str | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("every_epochs", every_epochs), ("every_steps", every_steps)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"`{name}` must be a positive integer or None. Received: {value}")
        self.inputs = np.asarray(inputs, dtype="float32")
        if self.inputs.ndim != 4 or len(self.inputs) == 0:
            raise ValueError(
                f"`inputs` must be images (n, H, W, C) with n > 0. Received: {self.inputs.shape}"
            )
        self.targets = None if targets is None else np.asarray(targets, dtype="float32")
        if self.targets is not None and len(self.targets) != len(self.inputs):
            raise ValueError(
                f"`targets` must match `inputs` one to one: {len(self.inputs)} inputs, "
                f"{len(self.targets)} targets"
            )
        self.directory = Path(directory)
        self.every_epochs, self.every_steps = every_epochs, every_steps
        self.direction = direction
        self.written: list[Path] = []

    def grid(self) -> np.ndarray:
        """The current grid as a uint8 image `(H, W, C)`."""
        kwargs = {} if self.direction is None else {"direction": self.direction}
        outputs = self.model.translate(self.inputs, **kwargs)
        columns = [self.inputs, outputs] + ([] if self.targets is None else [self.targets])
        channels = max(c.shape[-1] for c in columns)
        columns = [_channels(c, channels) for c in columns]
        cells = np.stack(columns, axis=1).reshape(-1, *columns[0].shape[1:])
        return image_grid(cells, rows=len(self.inputs), cols=len(columns))

    def write(self, name: str) -> Path | None:
        """Writes `directory/{name}.png` now; returns the path (None on non-chief workers)."""
        if not is_chief(self.model):
            return None
        path = write_png(self.directory / f"{name}.png", self.grid())
        self.written.append(path)
        return path

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_epochs and (epoch + 1) % self.every_epochs == 0:
            self.write(f"translation_epoch_{epoch + 1:04d}")

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_steps:
            step = int(self.model.step_counter.numpy())
            if step % self.every_steps == 0:
                self.write(f"translation_step_{step:09d}")
