"""Differentiable augmentations (DiffAugment, Zhao et al. 2020, arXiv:2006.10738).

Pure TensorFlow functions of a batch and an explicit stateless seed (a shape-``[2]`` integer
tensor, as ``tf.random.stateless_uniform`` takes): the same seed gives the same draws, every
sample gets its own draw, and gradients flow to ``x``. Each one is the identity at strength 0
and, with ``probability``, is applied to each sample independently with that probability
(``probability=0`` is the identity). Images are NHWC in [-1, 1]; the colour functions also take
any batch of rank >= 2.
"""

from __future__ import annotations

import numbers
from typing import Any

import tensorflow as tf

__all__ = ["brightness", "contrast", "cutout", "saturation", "translation"]

Seed = Any  # a shape-[2] int32/int64 tensor (or a pair of ints)


def _check_strength(value: Any, name: str, upper: float | None = None) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value) >= 0
    if ok and upper is not None:
        ok = float(value) <= upper
    if not ok:
        bound = f"in [0, {upper}]" if upper is not None else ">= 0"
        raise ValueError(f"`{name}` must be a number {bound}. Received: {name}={value!r}")
    return float(value)


def _split(seed: Seed, n: int) -> list[tf.Tensor]:
    seed = tf.convert_to_tensor(seed)
    if seed.dtype not in (tf.int32, tf.int64):
        raise TypeError(f"`seed` must be an int32/int64 tensor of shape [2]. Received: {seed!r}")
    return list(tf.unstack(tf.random.experimental.stateless_split(seed, n)))


def _batch_uniform(x: tf.Tensor, seed: Seed, low: float, high: float) -> tf.Tensor:
    """One U(low, high) draw per sample, shaped to broadcast against ``x``."""
    shape = tf.concat([tf.shape(x)[:1], tf.ones([x.shape.rank - 1], tf.int32)], 0)
    draw = tf.random.stateless_uniform(shape, seed=seed, minval=low, maxval=high)
    return tf.cast(draw, x.dtype)


def _with_probability(
    x: tf.Tensor, augmented: tf.Tensor, seed: Seed, probability: Any
) -> tf.Tensor:
    """Each sample: ``augmented`` with probability ``probability``, else ``x`` unchanged."""
    if probability is None:
        return augmented
    chosen = _batch_uniform(x, seed, 0.0, 1.0) < tf.cast(probability, x.dtype)
    return tf.where(chosen, augmented, x)


def _floating(x: Any, rank: int | None = None) -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"`x` must be a floating point batch. Received dtype {x.dtype.name}")
    if rank is not None and x.shape.rank != rank:
        raise ValueError(f"`x` must be NHWC images (rank 4). Received shape {x.shape}")
    if rank is None and (x.shape.rank is None or x.shape.rank < 2):
        raise ValueError(f"`x` must be a batch of rank >= 2. Received shape {x.shape}")
    return x


def _scaled_deviation(x: tf.Tensor, centre: tf.Tensor, factor: tf.Tensor) -> tf.Tensor:
    # x + (f - 1) (x - centre): exactly x when f == 1 (strength 0), unlike (x - c) f + c.
    return x + (factor - 1) * (x - centre)


def brightness(x: Any, seed: Seed, strength: float = 1.0, probability: Any = None) -> tf.Tensor:
    """Adds ``strength * (u - 0.5)``, ``u ~ U(0, 1)`` per sample (DiffAugment's brightness).

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import brightness
        >>> x = tf.zeros((2, 4, 4, 3))
        >>> y = brightness(x, seed=[0, 1])
        >>> float(tf.reduce_max(tf.abs(y))) <= 0.5
        True
    """
    x = _floating(x)
    strength = _check_strength(strength, "strength")
    draw, choose = _split(seed, 2)
    augmented = x + strength * (_batch_uniform(x, draw, 0.0, 1.0) - 0.5)
    return _with_probability(x, augmented, choose, probability)


def saturation(x: Any, seed: Seed, strength: float = 1.0, probability: Any = None) -> tf.Tensor:
    """Scales each pixel's deviation from its channel mean by ``f ~ U(1 - s, 1 + s)``.

    ``strength=1`` is DiffAugment's ``U(0, 2)``; one-channel images are unchanged.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import saturation
        >>> x = tf.random.stateless_uniform((2, 4, 4, 3), seed=[0, 0], minval=-1)
        >>> bool(tf.reduce_all(saturation(x, seed=[0, 1], strength=0.0) == x))
        True
    """
    x = _floating(x)
    strength = _check_strength(strength, "strength")
    draw, choose = _split(seed, 2)
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    factor = _batch_uniform(x, draw, 1.0 - strength, 1.0 + strength)
    return _with_probability(x, _scaled_deviation(x, mean, factor), choose, probability)


def contrast(x: Any, seed: Seed, strength: float = 1.0, probability: Any = None) -> tf.Tensor:
    """Scales the deviation from the sample's mean by ``f ~ U(1 - s/2, 1 + s/2)``.

    ``strength=1`` is DiffAugment's ``U(0.5, 1.5)``.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import contrast
        >>> x = tf.random.stateless_uniform((2, 4, 4, 1), seed=[0, 0], minval=-1)
        >>> contrast(x, seed=[0, 1]).shape
        TensorShape([2, 4, 4, 1])
    """
    x = _floating(x)
    strength = _check_strength(strength, "strength")
    draw, choose = _split(seed, 2)
    mean = tf.reduce_mean(x, axis=tf.range(1, tf.rank(x)), keepdims=True)
    factor = _batch_uniform(x, draw, 1.0 - strength / 2, 1.0 + strength / 2)
    return _with_probability(x, _scaled_deviation(x, mean, factor), choose, probability)


def _static_side(x: tf.Tensor, axis: int) -> int:
    side = x.shape[axis]
    if side is None:
        raise ValueError(f"`x` needs a static height and width. Received shape {x.shape}")
    return int(side)


def translation(x: Any, seed: Seed, ratio: float = 0.125, probability: Any = None) -> tf.Tensor:
    """Shifts each image by whole pixels, up to ``ratio`` of its side each way; pads with 0.

    Shifts are drawn per sample and per axis from ``{-r, ..., r}``, ``r = round(ratio * side)``
    (DiffAugment uses ``ratio=1/8``).

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import translation
        >>> x = tf.ones((2, 8, 8, 1))
        >>> y = translation(x, seed=[0, 1], ratio=0.25)
        >>> y.shape, bool(tf.reduce_all(translation(x, seed=[0, 1], ratio=0.0) == x))
        (TensorShape([2, 8, 8, 1]), True)
    """
    x = _floating(x, rank=4)
    ratio = _check_strength(ratio, "ratio", upper=1.0)
    height, width = _static_side(x, 1), _static_side(x, 2)
    shift_h, shift_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    draw_h, draw_w, choose = _split(seed, 3)
    batch = tf.shape(x)[:1]
    dy = tf.random.stateless_uniform(
        tf.concat([batch, [1]], 0), draw_h, -shift_h, shift_h + 1, dtype=tf.int32
    )
    dx = tf.random.stateless_uniform(
        tf.concat([batch, [1]], 0), draw_w, -shift_w, shift_w + 1, dtype=tf.int32
    )
    padded = tf.pad(x, [[0, 0], [shift_h, shift_h], [shift_w, shift_w], [0, 0]])
    rows = tf.range(height)[None, :] + shift_h - dy  # (batch, height), in [0, height + 2 r)
    cols = tf.range(width)[None, :] + shift_w - dx
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    shifted = tf.gather(shifted, cols, axis=2, batch_dims=1)
    return _with_probability(x, shifted, choose, probability)


def cutout(x: Any, seed: Seed, ratio: float = 0.5, probability: Any = None) -> tf.Tensor:
    """Sets one square of ``ratio`` of each side to 0, at a random centre per sample.

    The square may reach over the border (then it is clipped), as in DiffAugment (``ratio=0.5``).

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import cutout
        >>> y = cutout(tf.ones((1, 8, 8, 1)), seed=[0, 1], ratio=0.5)
        >>> 0 < int(tf.reduce_sum(1 - y)) <= 16
        True
    """
    x = _floating(x, rank=4)
    ratio = _check_strength(ratio, "ratio", upper=1.0)
    height, width = _static_side(x, 1), _static_side(x, 2)
    size_h, size_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    draw_h, draw_w, choose = _split(seed, 3)
    batch = tf.shape(x)[:1]

    def inside(side: int, size: int, draw: Seed) -> tf.Tensor:
        centre = tf.random.stateless_uniform(
            tf.concat([batch, [1]], 0), draw, 0, side + (1 - size % 2), dtype=tf.int32
        )
        start = centre - size // 2
        index = tf.range(side)[None, :]
        return (index >= start) & (index < start + size)  # (batch, side)

    hole = inside(height, size_h, draw_h)[:, :, None] & inside(width, size_w, draw_w)[:, None, :]
    mask = 1 - tf.cast(hole[..., None], x.dtype)
    return _with_probability(x, x * mask, choose, probability)
