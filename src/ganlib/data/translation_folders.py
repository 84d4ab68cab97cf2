"""Paired and unpaired image data for translation trainers, streamed with ``tf.data``.

- :func:`paired_folders`: ``root/A/x.png`` with ``root/B/x.png`` (matching file names) ->
  ``(a, b)`` batches for ``TranslationTrainer``;
- :func:`unpaired_folders`: ``root/A/*`` and ``root/B/*`` (any names, any counts) -> dict
  batches ``{"a": ..., "b": ...}`` for ``CycleGANTrainer``;
- :func:`unpaired_arrays`: the same from two numpy arrays.

Images are decoded, resized (bilinear) and scaled to float32 [-1, 1].
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ganlib.data.folders import IMAGE_EXTENSIONS, _size

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["paired_folders", "unpaired_arrays", "unpaired_folders"]

_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def _check(batch_size: Any, color_mode: Any) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
    if color_mode not in _CHANNELS:
        raise ValueError(
            f'`color_mode` must be "rgb", "grayscale" or "rgba". Received: {color_mode!r}'
        )


def _images_in(folder: Path, what: str) -> dict[str, Path]:
    if not folder.is_dir():
        raise ValueError(f"{what} must be an existing folder of images. Missing: {folder}")
    files = {
        str(p.relative_to(folder)): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
    }
    if not files:
        raise ValueError(f"no images ({', '.join(IMAGE_EXTENSIONS)}) found under {folder}")
    return files


def _loader(size: tuple[int, int], channels: int) -> Any:
    import tensorflow as tf

    def load(path: tf.Tensor) -> tf.Tensor:
        image = tf.io.decode_image(
            tf.io.read_file(path), channels=channels, expand_animations=False
        )
        image = tf.image.resize(tf.cast(image, tf.float32), size, method="bilinear")
        image.set_shape((*size, channels))
        return image / 127.5 - 1.0

    return load


def paired_folders(
    path: str | os.PathLike[str],
    size: int | tuple[int, int],
    *,
    batch_size: int = 16,
    color_mode: Literal["rgb", "grayscale", "rgba"] = "rgb",
    target_color_mode: Literal["rgb", "grayscale", "rgba"] | None = None,
    shuffle: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Stream ``(a, b)`` batches from ``path/A`` and ``path/B``, paired by file name.

    Every file under ``A/`` needs a file with the same relative name under ``B/`` and the
    other way round; a ``ValueError`` lists the names that do not match.

    Args:
        path: folder holding ``A/`` (inputs) and ``B/`` (targets).
        size: output ``(height, width)`` or one int.
        batch_size: pairs per batch.
        color_mode: channels of ``A`` images: ``"rgb"``, ``"grayscale"`` or ``"rgba"``.
        target_color_mode: channels of ``B`` images (default: ``color_mode``).
        shuffle: shuffle the pairs each epoch.
        seed: shuffle seed.

    Example:
        >>> import tempfile, numpy as np, tensorflow as tf
        >>> root = tempfile.mkdtemp()
        >>> png = tf.io.encode_png(np.zeros((8, 8, 1), np.uint8))
        >>> for side in "AB":
        ...     tf.io.write_file(f"{root}/{side}/0.png", png)
        >>> a, b = next(iter(paired_folders(root, 4, color_mode="grayscale")))
        >>> tuple(a.shape), tuple(b.shape)
        ((1, 4, 4, 1), (1, 4, 4, 1))
    """
    import tensorflow as tf

    _check(batch_size, color_mode)
    target_mode = color_mode if target_color_mode is None else target_color_mode
    _check(batch_size, target_mode)
    image_size = _size(size)
    root = Path(path)
    a_files = _images_in(root / "A", "`path`/A")
    b_files = _images_in(root / "B", "`path`/B")
    only_a, only_b = sorted(set(a_files) - set(b_files)), sorted(set(b_files) - set(a_files))
    if only_a or only_b:
        raise ValueError(
            f"paired_folders needs matching file names under {root}/A and {root}/B. "
            f"Only in A: {only_a[:5]}{' ...' if len(only_a) > 5 else ''}; "
            f"only in B: {only_b[:5]}{' ...' if len(only_b) > 5 else ''}"
        )
    names = sorted(a_files)
    pairs = tf.data.Dataset.from_tensor_slices(
        ([str(a_files[n]) for n in names], [str(b_files[n]) for n in names])
    )
    if shuffle:
        pairs = pairs.shuffle(len(names), seed=seed, reshuffle_each_iteration=True)
    load_a = _loader(image_size, _CHANNELS[color_mode])
    load_b = _loader(image_size, _CHANNELS[target_mode])
    pairs = pairs.map(lambda a, b: (load_a(a), load_b(b)), num_parallel_calls=tf.data.AUTOTUNE)
    return pairs.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _unpaired(
    a: Any, b: Any, batch_size: int, shuffle: bool, seed: int | None, load: Any = None
) -> Any:
    import tensorflow as tf

    n_a, n_b = int(a.cardinality()), int(b.cardinality())
    steps = min(n_a, n_b) // batch_size
    if steps < 1:
        raise ValueError(
            f"`batch_size`={batch_size} is larger than the smaller domain ({min(n_a, n_b)} "
            "images): no full batch of both."
        )
    if shuffle:
        a = a.shuffle(n_a, seed=seed, reshuffle_each_iteration=True)
        b = b.shuffle(n_b, seed=None if seed is None else seed + 1, reshuffle_each_iteration=True)
    if load is not None:  # decode after shuffling file names: the buffer holds names only
        a = a.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        b = b.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    a, b = a.batch(batch_size, drop_remainder=True), b.batch(batch_size, drop_remainder=True)
    zipped = tf.data.Dataset.zip(a.take(steps), b.take(steps))
    return zipped.map(lambda x, y: {"a": x, "b": y}).prefetch(tf.data.AUTOTUNE)


def unpaired_arrays(
    a: Any, b: Any, batch_size: int = 16, *, shuffle: bool = True, seed: int | None = None
) -> tf.data.Dataset:
    """Dict batches ``{"a": ..., "b": ...}`` from two image arrays of any lengths.

    Each domain is shuffled on its own each epoch; an epoch has ``min(len(a), len(b)) //
    batch_size`` batches (full batches only).

    Example:
        >>> import numpy as np
        >>> from ganlib.data import unpaired_arrays
        >>> a, b = np.zeros((10, 4, 4, 1), "float32"), np.ones((7, 4, 4, 1), "float32")
        >>> ds = unpaired_arrays(a, b, 3)
        >>> [tuple(batch["b"].shape) for batch in ds]
        [(3, 4, 4, 1), (3, 4, 4, 1)]
    """
    import tensorflow as tf

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
    arrays = []
    for name, value in (("a", a), ("b", b)):
        x = np.asarray(value)
        if x.ndim != 4 or not np.issubdtype(x.dtype, np.floating):
            raise ValueError(
                f"`{name}` must be float images (n, H, W, C) in [-1, 1]. "
                f"Received: dtype={x.dtype}, shape={x.shape}"
            )
        arrays.append(tf.data.Dataset.from_tensor_slices(x.astype("float32", copy=False)))
    return _unpaired(arrays[0], arrays[1], batch_size, shuffle, seed)


def unpaired_folders(
    path: str | os.PathLike[str],
    size: int | tuple[int, int],
    *,
    batch_size: int = 16,
    color_mode: Literal["rgb", "grayscale", "rgba"] = "rgb",
    shuffle: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Dict batches ``{"a": ..., "b": ...}`` from ``path/A`` and ``path/B`` (any names, counts).

    Like :func:`unpaired_arrays`: each domain shuffled on its own, ``min(n_A, n_B) //
    batch_size`` full batches per epoch.

    Example:
        >>> import tempfile, numpy as np, tensorflow as tf
        >>> root = tempfile.mkdtemp()
        >>> for name in ("A/x.png", "A/y.png", "B/z.png"):
        ...     tf.io.write_file(f"{root}/{name}", tf.io.encode_png(np.zeros((8, 8, 3), np.uint8)))
        >>> batch = next(iter(unpaired_folders(root, 4, batch_size=1)))
        >>> sorted(batch), tuple(batch["a"].shape)
        (['a', 'b'], (1, 4, 4, 3))
    """
    import tensorflow as tf

    _check(batch_size, color_mode)
    image_size = _size(size)
    root = Path(path)
    load = _loader(image_size, _CHANNELS[color_mode])
    domains = []
    for side in "AB":
        files = _images_in(root / side, f"`path`/{side}")
        paths = tf.data.Dataset.from_tensor_slices([str(p) for p in files.values()])
        domains.append(paths)
    return _unpaired(domains[0], domains[1], batch_size, shuffle, seed, load)
