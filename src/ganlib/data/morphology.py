"""Morphological image maps used to build translation tasks with a known answer.

Images are float32 ``(n, H, W, C)`` in [-1, 1] (numpy in, numpy out). With a flat ``size x size``
structuring element, grayscale dilation is a max filter and erosion a min filter; the
morphological gradient ``dilate - erode`` is an edge map. From MNIST they give:

- a paired task, edges -> digit: ``(edge_map(x), x)``;
- an unpaired task, thin <-> thick strokes: ``x`` and ``dilate(x)`` taken from disjoint halves,
  whose true mapping (``dilate``, and back the original digit) scores a translator.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["dilate", "edge_map", "erode"]


def _images(images: Any, size: Any) -> tuple[np.ndarray, int]:
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            "`images` must be float images (n, H, W[, C]) in [-1, 1]. "
            f"Received: dtype={x.dtype}, shape={x.shape}"
        )
    if (
        isinstance(size, bool)
        or not isinstance(size, numbers.Integral)
        or size < 1
        or size % 2 == 0
    ):
        raise ValueError(f"`size` must be an odd positive integer. Received: size={size!r}")
    return x.astype("float32", copy=False), int(size)


def _max_filter(x: np.ndarray, size: int) -> np.ndarray:
    import tensorflow as tf

    return np.asarray(tf.nn.max_pool2d(x, size, 1, "SAME"))


def dilate(images: Any, size: int = 3) -> np.ndarray:
    """Grayscale dilation (a ``size x size`` max filter): strokes get thicker.

    Example:
        >>> import numpy as np
        >>> from ganlib.data import dilate
        >>> x = -np.ones((1, 5, 5, 1), "float32"); x[0, 2, 2] = 1.0
        >>> int((dilate(x) > 0).sum())  # one pixel becomes a 3x3 square
        9
    """
    x, size = _images(images, size)
    return _max_filter(x, size)


def erode(images: Any, size: int = 3) -> np.ndarray:
    """Grayscale erosion (a ``size x size`` min filter): strokes get thinner.

    Example:
        >>> import numpy as np
        >>> from ganlib.data import dilate, erode
        >>> x = -np.ones((1, 7, 7, 1), "float32"); x[0, 3, 3] = 1.0
        >>> bool(np.array_equal(erode(dilate(x)), x))  # an opening of a dilation
        True
    """
    x, size = _images(images, size)
    return -_max_filter(-x, size)


def edge_map(images: Any, size: int = 3) -> np.ndarray:
    """Morphological gradient ``dilate - erode``, mapped back to [-1, 1]: the outlines.

    Example:
        >>> import numpy as np
        >>> from ganlib.data import edge_map
        >>> x = -np.ones((1, 9, 9, 1), "float32"); x[0, 2:7, 2:7] = 1.0
        >>> e = edge_map(x)[0, :, :, 0]
        >>> float(e[4, 4]), float(e[2, 4])  # inside the square: no edge; its border: edge
        (-1.0, 1.0)
    """
    x, size = _images(images, size)
    gradient = _max_filter(x, size) + _max_filter(-x, size)  # dilate(x) - erode(x), in [0, 2]
    return np.clip(gradient - 1.0, -1.0, 1.0).astype("float32")
