"""Images from a folder, through Keras's ``image_dataset_from_directory``, scaled to [-1, 1]."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ganlib._validation import positive_int

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["IMAGE_EXTENSIONS", "first_undecodable_image", "image_folder"]

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
"""File extensions Keras's image loader reads.

Example:
    >>> from ganlib.data import IMAGE_EXTENSIONS
    >>> ".png" in IMAGE_EXTENSIONS
    True
"""


# What each image format's file starts with (Keras decodes by content, not by extension).
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def _check_header(path: Path) -> None:
    """Refuses an empty file or one that is no image at all, naming it (cheap: 8 bytes)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as error:
        raise ValueError(f"cannot read image file {path}: {error.strerror}") from None
    if not head:
        raise ValueError(f"image file {path} is empty (0 bytes); remove or replace it")
    if not head.startswith(_SIGNATURES):
        raise ValueError(
            f"{path} is not a PNG, JPEG, GIF or BMP image (it starts with {head!r}); "
            "remove or replace it"
        )


def first_undecodable_image(path: str | os.PathLike[str]) -> tuple[Path, str] | None:
    """The first image under ``path`` that TensorFlow cannot decode, with the reason, or None.

    Use it to name the file behind a decoding error of ``image_folder``'s stream (a truncated
    or damaged image whose header looks valid).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "cut.png").write_bytes(bytes(range(40)))  # no image
        >>> bad, reason = first_undecodable_image(folder)
        >>> bad.name
        'cut.png'
    """
    import tensorflow as tf

    for file in sorted(_image_files(Path(path))):
        try:
            tf.io.decode_image(tf.io.read_file(str(file)), expand_animations=False)
        except (tf.errors.InvalidArgumentError, tf.errors.OpError) as error:
            return file, " ".join(str(error.message).split()).split(" [[")[0]
    return None


def _image_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS]


def _size(size: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(size, int) and not isinstance(size, bool):
        pair: tuple[object, ...] = (size, size)
    elif isinstance(size, (tuple, list)) and len(size) == 2:
        pair = tuple(size)
    else:
        raise ValueError(
            f"`size` must be an int or a (height, width) pair. Received: size={size!r}"
        )
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in pair):
        raise ValueError(f"`size` must hold positive integers. Received: size={size!r}")
    return int(pair[0]), int(pair[1])  # type: ignore[call-overload]


def image_folder(
    path: str | os.PathLike[str],
    size: int | tuple[int, int],
    *,
    batch_size: int = 64,
    color_mode: Literal["rgb", "grayscale", "rgba"] = "rgb",
    with_labels: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Stream the images under ``path`` as float32 batches ``(B, H, W, C)`` in [-1, 1].

    Images (``.png``, ``.jpg``, ``.jpeg``, ``.bmp``, ``.gif``) are found recursively, resized to
    ``size`` (bilinear) and mapped by ``x / 127.5 - 1``. With ``with_labels=True`` each
    sub-folder is a class (sorted names give labels 0, 1, ...) and batches are ``(x, y)`` with
    int32 ``y``.

    Args:
        path: The folder.
        size: Output ``(height, width)``, or one int for square images.
        batch_size: Images per batch.
        color_mode: ``"rgb"`` (3 channels), ``"grayscale"`` (1) or ``"rgba"`` (4).
        with_labels: Infer class labels from sub-folder names.
        shuffle: Shuffle the file order (each epoch).
        seed: Shuffle seed.

    Raises:
        ValueError: missing folder, no images in it, an empty file or one that is no image
            (naming the file), or bad arguments. A damaged image with a valid header fails
            while streaming; ``first_undecodable_image(path)`` then names it.

    Example:
        >>> import tempfile, numpy as np, tensorflow as tf
        >>> folder = tempfile.mkdtemp()
        >>> pixels = tf.io.encode_png(np.full((8, 8, 3), 255, np.uint8))
        >>> tf.io.write_file(folder + "/white.png", pixels)
        >>> batch = next(iter(image_folder(folder, 4, batch_size=2)))
        >>> tuple(batch.shape), float(batch.numpy().min())
        ((1, 4, 4, 3), 1.0)
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(
            f"`path` must be an existing folder of images. Received: path={str(path)!r}"
        )
    image_size = _size(size)
    positive_int(batch_size, "batch_size")
    if color_mode not in ("rgb", "grayscale", "rgba"):
        raise ValueError(
            f'`color_mode` must be "rgb", "grayscale" or "rgba". Received: {color_mode!r}'
        )
    files = _image_files(folder)
    if not files:
        raise ValueError(f"no images ({', '.join(IMAGE_EXTENSIONS)}) found under {folder}")
    if with_labels and not any(p.parent != folder for p in files):
        raise ValueError(
            f"`with_labels=True` needs one sub-folder per class under {folder}; "
            "all images are at its top level"
        )

    for file in files:
        _check_header(file)

    import keras
    import tensorflow as tf

    dataset = keras.utils.image_dataset_from_directory(
        str(folder),
        labels="inferred" if with_labels else None,
        label_mode="int" if with_labels else None,
        color_mode=color_mode,
        batch_size=batch_size,
        image_size=image_size,
        shuffle=shuffle,
        seed=seed,
        verbose=False,
    )

    def scale_images(images: tf.Tensor) -> tf.Tensor:
        return tf.cast(images, tf.float32) / 127.5 - 1.0

    if with_labels:
        dataset = dataset.map(
            lambda images, labels: (scale_images(images), tf.cast(labels, tf.int32)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    else:
        dataset = dataset.map(scale_images, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
