"""MNIST / Fashion-MNIST loading: search order, file-name variants, splits, errors, real data."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from ganlib.data import DataNotFoundError, load_fashion_mnist, load_mnist, write_idx
from ganlib.data import mnist as mnist_module

REAL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _offline() -> None:
    raise Exception("URL fetch failure on https://example.invalid/mnist.npz: None -- offline")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No network, no real environment: empty GANLIB_DATA_DIR unset, Keras cache in tmp."""
    monkeypatch.delenv("GANLIB_DATA_DIR", raising=False)
    keras_home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setattr(mnist_module, "_download_mnist", _offline)
    monkeypatch.setattr(mnist_module, "_download_fashion_mnist", _offline)
    return keras_home


def write_split(
    folder: Path,
    prefix: str,
    n: int,
    *,
    sep: str = "-",
    gz: bool = True,
    n_labels: int | None = None,
    value: int = 0,
) -> np.ndarray:
    """Write a tiny synthetic MNIST split; returns its labels."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if gz else ""
    images = np.full((n, 28, 28), value, dtype=np.uint8)
    images[:, 0, 0] = 255
    labels = (np.arange(n_labels if n_labels is not None else n) % 10).astype(np.uint8)
    write_idx(folder / f"{prefix}-images{sep}idx3-ubyte{ext}", images)
    write_idx(folder / f"{prefix}-labels{sep}idx1-ubyte{ext}", labels)
    return labels


# --- real MNIST (test split only) -----------------------------------------------------------


def test_real_mnist_test_split(mnist_dir: Path) -> None:
    x, y = load_mnist(mnist_dir, split="test", with_labels=True)
    assert x.shape == (10000, 28, 28, 1)
    assert x.dtype == np.float32 and y.dtype == np.int32
    assert float(x.min()) == -1.0 and float(x.max()) == 1.0
    assert np.bincount(y).tolist() == REAL_COUNTS
    assert y[:5].tolist() == [7, 2, 1, 0, 4]
    # x / 127.5 - 1 maps every byte onto the grid k / 127.5 - 1.
    np.testing.assert_allclose((x + 1) * 127.5, np.round((x + 1) * 127.5), atol=1e-3)


def test_real_mnist_auto_uses_test_split_and_says_so(
    mnist_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANLIB_DATA_DIR", str(mnist_dir))
    with pytest.warns(UserWarning, match="only the MNIST test split"):
        x = load_mnist()
    assert x.shape == (10000, 28, 28, 1)


def test_real_mnist_train_split_missing_points_to_test(
    mnist_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANLIB_DATA_DIR", str(mnist_dir))
    with pytest.raises(DataNotFoundError, match='pass split="test"') as info:
        load_mnist(split="train")
    assert str(mnist_dir) in str(info.value)


# --- search order -----------------------------------------------------------------------------


def test_env_dir_then_keras_cache(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_split(isolated / "datasets", "train", 3, value=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_mnist().shape == (3, 28, 28, 1)  # Keras cache, train split: no warning
    env = tmp_path / "env"
    write_split(env, "train", 5)
    monkeypatch.setenv("GANLIB_DATA_DIR", str(env))
    assert load_mnist().shape == (5, 28, 28, 1)  # $GANLIB_DATA_DIR wins over the cache


def test_env_mnist_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split(tmp_path / "env" / "mnist", "t10k", 4)
    monkeypatch.setenv("GANLIB_DATA_DIR", str(tmp_path / "env"))
    assert load_mnist(split="test").shape == (4, 28, 28, 1)


def test_auto_prefers_train_anywhere_over_local_test(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_split(tmp_path / "env", "t10k", 4)
    write_split(isolated / "datasets", "train", 6)
    monkeypatch.setenv("GANLIB_DATA_DIR", str(tmp_path / "env"))
    assert len(load_mnist()) == 6
    assert len(load_mnist(split="test")) == 4


def test_explicit_path_is_the_only_place_searched(tmp_path: Path, isolated: Path) -> None:
    write_split(isolated / "datasets", "train", 3)
    with pytest.raises(DataNotFoundError) as info:
        load_mnist(tmp_path / "elsewhere")
    message = str(info.value)
    assert str(tmp_path / "elsewhere") in message
    assert "datasets" not in message and "download" not in message and "not set" not in message


def test_keras_npz_in_cache_and_as_explicit_file(tmp_path: Path, isolated: Path) -> None:
    cache = isolated / "datasets"
    cache.mkdir(parents=True)
    x_train = np.zeros((6, 28, 28), np.uint8)
    x_test = np.full((2, 28, 28), 255, np.uint8)
    y_train, y_test = np.arange(6, dtype=np.uint8), np.array([9, 8], np.uint8)
    np.savez(cache / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    x, y = load_mnist(with_labels=True)
    assert x.shape == (6, 28, 28, 1) and float(x.max()) == -1.0
    assert y.tolist() == list(range(6)) and y.dtype == np.int32
    x, y = load_mnist(cache / "mnist.npz", split="test", with_labels=True)
    assert float(x.min()) == 1.0 and y.tolist() == [9, 8]


def test_npz_with_unknown_keys_is_rejected(tmp_path: Path) -> None:
    np.savez(tmp_path / "mine.npz", images=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"x_train, y_train.*\['images'\]"):
        load_mnist(tmp_path / "mine.npz")


@pytest.mark.parametrize(("sep", "gz"), [("-", False), (".", True), (".", False)])
def test_file_name_variants(tmp_path: Path, sep: str, gz: bool) -> None:
    labels = write_split(tmp_path, "t10k", 7, sep=sep, gz=gz)
    x, y = load_mnist(tmp_path, split="test", with_labels=True)
    assert x.shape == (7, 28, 28, 1)
    assert y.tolist() == labels.tolist()
    assert float(x[0, 0, 0, 0]) == 1.0 and float(x[0, 1, 1, 0]) == -1.0


# --- download step and errors ---------------------------------------------------------------


def test_offline_error_lists_every_place_and_how_to_fix(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANLIB_DATA_DIR", str(tmp_path / "env"))
    with pytest.raises(DataNotFoundError) as info:
        load_mnist()
    message = str(info.value)
    for place in (tmp_path / "env", tmp_path / "env" / "mnist", isolated / "datasets"):
        assert f"- {place}\n" in message
    assert "Keras download: failed (Exception: URL fetch failure" in message
    assert "GANLIB_DATA_DIR=" in message and "path=" in message
    assert "train-images-idx3-ubyte" in message and "t10k-images-idx3-ubyte" in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, FileNotFoundError)


def test_download_used_last_and_split_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_download() -> tuple:
        calls.append(1)
        train = (np.zeros((3, 28, 28), np.uint8), np.array([1, 2, 3], np.uint8))
        test = (np.full((2, 28, 28), 255, np.uint8), np.array([4, 5], np.uint8))
        return train, test

    monkeypatch.setattr(mnist_module, "_download_mnist", fake_download)
    assert load_mnist(with_labels=True)[1].tolist() == [1, 2, 3]
    assert load_mnist(split="test", with_labels=True)[1].tolist() == [4, 5]
    assert len(calls) == 2
    with pytest.raises(DataNotFoundError, match="skipped"):
        load_mnist(download=False)
    assert len(calls) == 2


def test_mismatched_counts_name_both_files(tmp_path: Path) -> None:
    write_split(tmp_path, "t10k", 5, n_labels=4)
    with pytest.raises(ValueError, match=r"5 images in .*t10k-images.* but 4 labels in .*t10k-lab"):
        load_mnist(tmp_path, split="test")


def test_missing_labels_file_is_named(tmp_path: Path) -> None:
    write_split(tmp_path, "t10k", 3)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ValueError, match="no matching labels file"):
        load_mnist(tmp_path, split="test")


def test_wrong_image_shape_is_rejected(tmp_path: Path) -> None:
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 32, 32), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        load_mnist(tmp_path, split="test")


def test_corrupt_idx_in_search_path_names_the_file(tmp_path: Path) -> None:
    write_split(tmp_path, "t10k", 3)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz"):
        load_mnist(tmp_path, split="test")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"split": "validation"}, ValueError, "split='validation'"),
        ({"with_labels": 1}, TypeError, "with_labels"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        load_mnist(**kwargs)


# --- Fashion-MNIST ----------------------------------------------------------------------------


def test_fashion_from_env_subfolder_not_from_mnist_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / "env"
    write_split(env, "t10k", 3)  # MNIST at the top: must not be taken for Fashion-MNIST
    labels = write_split(env / "fashion-mnist", "t10k", 5, sep=".")
    monkeypatch.setenv("GANLIB_DATA_DIR", str(env))
    with pytest.warns(UserWarning, match="only the Fashion-MNIST test split"):
        x, y = load_fashion_mnist(with_labels=True)
    assert x.shape == (5, 28, 28, 1) and y.tolist() == labels.tolist()


def test_fashion_keras_cache_and_explicit_folder(tmp_path: Path, isolated: Path) -> None:
    write_split(isolated / "datasets" / "fashion-mnist", "train", 4)
    assert load_fashion_mnist().shape == (4, 28, 28, 1)
    write_split(tmp_path / "mine", "train", 2, gz=False)
    assert load_fashion_mnist(tmp_path / "mine", split="train").shape == (2, 28, 28, 1)


def test_fashion_offline_error(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANLIB_DATA_DIR", str(tmp_path))
    with pytest.raises(DataNotFoundError) as info:
        load_fashion_mnist(split="test")
    message = str(info.value)
    assert "Fashion-MNIST (test split) not found" in message
    assert f"- {tmp_path / 'fashion-mnist'}\n" in message
    assert f"- {isolated / 'datasets' / 'fashion-mnist'}\n" in message
    assert "fashion-mnist/ subfolder" in message


def test_offline_error_says_when_data_dir_is_unset(isolated: Path) -> None:
    with pytest.raises(DataNotFoundError) as info:
        load_mnist(split="test")
    message = str(info.value)
    assert "- $GANLIB_DATA_DIR: not set\n" in message
    assert f"- {isolated / 'datasets'}\n" in message
