"""Packing (PacGAN, Lin et al. 2018, arXiv:1712.04086): the discriminator judges m samples at once.

``m`` consecutive samples of a batch form one *pack*, concatenated along the last axis (the
channel axis of NHWC images, the feature axis of vectors): a batch ``(B, *shape)`` becomes
``(B / m, *shape[:-1], m * shape[-1])``, and the discriminator returns one logit per pack.
Packing conditional models is refused: a pack would mix labels (see docs/quality.md).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

__all__ = ["Pack", "check_pack", "pack", "packed", "packed_shape"]


def check_pack(value: Any, num_classes: int | None = None) -> int:
    """Validates a pack size: an integer >= 1, and 1 for a conditional model.

    Example:
        >>> from ganlib.models.packing import check_pack
        >>> check_pack(4)
        4
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValueError(f"`pack` must be an integer >= 1. Received: pack={value!r}")
    if int(value) > 1 and num_classes is not None:
        raise ValueError(
            "`pack` > 1 is not supported for conditional models: a pack of m samples would "
            f"carry m labels. Use pack=1 with num_classes set. Received: pack={value!r}, "
            f"num_classes={num_classes!r}"
        )
    return int(value)


def packed_shape(shape: Sequence[int], m: int) -> tuple[int, ...]:
    """The per-pack input shape: ``shape`` with its last axis multiplied by ``m``.

    Example:
        >>> from ganlib.models import packed_shape
        >>> packed_shape((28, 28, 1), 4), packed_shape((2,), 4)
        ((28, 28, 4), (8,))
    """
    m = check_pack(m)
    shape = tuple(int(s) for s in shape)
    if not shape:
        raise ValueError("`shape` must have at least one axis to pack along. Received: ()")
    return (*shape[:-1], shape[-1] * m)


def pack(x: Any, m: int) -> tf.Tensor:
    """Groups ``m`` consecutive samples: ``(B, *shape) -> (B/m, *shape[:-1], m*shape[-1])``.

    Pack ``k`` holds samples ``k*m, ..., k*m + m - 1``, concatenated along the last axis in
    that order. ``B`` must be divisible by ``m``.

    Example:
        >>> import numpy as np
        >>> from ganlib.models import pack
        >>> pack(np.arange(8.0).reshape(4, 2), 2).numpy().tolist()
        [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
    """
    m = check_pack(m)
    x = tf.convert_to_tensor(x)
    if m == 1:
        return x
    if x.shape.rank is None or x.shape.rank < 2:
        raise ValueError(f"`x` must be a batch of rank >= 2 to pack. Received shape {x.shape}")
    batch = x.shape[0]
    if batch is not None and batch % m:
        raise ValueError(
            f"The batch size must be divisible by pack={m}. Received a batch of {batch}"
        )
    rank = x.shape.rank
    rest = tf.shape(x)[1:]
    grouped = tf.reshape(x, tf.concat([[-1, m], rest], 0))  # (B/m, m, *shape)
    perm = [0, *range(2, rank), 1, rank]  # (B/m, *shape[:-1], m, shape[-1])
    moved = tf.transpose(grouped, perm)
    return tf.reshape(moved, tf.concat([[-1], rest[:-1], [m * rest[-1]]], 0))


@keras.saving.register_keras_serializable(package="ganlib")
class Pack(keras.layers.Layer):
    """A Keras layer doing `pack`: ``(B, *shape)`` in, ``(B/m, *packed_shape)`` out.

    Registered with Keras (package ``ganlib``), so a model holding it saves and loads with
    ``safe_mode=True`` once ``ganlib.models`` is imported.

    Example:
        >>> import numpy as np
        >>> from ganlib.models import Pack
        >>> Pack(2)(np.zeros((6, 28, 28, 1), "float32")).shape
        TensorShape([3, 28, 28, 2])
    """

    def __init__(self, m: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.m = check_pack(m)

    def call(self, x: Any) -> Any:
        return pack(x, self.m)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        batch = input_shape[0]
        out = None if batch is None else batch // self.m
        last = input_shape[-1]
        return (out, *input_shape[1:-1], None if last is None else last * self.m)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "m": self.m}


def packed(discriminator: keras.Model, m: int) -> keras.Model:
    """Wraps a discriminator built for packed inputs into one taking unpacked batches.

    ``discriminator`` takes ``packed_shape(shape, m)`` (e.g. built by a builder with
    ``pack=m``, or your own model); the result takes ``(B, *shape)`` and returns ``B/m``
    logits, ready for a loop of your own. (`GANTrainer(pack=m)` wants the unwrapped one: it
    packs itself, so that penalties see packed inputs.)

    Example:
        >>> import numpy as np
        >>> from ganlib.models import MLPDiscriminator, packed
        >>> d = MLPDiscriminator(input_shape=(2,), hidden_units=(8,), pack=4).build()
        >>> packed(d, 4)(np.zeros((12, 2), "float32")).shape
        TensorShape([3, 1])
    """
    m = check_pack(m)
    inputs = getattr(discriminator, "inputs", None)
    if not isinstance(discriminator, keras.Model) or not inputs or len(inputs) != 1:
        raise TypeError(
            "`discriminator` must be a built unconditional keras.Model (one input). "
            f"Received: {discriminator!r}"
        )
    shape = tuple(inputs[0].shape[1:])
    if not shape or shape[-1] is None or shape[-1] % m:
        raise ValueError(
            f"The discriminator input's last axis must be divisible by m={m}. "
            f"Received input shape {shape}"
        )
    x = keras.Input(shape=(*shape[:-1], shape[-1] // m), name="images")
    return keras.Model(x, discriminator(Pack(m, name="pack")(x)), name=f"packed_{m}")
