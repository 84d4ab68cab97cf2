"""ganlib.augment: DiffAugment operations and ADA's formulas (maths, determinism, gradients)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganlib import augment

OPS = ["brightness", "saturation", "contrast", "translation", "cutout"]
SEED = tf.constant([3, 11], dtype=tf.int64)


def _images(n: int = 8, side: int = 8, channels: int = 3, seed: int = 0) -> tf.Tensor:
    return tf.random.stateless_uniform((n, side, side, channels), seed=[seed, 1], minval=-1)


@pytest.mark.parametrize("name", OPS)
def test_identity_at_strength_zero(name: str) -> None:
    x = _images()
    y = getattr(augment, name)(x, SEED, 0.0)
    np.testing.assert_array_equal(y.numpy(), x.numpy())


@pytest.mark.parametrize("name", OPS)
def test_identity_at_probability_zero_and_full_change_at_one(name: str) -> None:
    x = _images(n=16)
    fn = getattr(augment, name)
    np.testing.assert_array_equal(fn(x, SEED, probability=0.0).numpy(), x.numpy())
    changed = np.any(fn(x, SEED, probability=1.0).numpy() != x.numpy(), axis=(1, 2, 3))
    assert changed.mean() > 0.8  # translation: shift (0, 0) is one of 9 outcomes


@pytest.mark.parametrize("name", OPS)
def test_differentiable_with_finite_nonzero_gradients(name: str) -> None:
    x = _images()
    weights = tf.random.stateless_normal(x.shape, seed=[5, 5])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = getattr(augment, name)(x, SEED)
        value = tf.reduce_sum(y * weights)
    grad = tape.gradient(value, x)
    assert grad is not None
    assert np.all(np.isfinite(grad.numpy())) and np.any(grad.numpy() != 0)


@pytest.mark.parametrize("name", OPS)
def test_same_seed_same_draw_other_seed_other_draw(name: str) -> None:
    x = _images()
    fn = getattr(augment, name)
    np.testing.assert_array_equal(fn(x, SEED).numpy(), fn(x, SEED).numpy())
    assert np.any(fn(x, SEED).numpy() != fn(x, SEED + 1).numpy())


@pytest.mark.parametrize("name", OPS)
def test_independent_draws_per_sample(name: str) -> None:
    one = _images(n=1, seed=4)
    x = tf.repeat(one, 32, axis=0)  # 32 copies of one image
    y = getattr(augment, name)(x, SEED).numpy()
    distinct = {y[i].tobytes() for i in range(32)}
    assert len(distinct) >= 8  # shifts/holes have few outcomes; continuous ones give 32


def test_brightness_offsets_are_uniform_per_sample() -> None:
    x = tf.zeros((4000, 2, 2, 3))
    y = augment.brightness(x, SEED, strength=1.0).numpy()
    offsets = y[:, 0, 0, 0]
    assert np.all(y == offsets[:, None, None, None])  # one offset per sample
    assert offsets.min() >= -0.5 and offsets.max() < 0.5
    assert abs(offsets.mean()) < 0.02 and abs(offsets.std() - np.sqrt(1 / 12)) < 0.01


def test_contrast_keeps_each_sample_mean_and_saturation_each_pixel_mean() -> None:
    x = _images(n=64)
    c = augment.contrast(x, SEED).numpy()
    np.testing.assert_allclose(c.mean(axis=(1, 2, 3)), x.numpy().mean(axis=(1, 2, 3)), atol=1e-5)
    s = augment.saturation(x, SEED).numpy()
    np.testing.assert_allclose(s.mean(axis=-1), x.numpy().mean(axis=-1), atol=1e-5)
    # the contrast factor lies in [0.5, 1.5]: deviations from the mean scale by it
    dev_in = x.numpy() - x.numpy().mean(axis=(1, 2, 3), keepdims=True)
    dev_out = c - c.mean(axis=(1, 2, 3), keepdims=True)
    factor = (dev_out * dev_in).sum(axis=(1, 2, 3)) / (dev_in**2).sum(axis=(1, 2, 3))
    assert factor.min() >= 0.5 - 1e-4 and factor.max() <= 1.5 + 1e-4


def _shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    for r in range(h):
        for c in range(w):
            if 0 <= r - dy < h and 0 <= c - dx < w:
                out[r, c] = image[r - dy, c - dx]
    return out


def test_translation_is_a_zero_padded_whole_pixel_shift_within_ratio() -> None:
    image = np.arange(1, 65, dtype="float32").reshape(8, 8, 1)
    y = augment.translation(tf.constant(np.repeat(image[None], 200, 0)), SEED, 0.25).numpy()
    seen = set()
    for sample in y:
        match = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.array_equal(sample, _shift(image, dy, dx))
        ]
        assert len(match) == 1
        seen.add(match[0])
    assert len(seen) == 25  # every shift in {-2..2}^2 is drawn


def test_cutout_zeroes_one_clipped_square() -> None:
    y = augment.cutout(tf.ones((300, 8, 8, 1)), SEED, ratio=0.5).numpy()[..., 0]
    areas = set()
    for sample in y:
        rows, cols = np.nonzero(sample == 0)
        assert rows.size > 0
        h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert h <= 4 and w <= 4 and rows.size == h * w  # one solid rectangle
        areas.add(rows.size)
    assert 16 in areas and min(areas) < 16  # inside, and clipped at the border


def test_probability_selects_that_share_of_samples() -> None:
    x = tf.zeros((4000, 2, 2, 1))
    y = augment.brightness(x, SEED, probability=0.3).numpy()
    share = np.mean(y[:, 0, 0, 0] != 0)
    assert abs(share - 0.3) < 0.03


def test_policy_expands_color_and_runs_in_a_graph() -> None:
    policy = augment.DiffAugment("color,cutout", probability=0.5)
    assert policy.policy == ("brightness", "saturation", "contrast", "cutout")
    assert augment.DiffAugment.from_config(policy.get_config()).get_config() == policy.get_config()
    x = _images()
    compiled = tf.function(lambda a, s, p: policy(a, s, probability=p))
    np.testing.assert_array_equal(compiled(x, SEED, tf.constant(0.0)).numpy(), x.numpy())
    assert np.any(compiled(x, SEED, tf.constant(1.0)).numpy() != x.numpy())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"policy": "blur"}, "policy"),
        ({"policy": ""}, "policy"),
        ({"probability": 1.5}, "probability"),
        ({"translation": -0.1}, "translation"),
        ({"cutout": 2.0}, "cutout"),
    ],
)
def test_policy_rejects_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        augment.DiffAugment(**kwargs)


def test_spatial_ops_need_images() -> None:
    with pytest.raises(ValueError, match="NHWC"):
        augment.translation(tf.zeros((4, 2)), SEED)
    with pytest.raises(TypeError, match="floating"):
        augment.brightness(tf.zeros((4, 2), tf.int32), SEED)
    assert augment.brightness(tf.zeros((4, 2)), SEED).shape == (4, 2)  # colour: any rank >= 2


def test_ada_heuristic_and_update_direction() -> None:
    assert float(augment.overfitting_heuristic([1.0, 2.0, 3.0, -1.0])) == 0.5
    p = 0.2
    assert augment.adjust_probability(p, r_t=0.9, steps=10, ramp_steps=100) == pytest.approx(0.3)
    assert augment.adjust_probability(p, r_t=0.1, steps=10, ramp_steps=100) == pytest.approx(0.1)
    assert augment.adjust_probability(p, r_t=0.6, steps=10, ramp_steps=100) == p
    assert augment.adjust_probability(0.99, r_t=1.0, steps=10, ramp_steps=100) == 1.0
