"""Data and model files the commands read: refused early, with the file named, when damaged.

Errors are `ValueError`s (one line, exit code 2 from the command line).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

__all__ = ["check_array_file", "check_keras_file", "read_all_images"]

_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _head(path: Path, n: int = 8) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None


def check_array_file(path: str | Path) -> None:
    """Refuses a `.npy`/`.npz` file whose bytes are not that format (e.g. text renamed)."""
    file = Path(path)
    head = _head(file)
    if file.suffix.lower() == ".npy" and not head.startswith(_NPY_MAGIC):
        what = "is empty" if not head else f"starts with {head!r}"
        raise ValueError(f"{file} is not a NumPy .npy file (it {what}); check the file")
    if file.suffix.lower() == ".npz" and not head.startswith(_ZIP_MAGIC):
        what = "is empty" if not head else f"starts with {head!r}"
        raise ValueError(
            f"{file} is not a NumPy .npz file (a zip archive of arrays; it {what}); check the file"
        )
    if file.suffix.lower() == ".npz":
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            raise ValueError(f"{file} is a damaged .npz file ({error}); check the file") from None
        if not any(name.endswith(".npy") for name in names):
            raise ValueError(f"{file} is a zip archive without any .npy array; check the file")


def check_keras_file(path: Path) -> None:
    """Refuses a `generator.keras` that is not a complete Keras zip archive, naming it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise ValueError(
            f"{path} is not a readable Keras model file (.keras zip archive: {error}); it is "
            "damaged or was replaced: delete it to sample from the run's latest checkpoint"
        ) from None
    missing = sorted({"config.json", "model.weights.h5"} - names)
    if missing or damaged is not None:
        problem = f"lacks {', '.join(missing)}" if missing else f"has a damaged member {damaged}"
        raise ValueError(
            f"{path} is not a complete Keras model file (it {problem}); delete it to sample "
            "from the run's latest checkpoint"
        )


def read_all_images(dataset: Any, folder: str) -> list[Any]:
    """All batches of an `image_folder` stream; a decoding error names the damaged file."""
    import tensorflow as tf

    from ganlib.data import first_undecodable_image

    try:
        return list(dataset.as_numpy_iterator())
    except tf.errors.InvalidArgumentError as error:
        found = first_undecodable_image(folder)
        if found is None:
            raise ValueError(f"cannot decode the images under {folder}: {error.message}") from None
        raise ValueError(
            f"cannot decode image {found[0]}: {found[1]}; remove or replace it"
        ) from None
