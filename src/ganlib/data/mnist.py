"""MNIST and Fashion-MNIST, found on disk before anything is downloaded.

Search order (first hit wins): an explicit ``path``, ``$GANLIB_DATA_DIR``, the Keras cache
(``$KERAS_HOME/datasets`` or ``~/.keras/datasets``), then Keras's own download.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from typing import Literal, overload

import numpy as np

from ganlib.data._mnist_files import _PREFIX, Arrays, _find_in, _locations, _safe_find, _Spec

__all__ = ["DataNotFoundError", "load_fashion_mnist", "load_mnist"]

logger = logging.getLogger("ganlib.data")

Split = Literal["auto", "train", "test"]
Downloader = Callable[[], tuple[Arrays, Arrays]]


class DataNotFoundError(FileNotFoundError, ValueError):
    """A data set was not found in any searched place (also a ``ValueError``).

    Example:
        >>> [issubclass(DataNotFoundError, t) for t in (FileNotFoundError, ValueError)]
        [True, True]
    """


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
