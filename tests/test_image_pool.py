"""ImagePool: filling, swapping with probability 1/2, determinism, tf.function."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganlib.image_pool import ImagePool


def test_fills_then_mixes_history() -> None:
    pool = ImagePool(8, (1,))
    swapped = 0
    for step in range(60):
        out = pool.query(np.full((4, 1), step, "float32"), tf.constant([0, step])).numpy()[:, 0]
        if step < 2:  # filling: the new images come back unchanged
            np.testing.assert_array_equal(out, step)
        else:
            assert np.all(out <= step)  # either new or from the history
            swapped += int((out < step).sum())
    assert int(pool.count.numpy()) == 8
    assert 0.35 < swapped / (58 * 4) < 0.65  # each image swapped with probability 1/2
    stored = pool.images.numpy()[:, 0]
    assert stored.max() >= 55  # the history keeps recent fakes


def test_same_seed_same_result_and_size_zero() -> None:
    outs = []
    for _ in range(2):
        pool = ImagePool(4, (2,))
        pool.query(np.ones((4, 2), "float32"), tf.constant([1, 1]))
        outs.append(pool.query(np.zeros((4, 2), "float32"), tf.constant([1, 2])).numpy())
    np.testing.assert_array_equal(outs[0], outs[1])
    off = ImagePool(0, (2,))
    x = np.ones((3, 2), "float32")
    np.testing.assert_array_equal(off.query(x, tf.constant([0, 0])).numpy(), x)


def test_inside_tf_function_and_errors() -> None:
    pool = ImagePool(4, (2, 2, 1))
    step = tf.function(pool.query)
    assert step(tf.zeros((6, 2, 2, 1)), tf.constant([0, 1], "int64")).shape == (6, 2, 2, 1)
    assert int(pool.count.numpy()) == 4
    with pytest.raises(ValueError, match="shape"):
        pool.query(np.zeros((2, 3, 3, 1), "float32"), tf.constant([0, 0]))
    with pytest.raises(ValueError, match="size"):
        ImagePool(-1, (2,))
