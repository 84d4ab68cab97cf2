"""Checks of `GANTrainer`'s public entry points for inputs that used to fail silently (private).

- a discriminator whose output is already a probability (sigmoid/softmax) trained with a
  `from_logits=True` loss, or one with several output units or tensors;
- `sample(labels=...)` with labels outside `[0, num_classes)` or not whole numbers;
- an empty batch in a `tf.data` stream (it made every logged loss NaN).

Each raises the `ValueError`/`TypeError` the trainer documents, naming the argument and value.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

_PROBABILITY = ("sigmoid", "softmax")


def _activation_name(operation: Any) -> str | None:
    activation = getattr(operation, "activation", None)
    name = getattr(activation, "__name__", None)
    return str(name) if name else None


def final_activation(model: Any) -> str | None:
    """The activation that produces `model`'s first output, when it can be read, else None."""
    outputs = getattr(model, "outputs", None) or []
    if not outputs:
        return None
    tensor = outputs[0]
    for _ in range(4):  # look through float32 casts and plain linear wrappers
        history = getattr(tensor, "_keras_history", None)
        operation = getattr(history, "operation", None)
        if operation is None:
            return None
        name = _activation_name(operation)
        if name not in (None, "linear"):
            return name
        inputs = getattr(operation, "_inbound_nodes", None)
        is_wrapper = type(operation).__name__ == "Activation"
        if not (is_wrapper and inputs):
            return name
        parents = inputs[0].input_tensors
        if len(parents) != 1:
            return name
        tensor = parents[0]
    return None


_HEAD_METHODS = (
    "train_step",
    "test_step",
    "discriminate",
    "discriminator_input",
    "discriminator_loss",
    "generator_loss",
)


def check_discriminator_output(trainer: Any, base: type, discriminator: Any, loss: Any) -> None:
    """Refuses a discriminator output the loss would misread (see the module doc).

    When `trainer`'s class overrides how `base` calls the discriminator or assembles its loss,
    several outputs are the subclass's business and only the activation is checked.
    """
    custom_head = any(
        getattr(type(trainer), m, None) is not getattr(base, m, None) for m in _HEAD_METHODS
    )
    outputs = getattr(discriminator, "outputs", None) or []
    if not outputs:
        return
    if len(outputs) > 1 and not custom_head:
        raise ValueError(
            "`discriminator` must have one output (a logit per sample, shape (batch, 1)); a "
            "trainer subclass that overrides the discriminator loss may use more. Received: "
            f"{len(outputs)} outputs of shapes {[tuple(t.shape) for t in outputs]}"
        )
    shape = tuple(outputs[0].shape)
    if not custom_head and len(outputs) == 1 and len(shape) >= 2 and shape[-1] not in (1, None):
        raise ValueError(
            "`discriminator` must output one logit per sample (last axis of size 1, e.g. "
            f"(batch, 1), or (batch, h, w, 1) per patch). Received: output shape {shape}"
        )
    activation = final_activation(discriminator)
    from_logits = getattr(loss, "from_logits", None)
    if from_logits is True and activation in _PROBABILITY:
        raise ValueError(
            f"`discriminator` ends in a {activation} (probabilities) but the loss "
            f"{type(loss).__name__} expects logits (from_logits=True): remove the {activation} "
            f"or pass {type(loss).__name__}(from_logits=False). Received: loss={loss!r}"
        )
    if from_logits is False and activation in (None, "linear"):
        warnings.warn(
            f"the loss {type(loss).__name__} expects probabilities (from_logits=False) but the "
            "discriminator's output layer has no sigmoid; its logs will be NaN for outputs "
            "outside [0, 1]",
            stacklevel=3,
        )


def check_sample_labels(labels: Any, num_classes: int | None) -> None:
    """Refuses `sample(labels=...)` values that are not whole numbers in `[0, num_classes)`."""
    if labels is None or num_classes is None:
        return
    try:
        array = np.asarray(labels)
    except (ValueError, TypeError):
        raise TypeError(f"`labels` must be integer class labels. Received: {labels!r}") from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"`labels` must be integer class labels. Received: labels with dtype={array.dtype}"
        )
    if array.size == 0:
        return
    values = array.astype(np.float64).reshape(-1)
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
        bad = values[~np.isfinite(values) | (values != np.round(values))][0]
        raise ValueError(f"`labels` must be whole numbers. Received: a label {bad!r}")
    low, high = values.min(), values.max()
    if low < 0 or high >= num_classes:
        raise ValueError(
            f"`labels` must lie in [0, {num_classes}) for num_classes={num_classes}. "
            f"Received: labels from {int(low)} to {int(high)}"
        )


EMPTY_BATCH_MESSAGE = (
    "GANTrainer.fit: a batch of the training data holds 0 examples (an empty tf.data batch "
    "would make every loss NaN); filter empty batches out of the dataset"
)


def guard_empty_batches(dataset: Any) -> Any:
    """`dataset` with a check that fails on an empty batch (see `empty_batch_errors`).

    The check runs in the input pipeline (on the host), not in the compiled step.
    """
    import tensorflow as tf

    def check(*element: Any) -> Any:
        first = tf.nest.flatten(element)[0]
        size = tf.shape(first)[0] if first.shape.rank else tf.constant(1)
        with tf.control_dependencies(
            [tf.debugging.assert_positive(size, message=EMPTY_BATCH_MESSAGE)]
        ):
            checked = tf.nest.map_structure(tf.identity, element)
        return checked if len(element) != 1 else checked[0]

    return dataset.map(check)


@contextlib.contextmanager
def empty_batch_errors() -> Iterator[None]:
    """Turns the pipeline's empty-batch assertion into a one-line `ValueError`."""
    import tensorflow as tf

    try:
        yield
    except tf.errors.InvalidArgumentError as error:
        if EMPTY_BATCH_MESSAGE in str(error.message):
            raise ValueError(EMPTY_BATCH_MESSAGE) from None
        raise
