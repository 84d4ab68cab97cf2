"""Lazy regularization: `losses.lazy_penalty` and `GANTrainer(penalty_every=k)`."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import GANTrainer, losses
from ganlib.cli.config import RunConfig
from ganlib.cli.recipes import trainer_extras


def _discriminator(seed: int = 0) -> keras.Model:
    init = keras.initializers.GlorotUniform(seed=seed)
    return keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(8, activation="tanh", kernel_initializer=init),
            keras.layers.Dense(1, kernel_initializer=init),
        ]
    )


def _generator(seed: int = 1) -> keras.Model:
    init = keras.initializers.GlorotUniform(seed=seed)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, kernel_initializer=init)])


_X = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")


def _penalty_grads(d: keras.Model, fn: object) -> list[np.ndarray]:
    with tf.GradientTape() as tape:
        value = fn()  # type: ignore[operator]
    grads = tape.gradient(value, d.trainable_variables)
    return [
        np.zeros(v.shape) if g is None else g.numpy()
        for g, v in zip(grads, d.trainable_variables, strict=True)
    ]


@pytest.mark.parametrize("jit", [False, True])
def test_due_steps_get_k_times_the_penalty_and_its_gradient(jit: bool) -> None:
    d = _discriminator()
    x = tf.constant(_X)
    eager = _penalty_grads(d, lambda: losses.r1_penalty(d, x))

    @tf.function(jit_compile=jit)
    def lazy(step: tf.Tensor) -> tuple[tf.Tensor, list[tf.Tensor]]:
        with tf.GradientTape() as tape:
            value = losses.lazy_penalty(lambda: losses.r1_penalty(d, x), step, every=4)
        grads = tape.gradient(value, d.trainable_variables)
        return value, [
            tf.zeros_like(v) if g is None else g
            for g, v in zip(grads, d.trainable_variables, strict=True)
        ]

    r1 = float(losses.r1_penalty(d, x))
    assert r1 > 0
    for step in range(6):
        value, grads = lazy(tf.constant(step, tf.int64))
        if step % 4 == 0:
            np.testing.assert_allclose(float(value), 4 * r1, rtol=1e-5)
            for got, want in zip(grads, eager, strict=True):
                np.testing.assert_allclose(got.numpy(), 4 * want, rtol=1e-4, atol=1e-6)
        else:
            assert float(value) == 0.0
            for got in grads:
                assert not np.any(got.numpy())


def test_every_one_is_the_penalty_itself_and_bad_intervals_fail() -> None:
    d = _discriminator()
    x = tf.constant(_X)
    for step in (0, 1, 5):  # no tf.cond: the same computation as the eager penalty
        got = losses.lazy_penalty(lambda: losses.r1_penalty(d, x, reduction="none"), step, 1)
        np.testing.assert_array_equal(got.numpy(), losses.r1_penalty(d, x, reduction="none"))
    for bad in (0, -2, 2.0, True, None):
        with pytest.raises(ValueError, match="`every` must be an integer >= 1"):
            losses.lazy_penalty(lambda: tf.constant(1.0), 0, bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="`penalty_every` must be an integer >= 1"):
            GANTrainer(_generator(), _discriminator(), penalty_every=bad)


def _d_after_one_step(weight: float, every: int, step: int) -> list[np.ndarray]:
    """D's weights after one `fit` step from a fixed start at `step_counter` = `step`."""
    penalties = [losses.R1Penalty(weight)] if weight else []
    trainer = GANTrainer(
        _generator(), _discriminator(), penalties=penalties, seed=3, penalty_every=every
    )
    opt = keras.optimizers.SGD
    trainer.compile(opt(0.1), opt(0.1), jit_compile=False, run_eagerly=True)
    trainer.step_counter.assign(step)
    trainer.fit(_X, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert int(trainer.step_counter.numpy()) == step + 1
    return [w.numpy() for w in trainer.discriminator.weights]


def test_trainer_penalizes_due_steps_with_weight_k_and_skips_the_others() -> None:
    # The noise comes from the trainer's RNG state, not from `step_counter`: all four runs
    # update D on the same real and generated batch.
    due, eager = _d_after_one_step(2.0, 3, 6), _d_after_one_step(6.0, 1, 6)
    skipped, plain = _d_after_one_step(2.0, 3, 7), _d_after_one_step(0.0, 1, 7)
    # Step 6 is due (k = 3): the update of R1 weighted 3 x 2.0, as if taken every step.
    for got, want in zip(due, eager, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert any(np.abs(a - b).max() > 1e-3 for a, b in zip(eager, plain, strict=True))
    # Step 7 is not: the update without any penalty.
    for got, want in zip(skipped, plain, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_cli_option_is_recorded_and_old_folders_default_to_every_step() -> None:
    config = RunConfig(dataset="grid", kind="grid", r1=0.01, r1_every=8)
    assert RunConfig.from_dict(config.to_dict()).r1_every == 8
    assert trainer_extras(config) == {"penalty_every": 8}
    old = config.to_dict()
    del old["r1_every"]  # a run folder of an earlier version
    assert RunConfig.from_dict(old).r1_every == 1
    assert trainer_extras(RunConfig.from_dict(old)) == {}
    with pytest.raises(ValueError, match="r1_every"):
        RunConfig.from_dict({**old, "r1_every": 2.5})
