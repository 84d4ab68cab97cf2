"""`benchmarks/_mnist_modeseek.py`: the mode-seeking term (Mao et al. 2019) of the MNIST
recipe's ``msN`` tokens: its value, its gradient's direction, the shared codes of the pairs and
the term's place in the generator loss. Tiny models only (no training of the paper pair).
"""

from __future__ import annotations

import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _mnist_modeseek as modeseek
import _mnist_variants as variants


def test_term_is_the_inverse_of_the_distance_ratio_over_the_halves() -> None:
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=(7, 3, 2)), rng.normal(size=(7, 5))  # odd: row 6 is left out
    term, ratio = modeseek.mode_seeking_term(x.astype("float32"), z.astype("float32"))
    expected = np.abs(x[:3] - x[3:6]).mean() / np.abs(z[:3] - z[3:6]).mean()
    assert float(ratio) == pytest.approx(expected, rel=1e-5)
    assert float(term) == pytest.approx(1 / (expected + 1e-5), rel=1e-5)


def test_a_gradient_step_on_the_term_spreads_the_images_of_distinct_latents() -> None:
    rng = np.random.default_rng(1)
    z = tf.constant(rng.normal(size=(8, 4)), "float32")
    w = tf.Variable(0.1 * rng.normal(size=(4, 6)), dtype="float32")

    def distance() -> float:
        x = z @ w
        return float(tf.reduce_mean(tf.abs(x[:4] - x[4:])))

    before = distance()
    with tf.GradientTape() as tape:
        term, _ = modeseek.mode_seeking_term(z @ w, z)
    w.assign_sub(0.01 * tape.gradient(term, w))
    assert distance() > before * 1.01


def _trainer(weight: float, share: bool, g: keras.Model, d: keras.Model) -> object:
    return modeseek.ModeSeekingInfoGANTrainer(
        g, d, num_categories=3, noise_scale=0.5, seed=0,
        mode_seeking_weight=weight, share_codes=share,
    )  # fmt: skip


def _models() -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((7,)), keras.layers.Dense(5)])
    d = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1 + 3)])
    return g, d


def test_shared_codes_pair_the_halves_and_leave_the_noise_alone() -> None:
    g, d = _models()
    shared, independent = _trainer(1.0, True, g, d), _trainer(1.0, False, g, d)
    a, b = shared._noise(tf.constant(9)).numpy(), independent._noise(tf.constant(9)).numpy()
    assert (a[:4, :3].argmax(1) == a[4:8, :3].argmax(1)).all()
    np.testing.assert_array_equal(a[:4], b[:4])  # the same draw (same seed) ...
    np.testing.assert_array_equal(a[:, 3:], b[:, 3:])  # ... and noise
    np.testing.assert_array_equal(a[8:], b[8:])  # the odd last row is its own
    assert not (b[:4, :3].argmax(1) == b[4:8, :3].argmax(1)).all()


def test_generator_loss_adds_the_weighted_term_on_the_scaled_noise() -> None:
    g, d = _models()
    with_term, without = _trainer(2.0, True, g, d), _trainer(0.0, True, g, d)
    z = tf.constant(np.random.default_rng(2).normal(size=(6, 7)), "float32")
    losses = []
    for trainer in (with_term, without):
        fake = trainer.generate(z)
        loss, logs = trainer.generator_loss(fake)
        losses.append(loss.numpy())
    term, ratio = modeseek.mode_seeking_term(fake, z[:, 3:] * 0.5)
    np.testing.assert_allclose(losses[0] - losses[1], 2.0 * float(term), rtol=1e-5)
    assert float(logs["g_ms_ratio"]) == pytest.approx(float(ratio))


def test_ms_tokens_build_the_mode_seeking_trainer() -> None:
    assert variants.parse("paper+info+b64+glr3+ms1")[1] >= {"ms1", "info"}
    for wrong in ("paper+ms1", "paper+info+ms1+ms3"):
        with pytest.raises(ValueError, match=r"need info|one ms or nn token"):
            variants.parse(wrong)
    trainer = variants.build("paper+info+glr3+msu1+nojit", seed=0, steps=10)
    assert isinstance(trainer, modeseek.ModeSeekingInfoGANTrainer)
    assert (trainer.mode_seeking_weight, trainer.share_codes) == (1.0, False)
    assert trainer.noise_scale == variants.PAPER["noise_scale"]
