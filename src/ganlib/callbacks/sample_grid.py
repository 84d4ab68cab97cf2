"""`SampleGrid`: a fixed-noise grid of generated images written as PNG during training."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._atomic import write_bytes
from ganlib._validation import optional_positive_int, positive_int
from ganlib.callbacks._per_execution import StepHookOptional
from ganlib.distribute import is_chief

__all__ = ["SampleGrid", "image_grid", "image_summary", "write_png"]


def image_grid(
    images: np.ndarray, rows: int | None = None, cols: int | None = None, padding: int = 1
) -> np.ndarray:
    """Tiles images `(n, h, w[, c])` with values in [-1, 1] into one uint8 image `(H, W, c)`.

    Values map as `round((x + 1) * 127.5)`, clipped to [0, 255]; empty cells stay black.

    Example:
        >>> import numpy as np
        >>> from ganlib.callbacks import image_grid
        >>> image_grid(np.zeros((6, 28, 28, 1)), rows=2, cols=3).shape
        (57, 86, 1)
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4) or len(images) == 0:
        raise ValueError(
            f"`images` must have shape (n, h, w) or (n, h, w, 1|3|4) with n > 0. "
            f"Received: {images.shape}"
        )
    n, h, w, c = images.shape
    if cols is None:
        cols = math.ceil(n / rows) if rows else math.ceil(math.sqrt(n))
    if rows is None:
        rows = math.ceil(n / cols)
    if rows * cols < n:
        raise ValueError(f"A {rows}x{cols} grid cannot hold {n} images.")
    pixels = np.clip(np.rint((np.nan_to_num(images) + 1.0) * 127.5), 0, 255).astype("uint8")
    grid = np.zeros((rows * (h + padding) - padding, cols * (w + padding) - padding, c), "uint8")
    for i in range(n):
        top, left = (i // cols) * (h + padding), (i % cols) * (w + padding)
        grid[top : top + h, left : left + w] = pixels[i]
    return grid


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Writes a uint8 image `(H, W, 1|3|4)` as PNG (TensorFlow's encoder), atomically.

    Example:
        >>> import tempfile, numpy as np
        >>> from ganlib.callbacks import write_png
        >>> path = write_png(tempfile.mkdtemp() + "/x.png", np.zeros((4, 5, 1), "uint8"))
        >>> path.read_bytes()[:4]
        b'\\x89PNG'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(path, tf.io.encode_png(np.asarray(image, dtype="uint8")).numpy())


def image_summary(tag: str, image: np.ndarray, step: int) -> None:
    """`tf.summary.image` without the TensorBoard package: the "images" plugin's own format.

    Writes a uint8 image `(H, W, C)` under `tag` to the default summary writer.

    Example:
        >>> import tempfile, numpy as np, tensorflow as tf
        >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
        ...     image_summary("grid", np.zeros((4, 4, 1), "uint8"), step=0)
    """
    from tensorflow.core.framework import summary_pb2

    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "images"
    height, width = image.shape[:2]
    data = tf.stack([tf.as_string(width), tf.as_string(height), tf.io.encode_png(image)])
    tf.summary.write(tag, data, step=step, metadata=metadata)


class SampleGrid(StepHookOptional, keras.callbacks.Callback):
    """Saves a grid of samples from fixed noise every `every_epochs` epochs (or `every_steps`).

    Files: `directory/samples_epoch_{epoch:04d}.png` (epochs counted from 1) or
    `samples_step_{step:09d}.png`. A conditional GAN gets one row per class. Generators whose
    output is not an image (e.g. 2-D points) get `.npy` files of the samples instead, with a
    one-time warning. With `tensorboard_dir`, the grid is also logged as a TensorBoard image.
    Only the chief worker writes. Uses the `GeneratorEMA` weights when one is attached.

    Example:
        >>> from ganlib.callbacks import SampleGrid
        >>> grid = SampleGrid("runs/mnist", every_epochs=5, n=16, seed=0)
    """

    def __init__(
        self,
        directory: str | Path,
        every_epochs: int | None = 1,
        every_steps: int | None = None,
        n: int = 64,
        rows: int | None = None,
        cols: int | None = None,
        seed: int = 0,
        tensorboard_dir: str | Path | None = None,
    ) -> None:
        super().__init__()
        optional_positive_int(every_epochs, "every_epochs")
        optional_positive_int(every_steps, "every_steps")
        positive_int(n, "n")
        self.directory = Path(directory)
        self.every_epochs, self.every_steps = every_epochs, every_steps
        self.n, self.rows, self.cols, self.seed = n, rows, cols, seed
        self.tensorboard_dir = tensorboard_dir
        self._writer: Any = None
        self.written: list[Path] = []

    def _labels(self) -> tuple[np.ndarray | None, int | None, int | None]:
        classes = self.model.num_classes
        if classes is None:
            return None, self.rows, self.cols
        cols = self.cols or max(1, self.n // classes)
        return np.repeat(np.arange(classes), cols), classes, cols

    def write(self, name: str, step: int) -> Path | None:
        """Generates the grid now and writes `directory/{name}.png`; returns the path."""
        if not is_chief(self.model):
            return None
        labels, rows, cols = self._labels()
        count = self.n if labels is None else len(labels)
        images = self.model.sample(count, labels=labels, seed=self.seed)
        if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (1, 3, 4)):
            path = self.directory / f"{name}.npy"
            self.directory.mkdir(parents=True, exist_ok=True)
            np.save(path, images, allow_pickle=False)
            self.written.append(path)
            return path
        grid = image_grid(images, rows=rows, cols=cols)
        path = write_png(self.directory / f"{name}.png", grid)
        self.written.append(path)
        if self.tensorboard_dir is not None:
            if self._writer is None:
                self._writer = tf.summary.create_file_writer(str(self.tensorboard_dir))
            with self._writer.as_default():
                image_summary("samples", grid, step)
            self._writer.flush()
        return path

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        shape = self.model.data_shape
        if len(shape) not in (2, 3) or (len(shape) == 3 and shape[-1] not in (1, 3, 4)):
            warnings.warn(
                f"SampleGrid: generator output shape {shape} is not an image; saving the "
                "samples as .npy arrays instead of PNG grids.",
                stacklevel=2,
            )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_epochs and (epoch + 1) % self.every_epochs == 0:
            self.write(f"samples_epoch_{epoch + 1:04d}", epoch + 1)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.every_steps:
            step = int(self.model.step_counter.numpy())
            if step % self.every_steps == 0:
                self.write(f"samples_step_{step:09d}", step)
