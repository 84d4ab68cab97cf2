"""Morphology maps, paired/unpaired folders and arrays for the translation trainers."""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as tf

from ganlib import data


def _write(path, value: int, channels: int = 1) -> None:
    tf.io.write_file(str(path), tf.io.encode_png(np.full((8, 8, channels), value, np.uint8)))


def test_dilate_erode_edge_map_by_hand() -> None:
    x = -np.ones((1, 7, 7, 1), "float32")
    x[0, 2:5, 2:5] = 1.0
    thick = data.dilate(x)
    assert int((thick > 0).sum()) == 25  # 3x3 square -> 5x5
    np.testing.assert_array_equal(data.erode(thick), x)
    edges = data.edge_map(x)[0, :, :, 0]
    assert edges[3, 3] == -1.0 and edges[2, 2] == 1.0 and edges[0, 0] == -1.0
    assert data.dilate(x[0, :, :, 0][None]).shape == (1, 7, 7, 1)  # (n, H, W) accepted


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: data.dilate(np.zeros((1, 4, 4, 1), "float32"), size=2), "odd"),
        (lambda: data.erode(np.zeros((4, 4), "uint8")), "float images"),
        (lambda: data.unpaired_arrays(np.zeros((2, 4, 4, 1), "float32"),
                                      np.zeros((2, 4, 4, 1), "float32"), 3), "larger"),
        (lambda: data.unpaired_arrays(np.zeros((4, 4)), np.zeros((4, 4)), 1), "`a`"),
    ],
)  # fmt: skip
def test_errors(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_paired_folders_match_by_name(tmp_path) -> None:
    for name, value in (("p.png", 0), ("q.png", 255)):
        _write(tmp_path / "A" / name, value)
        _write(tmp_path / "B" / name, value, channels=3)
    ds = data.paired_folders(tmp_path, 8, batch_size=2, color_mode="grayscale",
                             target_color_mode="rgb", seed=0)  # fmt: skip
    a, b = next(iter(ds))
    assert a.shape == (2, 8, 8, 1) and b.shape == (2, 8, 8, 3)
    # Each pair comes from files with the same name (here: the same constant value).
    np.testing.assert_array_equal(a.numpy()[:, 0, 0, 0], b.numpy()[:, 0, 0, 0])
    _write(tmp_path / "B" / "extra.png", 0)
    with pytest.raises(ValueError, match=re.escape("Only in A: []; only in B: ['extra.png']")):
        data.paired_folders(tmp_path, 8)
    with pytest.raises(ValueError, match="Missing"):
        data.paired_folders(tmp_path / "nowhere", 8)


def test_unpaired_streams(tmp_path) -> None:
    for i in range(5):
        _write(tmp_path / "A" / f"a{i}.png", 0)
    for i in range(3):
        _write(tmp_path / "B" / f"b{i}.png", 255)
    batches = list(data.unpaired_folders(tmp_path, 4, batch_size=1, color_mode="grayscale"))
    assert len(batches) == 3
    assert all(float(b["a"].numpy().max()) == -1.0 and float(b["b"].numpy().min()) == 1.0
               for b in batches)  # fmt: skip
    a = np.arange(6, dtype="float32").reshape(6, 1, 1, 1)
    b = -np.arange(4, dtype="float32").reshape(4, 1, 1, 1)
    seen = np.concatenate([batch["a"].numpy() for batch in data.unpaired_arrays(a, b, 2, seed=0)])
    assert len(seen) == 4 and len(set(seen.ravel().tolist())) == 4  # no repeats in an epoch
