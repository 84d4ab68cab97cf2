"""from_array: layouts, value ranges, validation messages, and the tf.data pipeline."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.data import from_array, ring, scale_to_symmetric


@pytest.mark.parametrize(
    ("x", "value_range", "expected"),
    [
        (np.array([0, 51, 255], np.uint8), None, [-1.0, -0.6, 1.0]),
        (np.array([0.0, 0.25, 1.0], np.float32), None, [-1.0, -0.5, 1.0]),
        (np.array([-1.0, 0.5, 1.0], np.float64), None, [-1.0, 0.5, 1.0]),
        (np.array([0.0, 127.5, 255.0]), "uint8", [-1.0, 0.0, 1.0]),
        (np.array([0, 1], np.int64), "unit", [-1.0, 1.0]),
        (np.array([0.2, 0.6]), "symmetric", [0.2, 0.6]),
    ],
)
def test_value_ranges_golden(x: np.ndarray, value_range: str | None, expected: list) -> None:
    images = np.broadcast_to(x, (2, 2, 2, len(x))).transpose(0, 3, 1, 2)  # (N=2, len, 2, 2)
    out = from_array(images.reshape(2, len(x), 2, 2)[..., :1], value_range=value_range)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0, 0], expected, atol=1e-6)


def test_layouts() -> None:
    assert from_array(np.zeros((5, 8, 8, 3), np.uint8)).shape == (5, 8, 8, 3)
    assert from_array(np.zeros((5, 8, 8), np.uint8)).shape == (5, 8, 8, 1)  # grayscale
    assert from_array(np.zeros((8, 8, 3), np.uint8)).shape == (1, 8, 8, 3)  # one HWC image
    assert from_array(np.zeros((5, 64), np.uint8), shape=(8, 8)).shape == (5, 8, 8, 1)
    assert from_array(np.zeros((5, 192), np.uint8), shape=(8, 8, 3)).shape == (5, 8, 8, 3)
    assert from_array([[[0, 255]]], value_range="uint8").shape == (1, 1, 2, 1)  # nested lists


def test_flat_reshape_keeps_pixel_order() -> None:
    x = np.arange(2 * 6, dtype=np.uint8).reshape(2, 6)
    out = from_array(x, shape=(2, 3), value_range="uint8")
    np.testing.assert_allclose(out[1, :, :, 0], np.arange(6, 12).reshape(2, 3) / 127.5 - 1)


def test_points_are_kept_as_they_are() -> None:
    points = np.array([[4.0, -4.0], [0.5, 2.0]], np.float32)  # the grid runs past [-1, 1]
    np.testing.assert_array_equal(from_array(points), points)
    np.testing.assert_array_equal(from_array(points, value_range="as_is"), points)
    ring_points = ring(100, seed=0)
    np.testing.assert_array_equal(from_array(ring_points, value_range="none"), ring_points)


def test_labels_returned_as_int32() -> None:
    _, y = from_array(np.zeros((3, 4, 5), np.uint8), [0, 2, 1])
    assert y.dtype == np.int32 and y.tolist() == [0, 2, 1]
    _, y = from_array(np.zeros((3, 4, 4), np.uint8), np.array([[1.0], [2.0], [0.0]]))
    assert y.tolist() == [1, 2, 0]


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "match"),
    [
        (np.zeros((0, 8, 8)), {}, ValueError, "empty"),
        (np.zeros((3, 0, 8)), {}, ValueError, "empty"),
        (np.zeros(8), {}, ValueError, "rank 1"),
        (np.float32(3.0), {}, ValueError, "scalar"),
        (np.zeros((2, 2, 2, 2, 2)), {}, ValueError, "rank 2, 3 or 4"),
        (np.zeros((2, 3, 32, 32)), {}, ValueError, "channels-first"),
        (np.array([[[np.nan, 0.0]]]), {}, ValueError, "1 NaN or Inf"),
        (np.array([[[np.inf, -np.inf]]]), {}, ValueError, "2 NaN or Inf"),
        (np.full((2, 4, 4), 2.0), {}, ValueError, "neither"),
        (np.full((2, 4, 4), 7, np.int32), {}, ValueError, 'value_range="uint8"'),
        (
            np.full((2, 4, 4), 1.5),
            {"value_range": "unit"},
            ValueError,
            'outside value_range="unit"',
        ),
        (np.full((2, 4, 4), 300.0), {"value_range": "uint8"}, ValueError, "outside"),
        (np.zeros((2, 4, 4)), {"value_range": "0-255"}, ValueError, "value_range='0-255'"),
        (np.zeros((2, 10)), {"shape": (3, 3)}, ValueError, "cannot be reshaped"),
        (np.zeros((2, 9)), {"shape": (3, -3)}, ValueError, "positive integers"),
        (np.zeros((2, 9)), {"shape": 9}, ValueError, "positive integers"),
        (np.zeros((2, 4, 4)), {"batch_size": 0}, ValueError, "batch_size=0"),
        (np.zeros((2, 4, 4)), {"batch_size": True}, ValueError, "batch_size=True"),
        (np.array([["a"]]), {}, TypeError, "dtype <U1"),
        (np.zeros((2, 4, 4), bool), {}, TypeError, "dtype bool"),
        ([[1, 2], [3]], {}, TypeError, "array of numbers"),
        (np.array([[1e300, 0.0]]), {"value_range": "none"}, ValueError, "overflow float32"),
    ],
)
def test_bad_x(x: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        from_array(x, **kwargs)


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        ([0, 1], ValueError, "2 labels but `x` has 3 samples"),
        ([0.5, 1.0, 2.0], ValueError, "non-integer"),
        ([0.0, np.nan, 2.0], ValueError, "non-integer"),
        ([-1, 0, 1], ValueError, r"\[0, 2\*\*31\)"),
        (np.zeros((3, 2), np.int32), ValueError, r"shape \(3, 2\)"),
        (["a", "b", "c"], TypeError, "`y` must hold integers"),
    ],
)
def test_bad_labels(y: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        from_array(np.zeros((3, 4, 4), np.uint8), y)


def test_dataset_batches_shuffles_and_is_seeded() -> None:
    import tensorflow as tf

    x = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    y = np.arange(10)
    ds = from_array(x, y, batch_size=4, seed=3)
    assert isinstance(ds, tf.data.Dataset)
    batches = list(ds.as_numpy_iterator())
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    labels = np.concatenate([b[1] for b in batches])
    images = np.concatenate([b[0] for b in batches])
    assert sorted(labels.tolist()) == list(range(10)) and labels.tolist() != list(range(10))
    np.testing.assert_allclose(images[:, 0, 0, 0], labels / 127.5 - 1)  # pairs stay together
    again = np.concatenate([b[1] for b in from_array(x, y, batch_size=4, seed=3)])
    assert again.tolist() == labels.tolist()
    ordered = from_array(x, batch_size=3, shuffle=False, drop_remainder=True)
    assert [b.shape[0] for b in ordered.as_numpy_iterator()] == [3, 3, 3]
    assert ds.element_spec[0].dtype == tf.float32 and ds.element_spec[1].dtype == tf.int32


def test_scale_to_symmetric() -> None:
    np.testing.assert_allclose(scale_to_symmetric(np.array([0.0, 0.5]), "unit"), [-1.0, 0.0])
    with pytest.raises(ValueError, match="value_range='bytes'"):
        scale_to_symmetric(np.zeros(2), "bytes")


def test_rank3_ambiguity_resolved_by_labels() -> None:
    x = np.zeros((3, 4, 4), np.uint8)
    assert from_array(x).shape == (1, 3, 4, 4)  # last axis 4: one RGBA image
    assert from_array(x, [0, 1, 2])[0].shape == (3, 4, 4, 1)  # one label per row: 3 images
    assert from_array(x, [5])[0].shape == (1, 3, 4, 4)
    with pytest.raises(ValueError, match="1 labels but `x` has 2 samples"):
        from_array(np.zeros((2, 3, 5), np.uint8), [0])  # last axis 5 is never one image


def test_tensor_input_and_lazy_tensorflow_import() -> None:
    import subprocess
    import sys

    import tensorflow as tf

    out = from_array(tf.constant(np.full((2, 4, 5), 0.5, np.float32)))
    assert out.shape == (2, 4, 5, 1) and np.allclose(out, 0.0)  # [0, 1] detected -> 2x - 1
    code = "import sys, ganlib.data; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"  # importing ganlib.data stays cheap
