"""NumPy arrays in, validated float32 images in [-1, 1] (or a ``tf.data.Dataset``) out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["ValueRange", "from_array", "scale_to_symmetric"]

ValueRange = Literal["uint8", "unit", "symmetric", "none", "as_is"]
"""The value ranges `from_array` understands: ``"uint8"`` ([0, 255]), ``"unit"`` ([0, 1]),
``"symmetric"`` ([-1, 1]), ``"none"``/``"as_is"`` (no scaling, e.g. 2-D points).

Example:
    >>> from ganlib.data import ValueRange
    >>> "unit" in ValueRange.__args__
    True
"""

_RANGES: dict[str, tuple[float, float]] = {
    "uint8": (0.0, 255.0),
    "unit": (0.0, 1.0),
    "symmetric": (-1.0, 1.0),
}
_TOLERANCE = 1e-6


def _detect_range(x: np.ndarray, lo: float, hi: float, vectors: bool) -> str:
    if x.dtype == np.uint8:
        return "uint8"
    if vectors:
        return "none"
    if np.issubdtype(x.dtype, np.integer):
        raise ValueError(
            f"cannot tell the value range of integer {x.dtype} images (values {lo:g} to {hi:g}); "
            'pass value_range="uint8" for 0..255 pixels or convert to uint8'
        )
    if lo >= 0.0 and hi <= 1.0:
        return "unit"
    if lo >= -1.0 and hi <= 1.0:
        return "symmetric"
    raise ValueError(
        f"cannot tell the value range of `x`: values run from {lo:g} to {hi:g}, which is neither "
        '[0, 1] nor [-1, 1]; state it with value_range="uint8" (0..255), "unit", "symmetric", '
        'or "none" to keep the values as they are'
    )


def scale_to_symmetric(x: np.ndarray, value_range: str) -> np.ndarray:
    """Map ``x`` from ``value_range`` to [-1, 1] as float32.

    ``"uint8"``: ``x / 127.5 - 1``; ``"unit"``: ``2x - 1``; ``"symmetric"``, ``"none"`` and
    ``"as_is"``: unchanged.

    Example:
        >>> scale_to_symmetric(np.array([0, 255], dtype=np.uint8), "uint8")
        array([-1.,  1.], dtype=float32)
    """
    with np.errstate(over="ignore"):
        values = np.asarray(x, dtype=np.float32)
    if value_range == "uint8":
        return values / np.float32(127.5) - np.float32(1.0)
    if value_range == "unit":
        return values * np.float32(2.0) - np.float32(1.0)
    if value_range in ("symmetric", "none", "as_is"):
        return values
    raise ValueError(
        '`value_range` must be None, "uint8", "unit", "symmetric", "none" or "as_is". '
        f"Received: value_range={value_range!r}"
    )


def _as_numeric(x: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:
        raise TypeError(f"`{name}` must be an array of numbers. Received: {error}") from None
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"`{name}` must hold integers or floats. Received: dtype {array.dtype} "
            f"(type {type(x).__name__})"
        )
    return array


def _reshape(
    x: np.ndarray, shape: Sequence[int] | None, n_labels: int | None
) -> tuple[np.ndarray, bool]:
    """Return NHWC images (or (N, D) vectors) and whether the result is vectors."""
    if x.ndim == 0:
        raise ValueError(f"`x` must be an array of samples. Received: a scalar {x.item()!r}")
    if x.size == 0 or x.shape[0] == 0:
        raise ValueError(f"`x` is empty. Received: shape {x.shape}")
    if shape is not None:
        if isinstance(shape, int) or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in shape
        ):
            raise ValueError(f"`shape` must be a tuple of positive integers. Received: {shape!r}")
        shape = tuple(int(s) for s in shape)
        if len(shape) not in (1, 2, 3):
            raise ValueError(f"`shape` must be (D,), (H, W) or (H, W, C). Received: {shape}")
        if x.ndim == 1:
            x = x[None]
        if math.prod(x.shape[1:]) != math.prod(shape):
            raise ValueError(
                f"`x` samples of shape {x.shape[1:]} cannot be reshaped to shape={shape}"
            )
        x = x.reshape((x.shape[0], *shape))
        if len(shape) == 2:
            x = x[..., None]
        return x, len(shape) == 1
    if x.ndim == 1:
        raise ValueError(
            f"`x` has rank 1 (shape {x.shape}); pass images (N, H, W[, C]), a single image "
            "(H, W, C), vectors (N, D), or flat images with shape=(H, W[, C])"
        )
    if x.ndim == 2:
        return x, True
    if x.ndim == 3:
        one_image = x.shape[-1] in (1, 3, 4) and n_labels in (None, 1)
        if one_image and n_labels != x.shape[0]:
            return x[None], False  # one HWC image
        return x[..., None], False  # (N, H, W) grayscale
    if x.ndim == 4:
        if x.shape[1] in (1, 3) and x.shape[-1] > 4:
            raise ValueError(
                f"`x` of shape {x.shape} looks channels-first; ganlib uses NHWC: pass "
                "np.transpose(x, (0, 2, 3, 1))"
            )
        return x, False
    raise ValueError(f"`x` must have rank 2, 3 or 4. Received: shape {x.shape}")


def _labels(y: Any, n: int) -> np.ndarray:
    labels = _as_numeric(y, "y")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"`y` must be integer class labels of shape (N,). Received: shape {labels.shape}"
        )
    if len(labels) != n:
        raise ValueError(f"`y` has {len(labels)} labels but `x` has {n} samples")
    if np.issubdtype(labels.dtype, np.floating) and not (
        np.all(np.isfinite(labels)) and np.all(labels == np.round(labels))
    ):
        raise ValueError("`y` must hold integer class labels. Received: non-integer values")
    if labels.min() < 0 or labels.max() > np.iinfo(np.int32).max:
        raise ValueError(
            "`y` must hold class labels in [0, 2**31). "
            f"Received: values {labels.min()} to {labels.max()}"
        )
    return labels.astype(np.int32)


def from_array(
    x: Any,
    y: Any = None,
    *,
    value_range: ValueRange | None = None,
    shape: Sequence[int] | None = None,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray] | tf.data.Dataset:
    """Validate an array of images (or 2-D points) and scale it to float32 in [-1, 1].

    Accepted layouts: NHWC ``(N, H, W, C)``; grayscale ``(N, H, W)`` (a channel axis is added);
    one HWC image ``(H, W, C)`` with C in {1, 3, 4} (a rank-3 array whose last axis is 1, 3 or 4
    is read as one image unless ``y`` has one label per first-axis entry; pass ``x[None]`` or
    ``x[..., None]`` to be explicit); flat ``(N, D)`` with ``shape=(H, W[, C])``;
    vectors ``(N, D)`` such as 2-D points (kept as they are). A rank-4 array with 1 or 3 on axis 1
    and more than 4 on the last axis is refused as channels-first.

    ``value_range`` says what the input values mean: ``"uint8"`` (0..255, mapped by
    ``x / 127.5 - 1``), ``"unit"`` ([0, 1], mapped by ``2x - 1``), ``"symmetric"`` (already
    [-1, 1]) or ``"none"``/``"as_is"`` (no scaling, no range check: for 2-D points). ``None``
    detects it: uint8 dtype means 0..255; float images in [0, 1] are ``"unit"``; float images in
    [-1, 1] are ``"symmetric"``; float vectors (``(N, D)`` without ``shape``) are ``"none"``;
    anything else raises ``ValueError`` asking to state it. A stated range is checked.

    Args:
        x: The samples (NumPy array, nested lists or a tensor).
        y: Optional integer class labels, shape ``(N,)``; returned as int32.
        value_range: See above.
        shape: Per-sample shape for flat input, e.g. ``(28, 28)`` or ``(28, 28, 1)``.
        batch_size: ``None`` returns NumPy arrays; an integer returns a ``tf.data.Dataset`` of
            batches (shuffled when ``shuffle``, with ``seed``, prefetched).
        shuffle: Shuffle the dataset each epoch (dataset only; arrays keep their order).
        seed: Shuffle seed.
        drop_remainder: Drop the last incomplete batch (dataset only).

    Returns:
        ``x`` or ``(x, y)`` as float32 / int32 arrays, or a dataset yielding them by batch.

    Raises:
        TypeError: non-numeric ``x`` or ``y``.
        ValueError: empty input, wrong rank, NaN/Inf, values outside the stated range, label
            count mismatch or non-integer labels, bad ``shape``/``batch_size``.

    Example:
        >>> x = from_array(np.array([[[0, 255], [255, 0]]], dtype=np.uint8))
        >>> x.shape, x.dtype, x[0, :, :, 0].tolist()
        ((1, 2, 2, 1), dtype('float32'), [[-1.0, 1.0], [1.0, -1.0]])
        >>> ds = from_array(np.zeros((10, 2), np.float32), batch_size=4, seed=0)
        >>> [tuple(batch.shape) for batch in ds]
        [(4, 2), (4, 2), (2, 2)]
    """
    if value_range is not None and value_range not in (*_RANGES, "none", "as_is"):
        raise ValueError(
            '`value_range` must be None, "uint8", "unit", "symmetric", "none" or "as_is". '
            f"Received: value_range={value_range!r}"
        )
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(
            f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size!r}"
        )
    array = _as_numeric(x, "x")
    n_labels = None if y is None else int(np.shape(y)[0]) if np.ndim(y) > 0 else None
    array, vectors = _reshape(array, shape, n_labels)
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"`x` contains {bad} NaN or Inf value(s)")
    lo, hi = float(array.min()), float(array.max())
    chosen = value_range or _detect_range(array, lo, hi, vectors)
    if chosen in _RANGES:
        low, high = _RANGES[chosen]
        if lo < low - _TOLERANCE or hi > high + _TOLERANCE:
            raise ValueError(
                f'`x` values run from {lo:g} to {hi:g}, outside value_range="{chosen}" '
                f"([{low:g}, {high:g}])"
            )
    images = scale_to_symmetric(array, chosen)
    if chosen in _RANGES:
        images = np.clip(images, -1.0, 1.0)
    elif not np.all(np.isfinite(images)):
        raise ValueError("`x` values overflow float32")
    labels = None if y is None else _labels(y, len(images))

    if batch_size is None:
        return images if labels is None else (images, labels)

    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(int(batch_size), drop_remainder=drop_remainder)
    return dataset.prefetch(tf.data.AUTOTUNE)
