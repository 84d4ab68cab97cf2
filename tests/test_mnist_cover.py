"""`benchmarks/_mnist_cover.py`: the nearest-neighbour coverage term of the MNIST recipe's
``nnW`` tokens: its value, where its gradient goes, the extra pool and the term's place in the
generator loss. Tiny models only (no training of the paper pair).
"""

from __future__ import annotations

import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _mnist_cover as cover
import _mnist_variants as variants


def test_nearest_distances_are_each_real_rows_smallest_mean_squared_distance() -> None:
    rng = np.random.default_rng(0)
    real, pool = rng.normal(size=(5, 3, 2)), rng.normal(size=(7, 3, 2))
    got = cover.nearest_distances(real.astype("float32"), pool.astype("float32")).numpy()
    pairs = ((real[:, None] - pool[None]) ** 2).reshape(5, 7, -1).mean(axis=2)
    np.testing.assert_allclose(got, pairs.min(axis=1), rtol=1e-4, atol=1e-6)


def test_the_gradient_moves_only_each_real_rows_nearest_pool_row_towards_it() -> None:
    real = tf.constant([[0.0, 0.0], [10.0, 10.0]])
    pool = tf.Variable([[1.0, 0.0], [9.0, 9.0], [50.0, 50.0]])
    with tf.GradientTape() as tape:
        term = tf.reduce_mean(cover.nearest_distances(real, pool))
    grad = tape.gradient(term, pool).numpy()
    np.testing.assert_array_equal(grad[2], [0.0, 0.0])  # nobody's nearest
    assert grad[0, 0] > 0 and grad[1, 0] < 0 and grad[1, 1] < 0  # descent moves them closer
    pool.assign_sub(0.5 * grad)
    assert float(tf.reduce_mean(cover.nearest_distances(real, pool))) < float(term)


def _models() -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((7,)), keras.layers.Dense(5)])
    d = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1 + 3)])
    return g, d


def _trainer(weight: float, extra: int, g: keras.Model, d: keras.Model) -> object:
    return cover.CoverageInfoGANTrainer(
        g, d, num_categories=3, noise_scale=0.5, seed=0, cover_weight=weight, cover_extra=extra
    )


def test_generator_loss_adds_the_weighted_term_of_the_real_batch_against_the_fakes() -> None:
    g, d = _models()
    with_term, without = _trainer(2.0, 0, g, d), _trainer(0.0, 0, g, d)
    z = tf.constant(np.random.default_rng(2).normal(size=(6, 7)), "float32")
    real = tf.constant(np.random.default_rng(3).normal(size=(4, 5)), "float32")
    losses = []
    for trainer in (with_term, without):
        fake = trainer.generate(z)
        loss, logs = trainer.generator_loss(fake, None, real)
        losses.append(loss.numpy())
    term = float(tf.reduce_mean(cover.nearest_distances(real, fake)))
    np.testing.assert_allclose(losses[0] - losses[1], 2.0 * term, rtol=1e-5)
    assert float(logs["g_nn"]) == pytest.approx(term)


def test_an_extra_pool_can_only_bring_the_nearest_images_closer() -> None:
    g, d = _models()
    trainer = _trainer(1.0, 3, g, d)
    z = tf.constant(np.random.default_rng(4).normal(size=(4, 7)), "float32")
    real = tf.constant(np.random.default_rng(5).normal(size=(4, 5)), "float32")
    fake = trainer.generate(z)
    _, logs = trainer.generator_loss(fake, None, real)
    alone = float(tf.reduce_mean(cover.nearest_distances(real, fake)))
    assert float(logs["g_nn"]) < alone  # 12 more draws: a strictly nearer image for some row


def test_nn_tokens_build_the_coverage_trainer_and_refuse_bad_company() -> None:
    for wrong in ("paper+nn3", "paper+info+nn3+ms1", "paper+info+nn1+nn3"):
        with pytest.raises(ValueError, match=r"need info|one ms or nn token"):
            variants.parse(wrong)
    trainer = variants.build("paper+info+glr3+nn3p1+nojit", seed=0, steps=10)
    assert isinstance(trainer, cover.CoverageInfoGANTrainer)
    assert (trainer.cover_weight, trainer.cover_extra) == (3.0, 1)
    with pytest.raises(ValueError, match="weight >= 0"):
        _trainer(-1.0, 0, *_models())
