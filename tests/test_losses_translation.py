"""Golden values and validation of the translation and auxiliary losses."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses

# TF-GAN's ACGANLossTest inputs (tensorflow_gan/python/losses/losses_impl_test.py).
GEN = [[10.0, 4.4, -5.5, 3.6], [-4.0, 4.4, 5.2, 4.6], [1.1, 2.4, -3.5, 5.6], [1.1, 2.4, -3.5, 5.6]]
REAL = [
    [-2.0, 0.4, 12.5, 2.7],
    [-1.2, 1.9, 12.3, 2.6],
    [-2.4, -1.7, 2.5, 2.7],
    [1.1, 2.4, -3.5, 5.6],
]
ONE_HOT = [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0]]
IDS = [1, 2, 0, 0]
# TF-GAN CycleConsistencyLossTest inputs; its value 5.25 is the mean of both directions.
X, X_REC = [[1.0, 2, 3], [4, 5, 6]], [[7.0, 8, 9], [10, 11, 12]]
Y, Y_REC = [[1.0], [9.0]], [[-2.0], [3.0]]

GOLDEN = [
    ("acgan_g_tfgan_onehot", losses.acgan_generator_loss, (GEN, ONE_HOT), 3.84974),
    ("acgan_g_tfgan_ids", losses.acgan_generator_loss, (GEN, IDS), 3.84974),
    ("acgan_d_tfgan", losses.acgan_discriminator_loss, (REAL, GEN, ONE_HOT), 9.43950),
    ("acgan_d_tfgan_ids", losses.acgan_discriminator_loss, (REAL, GEN, IDS), 9.43950),
    # TF-GAN 5.25 = (6 + 4.5) / 2; ganlib sums the two directions as the paper does.
    ("cycle_tfgan_x2", losses.cycle_consistency_loss, (X, X_REC, Y, Y_REC), 2 * 5.25),
    # TF-GAN 1.61610 = mean of the two code terms; ganlib sums them.
    ("mi_tfgan_x2", losses.mutual_information_penalty, ([1], [[1.0, 2.0]], [[2.0]], [[0.0]]),
     2 * 1.61610),
    ("l1", losses.l1_loss, (X, X_REC), 6.0),
    ("l2", losses.l2_loss, (Y, Y_REC), (9.0 + 36.0) / 2),
    ("identity", losses.identity_loss, (Y, Y_REC), 4.5),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fn", "args", "expected"), [pytest.param(*r[1:], id=r[0]) for r in GOLDEN]
)
def test_golden_values(fn, args, expected) -> None:
    value = fn(*args)
    assert value.shape == () and value.dtype == tf.float32
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    per_example = fn(*args, reduction="none")
    assert per_example.shape == (len(args[0]),)
    np.testing.assert_allclose(float(tf.reduce_mean(per_example)), expected, rtol=1e-5)


def test_acgan_patch_logits_average_like_tfgan() -> None:
    patch = tf.reshape(tf.constant(GEN), [2, 2, 4])
    labels = tf.reshape(tf.constant(ONE_HOT, tf.float32), [2, 2, 4])
    np.testing.assert_allclose(float(losses.acgan_generator_loss(patch, labels)), 3.84974, 1e-5)
    ids = tf.reshape(tf.constant(IDS), [2, 2])
    np.testing.assert_allclose(float(losses.acgan_generator_loss(patch, ids)), 3.84974, 1e-5)


def test_acgan_distinct_fake_labels() -> None:
    uniform = [[0.0, 0.0]] * 2
    confident = [[5.0, -5.0]] * 2
    real_part = float(losses.acgan_generator_loss(confident, [0, 0]))
    d = losses.acgan_discriminator_loss(confident, uniform, [0, 0], fake_labels=[1, 1])
    np.testing.assert_allclose(float(d), real_part + math.log(2.0), rtol=1e-6)
    for w in (0.0, 0.25):  # the generated images' term scaled, the real one untouched
        d = losses.acgan_discriminator_loss(confident, uniform, [0, 0], fake_weight=w)
        np.testing.assert_allclose(float(d), real_part + w * math.log(2.0), rtol=1e-6)
    with pytest.raises(ValueError, match="fake_weight"):
        losses.acgan_discriminator_loss(confident, uniform, [0, 0], fake_weight=-1.0)


def test_mutual_information_continuous_with_log_std() -> None:
    # log N(c; mu, sigma) by hand, two codes per example, sigma = e^0.5.
    codes, mean, log_std = [[1.0, -1.0]], [[0.0, 0.0]], [[0.5, 0.5]]
    nll = 2 * (0.5 * math.exp(-1.0) + 0.5 + 0.5 * math.log(2 * math.pi))
    value = losses.mutual_information_penalty(
        continuous_codes=codes, continuous_mean=mean, continuous_log_std=log_std
    )
    np.testing.assert_allclose(float(value), nll, rtol=1e-6)
    # A categorical code alone is the softmax cross-entropy.
    cat = losses.mutual_information_penalty([2, 0], [[0.0, 0.0, 0.0]] * 2)
    np.testing.assert_allclose(float(cat), math.log(3.0), rtol=1e-6)


def test_gradients_flow_to_output() -> None:
    out = tf.Variable([[0.5, -0.5]])
    with tf.GradientTape() as tape:
        loss = losses.combine_adversarial_loss(
            losses.non_saturating_generator_loss(out), losses.l1_loss([[0.0, 0.0]], out)
        )
    grad = tape.gradient(loss, out)
    assert grad is not None and np.all(np.isfinite(grad.numpy()))
    assert float(tf.reduce_max(tf.abs(grad))) > 10  # the L1 term dominates at weight 100


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: losses.l1_loss([[1.0, 2.0]], [[1.0, 2.0, 3.0]]), "same shape"),
        (lambda: losses.l1_loss([[1.0]], [[1.0], [2.0]]), "same batch size"),
        (lambda: losses.l1_loss([[1]], [[1]]), "floating-point"),
        (lambda: losses.l2_loss([[1.0]], [[1.0]], reduction="sum"), "reduction"),
        (lambda: losses.cycle_consistency_loss([[1.0]], [[1.0]], [[1.0]] * 2, [[1.0]] * 2),
         "same batch size"),
        (lambda: losses.combine_adversarial_loss(1.0, 1.0, weight=-1.0), "weight"),
        (lambda: losses.combine_adversarial_loss([1.0, 2.0], 1.0), "same shape"),
        (lambda: losses.acgan_generator_loss([[0.0, 0.0]], [0.5]), "integer class ids"),
        (lambda: losses.acgan_generator_loss([[0.0, 0.0]], [[0]]), "(?i)one-hot"),
        (lambda: losses.acgan_generator_loss([0.0, 0.0], [0, 1]), "num_classes"),
        (lambda: losses.mutual_information_penalty(), "Received: both None"),
        (lambda: losses.mutual_information_penalty([0]), "categorical_logits"),
        (lambda: losses.mutual_information_penalty(continuous_codes=[[0.0]]), "continuous_mean"),
        (lambda: losses.mutual_information_penalty(
            continuous_codes=[[0.0]], continuous_mean=[[0.0, 1.0]]), "same shape"),
    ],
)  # fmt: skip
def test_errors_name_the_argument(call, match) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()
