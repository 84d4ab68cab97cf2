"""Where MNIST-like files are looked for and how they are read (private to `data.mnist`).

IDX pairs (`t10k-images-idx3-ubyte[.gz]` + `t10k-labels-idx1-ubyte[.gz]`, `-` or `.` before
`idx`) or a Keras-style `.npz` (`x_train`, `y_train`, `x_test`, `y_test`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganlib.data.idx import read_idx

Arrays = tuple[np.ndarray, np.ndarray]

_PREFIX = {"train": "train", "test": "t10k"}


@dataclass(frozen=True)
class _Spec:
    name: str  # "MNIST" or "Fashion-MNIST"
    env_subdirs: tuple[str, ...]  # folders under $GANLIB_DATA_DIR
    cache_subdir: str  # folder under the Keras datasets cache ("" for the cache itself)
    npz_names: tuple[str, ...]
    downloader: str  # attribute name of the download function in `ganlib.data.mnist`


def _keras_datasets_dir() -> Path:
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def _idx_file(folder: Path, prefix: str, kind: str, idx: str) -> Path | None:
    """``{prefix}-{kind}-{idx}-ubyte`` with ``-`` or ``.`` before ``idx``, raw or ``.gz``."""
    for sep in ("-", "."):
        for ext in ("", ".gz"):
            candidate = folder / f"{prefix}-{kind}{sep}{idx}-ubyte{ext}"
            if candidate.is_file():
                return candidate
    return None


def _read_pair(images_file: Path, labels_file: Path) -> Arrays:
    images = read_idx(images_file)
    labels = read_idx(labels_file)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(
            f"IDX file {images_file}: expected uint8 images of shape (N, 28, 28). "
            f"Received: {images.dtype} {images.shape}"
        )
    if labels.ndim != 1:
        raise ValueError(
            f"IDX file {labels_file}: expected labels of shape (N,). Received: {labels.shape}"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"mismatched counts: {len(images)} images in {images_file} but "
            f"{len(labels)} labels in {labels_file}"
        )
    return images, labels


def _read_npz(file: Path, split: str) -> Arrays | None:
    try:
        with np.load(file, allow_pickle=False) as archive:
            keys = set(archive.files)
            if not {f"x_{split}", f"y_{split}"} <= keys:
                if not {"x_train", "x_test"} & keys:
                    raise ValueError(
                        f"{file}: expected arrays x_train, y_train, x_test, y_test (the Keras "
                        f"mnist.npz layout). Received: {sorted(keys)}"
                    )
                return None
            images, labels = archive[f"x_{split}"], archive[f"y_{split}"]
    except (OSError, EOFError) as error:
        raise ValueError(f"{file}: not a readable .npz file ({error})") from None
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise ValueError(
            f"{file}: x_{split} must be (N, 28, 28) with N labels in y_{split}. "
            f"Received: {images.shape} and {np.shape(labels)}"
        )
    return images, labels


def _find_in(location: Path, split: str, spec: _Spec) -> tuple[Arrays, str] | None:
    """Look for ``split`` in a folder or an .npz file; return arrays and where they came from."""
    if location.is_file():
        found = _read_npz(location, split)
        return None if found is None else (found, str(location))
    if not location.is_dir():
        return None
    prefix = _PREFIX[split]
    images = _idx_file(location, prefix, "images", "idx3")
    labels = _idx_file(location, prefix, "labels", "idx1")
    if images is not None and labels is not None:
        return _read_pair(images, labels), str(images)
    if images is not None or labels is not None:
        present = images if images is not None else labels
        raise ValueError(
            f"{present} has no matching {'labels' if labels is None else 'images'} file in "
            f"{location} (expected {prefix}-labels-idx1-ubyte[.gz] and "
            f"{prefix}-images-idx3-ubyte[.gz])"
        )
    for npz_name in spec.npz_names:
        if (location / npz_name).is_file():
            found = _read_npz(location / npz_name, split)
            if found is not None:
                return found, str(location / npz_name)
    return None


def _locations(path: str | os.PathLike[str] | None, spec: _Spec) -> list[Path]:
    if path is not None:
        return [Path(path).expanduser()]
    places: list[Path] = []
    env = os.environ.get("GANLIB_DATA_DIR")
    if env:
        places += [Path(env).expanduser() / sub for sub in spec.env_subdirs]
    cache = _keras_datasets_dir()
    places.append(cache / spec.cache_subdir if spec.cache_subdir else cache)
    return [Path(os.path.normpath(p)) for p in places]


def _safe_find(place: Path, split: str, spec: _Spec) -> bool:
    try:
        return _find_in(place, split, spec) is not None
    except ValueError:
        return False
