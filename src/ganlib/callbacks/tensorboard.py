"""`TensorBoardSamples`: generated samples and `MetricMonitor` results in TensorBoard."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib.callbacks.monitor import MetricMonitor
from ganlib.callbacks.sample_grid import image_grid, image_summary
from ganlib.distribute import is_chief

__all__ = ["TensorBoardSamples", "scalar_summary"]


def scalar_summary(tag: str, value: float, step: int) -> None:
    """`tf.summary.scalar` without the TensorBoard package: the "scalars" plugin's format.

    Example:
        >>> import tempfile, tensorflow as tf
        >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
        ...     scalar_summary("metrics/fid", 12.5, step=3)
    """
    from tensorflow.core.framework import summary_pb2

    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "scalars"
    metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    tf.summary.write(tag, tf.constant(float(value), tf.float32), step=step, metadata=metadata)


def _is_image(shape: Sequence[int]) -> bool:
    return len(shape) == 2 or (len(shape) == 3 and shape[-1] in (1, 3, 4))


class TensorBoardSamples(keras.callbacks.Callback):
    """Writes samples from fixed noise as TensorBoard images, and `MetricMonitor` results as
    scalars, every `every_epochs` epochs, into `log_dir/subdir`.

    Give it the `log_dir` of `keras.callbacks.TensorBoard` and the samples appear beside the
    losses that callback logs (`subdir="train"` is the folder Keras writes its training logs
    to; TensorBoard reads every event file of a folder). Image generators get a grid
    (`image_grid`, one row per class when conditional) under the tag `samples`; vector
    generators get a scatter (or, for 1-D vectors, a histogram) of the samples over
    `reference` data (`ganlib.plots`, which needs matplotlib: without it a one-time warning
    and no image). Each monitor's values of the epoch are written as `metrics/<name>`. Steps
    are Keras's 0-based epoch index, the step of Keras's own `epoch_*` scalars. Only the chief
    worker writes. Uses the `GeneratorEMA` weights when one is attached. Writes without the
    `tensorboard` package (Keras's own callback needs it); `tensorboard --logdir LOG_DIR`
    shows the result.

    Example:
        >>> from ganlib.callbacks import MetricMonitor, TensorBoardSamples
        >>> monitor = MetricMonitor(lambda g: {"weights": float(len(g.weights))})
        >>> board = TensorBoardSamples("runs/mnist/tensorboard", n=16, monitors=[monitor])
    """

    def __init__(
        self,
        log_dir: str | Path,
        every_epochs: int = 1,
        n: int = 64,
        seed: int = 0,
        reference: Any = None,
        monitors: Sequence[MetricMonitor] = (),
        subdir: str = "train",
    ) -> None:
        super().__init__()
        if isinstance(every_epochs, bool) or not isinstance(every_epochs, int) or every_epochs < 1:
            raise ValueError(f"`every_epochs` must be a positive integer. Received: {every_epochs}")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 4096:
            raise ValueError(f"`n` must be an integer in [1, 4096]. Received: n={n!r}")
        for monitor in monitors:
            if not isinstance(monitor, MetricMonitor):
                raise TypeError(
                    f"`monitors` must hold MetricMonitor callbacks. Received: {monitor}"
                )
        self.log_dir = Path(log_dir) / subdir
        self.every_epochs, self.n, self.seed = every_epochs, n, seed
        self.reference = None if reference is None else np.asarray(reference)
        self.monitors = tuple(monitors)
        self._writer: Any = None
        self._warned = False

    def _image(self, epoch: int) -> np.ndarray | None:
        model = self.model
        classes = model.num_classes
        labels = None
        rows = cols = None
        if classes is not None and _is_image(model.data_shape):
            cols = max(1, self.n // classes)
            labels, rows = np.repeat(np.arange(classes), cols), classes
        count = self.n if labels is None else len(labels)
        samples = model.sample(count, labels=labels, seed=self.seed)
        if _is_image(samples.shape[1:]):
            return image_grid(samples, rows=rows, cols=cols)
        if samples.ndim != 2:
            return None
        from ganlib.plots import PlotDependencyError, scatter_image

        try:
            return scatter_image(samples, self.reference, title=f"samples, epoch {epoch + 1}")
        except PlotDependencyError as error:
            if not self._warned:
                self._warned = True
                warnings.warn(f"TensorBoardSamples: no scatter images: {error}", stacklevel=2)
            return None

    def write(self, epoch: int) -> None:
        """Writes the samples image and the monitors' values of `epoch` now."""
        if not is_chief(self.model):
            return
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.log_dir))
        image = self._image(epoch)
        with self._writer.as_default():
            if image is not None:
                image_summary("samples", image, epoch)
            for monitor in self.monitors:
                latest = monitor.history[-1] if monitor.history else {}
                if latest.get("epoch") != epoch + 1:
                    continue  # the monitor did not run this epoch
                for name, value in latest.items():
                    if name != "epoch" and math.isfinite(value):
                        scalar_summary(f"metrics/{name}", value, epoch)
        self._writer.flush()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if (epoch + 1) % self.every_epochs == 0:
            self.write(epoch)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
