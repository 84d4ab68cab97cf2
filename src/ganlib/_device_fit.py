"""How `GANTrainer.fit` takes a `ganlib.data.DeviceData` (private).

`prepare_fit` checks the data against the trainer, creates its variables under the trainer's
strategy and returns what Keras's `fit` iterates over instead (empty markers, one per step);
`device_batch` runs inside the compiled step and draws the real batch at the trainer's
`data_position`.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from ganlib.data.device import DeviceData
from ganlib.distribute import replica_rows

MARKER = "device_data"
STATE_NAME = "data_position"
_UNSUPPORTED = ("sample_weight", "class_weight", "validation_split")


def prepare_fit(
    trainer: Any, data: DeviceData, y: Any, batch_size: Any, kwargs: dict[str, Any]
) -> Any:
    """Checks `fit(DeviceData, ...)` arguments, binds the data to the trainer; returns the
    marker dataset that `keras.Model.fit` iterates over. Changes `kwargs` in place."""
    if y is not None:
        raise ValueError("Pass labels inside the DeviceData (DeviceData(x, y)), not as fit's `y`.")
    if batch_size is not None and batch_size != data.batch_size:
        raise ValueError(
            f"`batch_size` is set by the DeviceData ({data.batch_size}). "
            f"Received: batch_size={batch_size}"
        )
    for name in _UNSUPPORTED:
        if kwargs.get(name) is not None and kwargs.get(name) != 0.0:
            raise ValueError(f"`{name}` is not supported with DeviceData. Received: {name}=...")
    if data.sample_shape != tuple(trainer.data_shape):
        raise ValueError(
            f"DeviceData samples must have shape {tuple(trainer.data_shape)} (the "
            f"discriminator input). Received: {data.sample_shape}"
        )
    if trainer.conditional != (data.y is not None):
        need = "needs labels: DeviceData(x, y)" if trainer.conditional else "takes no labels"
        raise ValueError(f"This GAN {need}.")
    if data.y is not None and data.y.size:
        low, high = int(data.y.min()), int(data.y.max())
        if low < 0 or high >= trainer.num_classes:
            raise ValueError(f"labels must lie in [0, {trainer.num_classes}). Got [{low}, {high}]")
    seed = trainer.seed if data.seed is None else data.seed
    with trainer.distribute_strategy.scope():
        data.bind(seed)
    use(trainer, (data, seed))
    validation = kwargs.get("validation_data")
    if isinstance(validation, DeviceData):
        kwargs["validation_data"] = (
            validation.x if validation.y is None else (validation.x, validation.y)
        )
        kwargs.setdefault("validation_batch_size", validation.batch_size)
    kwargs["shuffle"] = False  # the order is the DeviceData's
    return data.markers(kwargs.get("steps_per_epoch"))


def attach_device_data(trainer: Any) -> keras.Variable:
    """Creates the trainer's `data_position` counter (batches drawn from a DeviceData so far)
    and registers it as checkpointed state; returns it."""
    position = keras.Variable(
        0, dtype="int64", trainable=False, aggregation="only_first_replica", name="data_position"
    )
    trainer.track_state(STATE_NAME, position)
    trainer._device_source = None
    return position


def use(trainer: Any, source: tuple[DeviceData, int] | None) -> None:
    """Sets the trainer's device data source; a different source needs a new trace."""
    if getattr(trainer, "_device_source", None) != source:
        trainer.train_function = None
    trainer._device_source = source


def device_batch(trainer: Any, marker: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor | None]:
    """This replica's real batch (and labels) for the current step, drawn in the step."""
    if trainer._device_source is None:
        raise ValueError("A DeviceData marker reached the step outside fit(DeviceData(...)).")
    data, seed = trainer._device_source
    batch = tf.shape(marker)[0]
    position = tf.identity(trainer.data_position.value)  # read now, before the increment
    trainer.data_position.assign_add(tf.constant(1, "int64"))
    real, labels = data.draw(position, batch, replica_rows(batch), seed)
    return tf.cast(real, trainer.compute_dtype), labels


def is_marker(x: Any) -> bool:
    """True for the marker structure `DeviceData.markers` yields."""
    return isinstance(x, dict) and MARKER in x
