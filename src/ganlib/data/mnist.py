"""MNIST and Fashion-MNIST, found on disk before anything is downloaded.

Search order (first hit wins): an explicit ``path``, ``$GANLIB_DATA_DIR``, the Keras cache
(``$KERAS_HOME/datasets`` or ``~/.keras/datasets``), then Keras's own download.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

import numpy as np

from ganlib.data.idx import read_idx

__all__ = ["DataNotFoundError", "load_fashion_mnist", "load_mnist"]

logger = logging.getLogger("ganlib.data")

Split = Literal["auto", "train", "test"]
Arrays = tuple[np.ndarray, np.ndarray]
Downloader = Callable[[], tuple[Arrays, Arrays]]

_PREFIX = {"train": "train", "test": "t10k"}


class DataNotFoundError(FileNotFoundError, ValueError):
    """A data set was not found in any searched place (also a ``ValueError``).

    Example:
        >>> [issubclass(DataNotFoundError, t) for t in (FileNotFoundError, ValueError)]
        [True, True]
    """


@dataclass(frozen=True)
class _Spec:
    name: str  # "MNIST" or "Fashion-MNIST"
    env_subdirs: tuple[str, ...]  # folders under $GANLIB_DATA_DIR
    cache_subdir: str  # folder under the Keras datasets cache ("" for the cache itself)
    npz_names: tuple[str, ...]
    downloader: str  # attribute name of the download function in this module


def _download_mnist() -> tuple[Arrays, Arrays]:
    import keras

    return keras.datasets.mnist.load_data()


def _download_fashion_mnist() -> tuple[Arrays, Arrays]:
    import keras

    return keras.datasets.fashion_mnist.load_data()


_MNIST = _Spec("MNIST", (".", "mnist"), "", ("mnist.npz",), "_download_mnist")
_FASHION = _Spec(
    "Fashion-MNIST",
    ("fashion-mnist", "fashion_mnist"),
    "fashion-mnist",
    ("fashion-mnist.npz", "fashion_mnist.npz"),
    "_download_fashion_mnist",
)


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


def _scale(
    images: np.ndarray, labels: np.ndarray, with_labels: bool
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    x = (images.astype(np.float32) / np.float32(127.5) - np.float32(1.0))[..., None]
    if with_labels:
        return x, labels.astype(np.int32)
    return x


def _load(
    spec: _Spec,
    path: str | os.PathLike[str] | None,
    split: str,
    with_labels: bool,
    download: bool,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    if split not in ("auto", "train", "test"):
        raise ValueError(f'`split` must be "auto", "train" or "test". Received: split={split!r}')
    if not isinstance(with_labels, bool):
        raise TypeError(f"`with_labels` must be a bool. Received: with_labels={with_labels!r}")
    places = _locations(path, spec)
    wanted = ["train", "test"] if split == "auto" else [split]
    for want in wanted:
        for place in places:
            found = _find_in(place, want, spec)
            if found is None:
                continue
            (images, labels), source = found
            if split == "auto" and want == "test":
                message = (
                    f"only the {spec.name} test split (t10k, {len(images)} images) exists "
                    f"locally; using it as training data. Source: {source}"
                )
                warnings.warn(message, UserWarning, stacklevel=3)
            logger.info("loaded %s %s split from %s", spec.name, want, source)
            return _scale(images, labels, with_labels)

    download_note = ""
    if path is None and download:
        downloader: Downloader = globals()[spec.downloader]
        try:
            (x_train, y_train), (x_test, y_test) = downloader()
        except Exception as error:  # Keras raises a bare Exception when offline.
            download_note = f"\n  - Keras download: failed ({type(error).__name__}: {error})"
        else:
            logger.info("loaded %s via Keras download", spec.name)
            if split == "test":
                return _scale(x_test, y_test, with_labels)
            return _scale(x_train, y_train, with_labels)
    elif path is None:
        download_note = "\n  - Keras download: skipped (download=False)"

    tried = "".join(f"\n  - {place}" for place in places)
    if path is None and not os.environ.get("GANLIB_DATA_DIR"):
        tried = "\n  - $GANLIB_DATA_DIR: not set" + tried
    names = ", ".join(
        f"{_PREFIX[w]}-images-idx3-ubyte[.gz] + {_PREFIX[w]}-labels-idx1-ubyte[.gz]" for w in wanted
    )
    hint = ""
    if split == "train" and any(_safe_find(p, "test", spec) for p in places):
        hint = '\nOnly the test split was found; pass split="test" or split="auto" to use it.'
    raise DataNotFoundError(
        f"{spec.name} ({split} split) not found. Tried:{tried}{download_note}\n"
        f"Provide it as IDX files ({names}) or a Keras-style .npz, then pass "
        f"path=<folder or .npz> or set GANLIB_DATA_DIR=<folder>"
        f"{' (Fashion-MNIST in its fashion-mnist/ subfolder)' if spec is _FASHION else ''}."
        f"{hint}"
    )


def _safe_find(place: Path, split: str, spec: _Spec) -> bool:
    try:
        return _find_in(place, split, spec) is not None
    except ValueError:
        return False


@overload
def load_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: Literal[False] = ...,
    download: bool = ...,
) -> np.ndarray: ...


@overload
def load_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: Literal[True],
    download: bool = ...,
) -> tuple[np.ndarray, np.ndarray]: ...


@overload
def load_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: bool,
    download: bool = ...,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]: ...


def load_mnist(
    path: str | os.PathLike[str] | None = None,
    *,
    split: Split = "auto",
    with_labels: bool = False,
    download: bool = True,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Load MNIST as float32 images ``(N, 28, 28, 1)`` in [-1, 1] (and int32 labels).

    Pixels are mapped by ``x / 127.5 - 1``. The data are looked up in this order:

    1. ``path``: a folder or a Keras-style ``.npz``; when given, it is the only place searched.
    2. ``$GANLIB_DATA_DIR`` and ``$GANLIB_DATA_DIR/mnist``.
    3. The Keras cache, ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``).
    4. ``keras.datasets.mnist.load_data()`` (a download), unless ``download=False``.

    A folder holds the original IDX files, raw or gzip, named ``train-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte`` or with a dot (``t10k-images.idx3-ubyte``), or Keras's
    ``mnist.npz``. When nothing is found, ``DataNotFoundError`` (a ``FileNotFoundError`` and a
    ``ValueError``) lists every place tried and how to provide the data.

    Args:
        path: Folder or ``.npz`` file to read; ``None`` searches the places above.
        split: ``"train"``, ``"test"``, or ``"auto"``: the training split when found locally,
            else the local test split (with a warning saying so), else a download.
        with_labels: Also return the labels, int32 of shape ``(N,)``.
        download: Allow the final Keras download step.

    Returns:
        ``x``, or ``(x, y)`` when ``with_labels`` is true.

    Example:
        >>> x, y = load_mnist(split="test", with_labels=True)  # doctest: +SKIP
        >>> x.shape, x.dtype, float(x.min()), float(x.max()), y[:5]  # doctest: +SKIP
        ((10000, 28, 28, 1), dtype('float32'), -1.0, 1.0, array([7, 2, 1, 0, 4], dtype=int32))
    """
    return _load(_MNIST, path, split, with_labels, download)


@overload
def load_fashion_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: Literal[False] = ...,
    download: bool = ...,
) -> np.ndarray: ...


@overload
def load_fashion_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: Literal[True],
    download: bool = ...,
) -> tuple[np.ndarray, np.ndarray]: ...


@overload
def load_fashion_mnist(
    path: str | os.PathLike[str] | None = ...,
    *,
    split: Split = ...,
    with_labels: bool,
    download: bool = ...,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]: ...


def load_fashion_mnist(
    path: str | os.PathLike[str] | None = None,
    *,
    split: Split = "auto",
    with_labels: bool = False,
    download: bool = True,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Load Fashion-MNIST (Xiao et al. 2017) like :func:`load_mnist`.

    Same file names and split rules; searched in ``path``, then
    ``$GANLIB_DATA_DIR/fashion-mnist`` (or ``fashion_mnist``), then the Keras cache
    ``~/.keras/datasets/fashion-mnist``, then ``keras.datasets.fashion_mnist.load_data()``.

    Example:
        >>> x = load_fashion_mnist("data/fashion-mnist", split="test")  # doctest: +SKIP
        >>> x.shape  # doctest: +SKIP
        (10000, 28, 28, 1)
    """
    return _load(_FASHION, path, split, with_labels, download)
