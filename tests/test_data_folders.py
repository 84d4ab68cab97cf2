"""image_folder on a few PNGs written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from ganlib.data import image_folder


def _png(path: Path, value: int, size: tuple[int, int] = (6, 6)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.full((*size, 3), value, np.uint8)
    tf.io.write_file(str(path), tf.io.encode_png(pixels))


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    for i in range(3):
        _png(tmp_path / "cats" / f"{i}.png", 0)
    for i in range(2):
        _png(tmp_path / "dogs" / f"{i}.png", 255, size=(10, 4))
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def test_scaled_resized_rgb_without_labels(classes: Path) -> None:
    batches = list(image_folder(classes, (4, 5), batch_size=2, seed=0).as_numpy_iterator())
    assert [b.shape for b in batches] == [(2, 4, 5, 3), (2, 4, 5, 3), (1, 4, 5, 3)]
    images = np.concatenate(batches)
    assert images.dtype == np.float32
    means = sorted(images.mean(axis=(1, 2, 3)).round(4).tolist())
    assert means == [-1.0, -1.0, -1.0, 1.0, 1.0]


def test_labels_from_subfolders_grayscale(classes: Path) -> None:
    ds = image_folder(classes, 3, batch_size=8, color_mode="grayscale", with_labels=True)
    x, y = next(iter(ds))
    assert tuple(x.shape) == (5, 3, 3, 1) and y.dtype == tf.int32
    x, y = x.numpy(), y.numpy()
    assert sorted(y.tolist()) == [0, 0, 0, 1, 1]  # cats=0, dogs=1 (sorted folder names)
    np.testing.assert_allclose(x[y == 0], -1.0)
    np.testing.assert_allclose(x[y == 1], 1.0, atol=1e-6)


def test_seed_fixes_order(classes: Path) -> None:
    def order(seed: int) -> list[int]:
        ds = image_folder(classes, 2, batch_size=5, with_labels=True, seed=seed)
        return next(iter(ds))[1].numpy().tolist()

    assert order(7) == order(7)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"size": 0}, "size"),
        ({"size": (4, 4, 3)}, "size"),
        ({"size": 4, "batch_size": 0}, "batch_size"),
        ({"size": 4, "color_mode": "cmyk"}, "color_mode"),
    ],
)
def test_bad_arguments(classes: Path, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        image_folder(classes, **kwargs)


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="existing folder"):
        image_folder(tmp_path / "nowhere", 8)
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "readme.md").write_text("x")
    with pytest.raises(ValueError, match="no images"):
        image_folder(tmp_path / "empty", 8)
    _png(tmp_path / "flat" / "a.png", 10)
    with pytest.raises(ValueError, match="sub-folder per class"):
        image_folder(tmp_path / "flat", 8, with_labels=True)
