"""GANTrainer(augment=..., pack=...), AdaptiveAugmentation and sample(truncation, rejection)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import stats

from ganlib import GANTrainer, augment, callbacks, losses, models, sampling
from ganlib._trainer_quality import replica_share
from ganlib.trainer_state import save_trainer


def _images(n: int = 32, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")


def _trainer(pack: int = 1, **kwargs) -> GANTrainer:
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(8, 8, 1), hidden_units=(16,)).build()
    d = models.MLPDiscriminator(input_shape=(8, 8, 1), hidden_units=(16,), pack=pack).build()
    trainer = GANTrainer(g, d, pack=pack, seed=0, **kwargs)
    trainer.compile()
    return trainer


# ----------------------------------------------------------------------------- packing
def test_pack_feeds_the_discriminator_consecutive_m_tuples() -> None:
    trainer = _trainer(pack=4)
    x = tf.constant(_images(8))
    np.testing.assert_array_equal(trainer.discriminator_input(x).numpy(), models.pack(x, 4))
    loss, logs = trainer.discriminator_loss(x, x[::-1])
    assert loss.shape == (2,) and logs["d_real"].shape == (2, 1)  # one value per pack


def test_pack_errors() -> None:
    with pytest.raises(ValueError, match="divisible by 4"):
        _trainer(pack=4).fit(_images(32), batch_size=6, verbose=0)
    with pytest.raises(ValueError, match="last batch=2"):
        _trainer(pack=4).fit(_images(34), batch_size=8, verbose=0)
    odd_last = tf.data.Dataset.from_tensor_slices(_images(13)).batch(8)  # batches of 8 and 5
    with pytest.raises(tf.errors.InvalidArgumentError, match="divisible by pack=2"):
        _trainer(pack=2).fit(odd_last, verbose=0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(8, 8, 1), hidden_units=(16,)).build()
    d = models.MLPDiscriminator(input_shape=(8, 8, 1), hidden_units=(16,)).build()
    with pytest.raises(ValueError, match=r"packed inputs of shape \(8, 8, 2\)"):
        GANTrainer(g, d, pack=2)
    gc = models.MLPGenerator(latent_dim=4, output_shape=(2,), num_classes=3).build()
    dc = models.MLPDiscriminator(input_shape=(2,), num_classes=3).build()
    with pytest.raises(ValueError, match="conditional"):
        GANTrainer(gc, dc, pack=2)


def test_r1_is_taken_on_packed_inputs_and_losses_average_over_packs() -> None:
    trainer = _trainer(pack=2, penalties=[losses.R1Penalty(weight=3.0)])
    real, fake = tf.constant(_images(8, seed=1)), tf.constant(_images(8, seed=2))
    loss, logs = trainer.discriminator_loss(real, fake)
    packed_real = models.pack(real, 2)
    with tf.GradientTape() as tape:
        tape.watch(packed_real)
        out = trainer.discriminator(packed_real, training=True)
    grads = tape.gradient(out, packed_real).numpy().reshape(4, -1)
    np.testing.assert_allclose(logs["r1"].numpy(), (grads**2).sum(1), rtol=1e-4)
    base = losses.NonSaturating().discriminator(logs["d_real"], logs["d_fake"], reduction="none")
    np.testing.assert_allclose(
        loss.numpy(), np.reshape(base, -1) + 3.0 * logs["r1"].numpy(), rtol=1e-5
    )
    # WGAN-GP on packed inputs: one interpolation weight and one gradient norm per pack
    gp_trainer = _trainer(pack=2, penalties=[losses.GradientPenalty()])
    _, gp_logs = gp_trainer.discriminator_loss(real, fake)
    assert gp_logs["gp"].shape == (4,)
    # the per-replica share of a packed (B/m,) vector is its mean on one device
    share = replica_share(loss, tf.constant(8), tf.constant(8))
    np.testing.assert_allclose(share.numpy(), loss.numpy().mean(), rtol=1e-6)


# ------------------------------------------------------------------------ augmentation
def test_augment_reaches_every_discriminator_input() -> None:
    """An augmentation that blanks its input: D sees the same for real and fake, G gets no
    gradient, and R1 is the squared gradient norm of D at the blank (augmented) input.

    The blank is 0.5, not 0: at a zero input every pre-activation of D equals its zero initial
    bias, on the LeakyReLU's kink, whose slope there is a kernel's choice (signed zeros
    included): R1 at zero is 0.10 with slope 0.2 at every kink, 2.58 with slope 1, and a
    suite run once logged 1.33 for the expected 0.10."""
    calls: list[int] = []

    def blank(x: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        calls.append(1)
        return x * 0.0 + 0.5

    trainer = _trainer(augment=blank, penalties=[losses.R1Penalty()])
    halves = tf.fill((1, 8, 8, 1), 0.5)
    with tf.GradientTape() as tape:
        tape.watch(halves)
        out = trainer.discriminator(halves, training=True)
    expected_r1 = float(tf.reduce_sum(tape.gradient(out, halves) ** 2))
    before = [w.numpy().copy() for w in trainer.generator.trainable_weights]
    h = trainer.fit(_images(16), batch_size=16, epochs=1, verbose=0, shuffle=False)
    assert h.history["d_real"] == h.history["d_fake"]
    assert h.history["r1"][0] == pytest.approx(expected_r1, rel=1e-4)
    for b, a in zip(before, trainer.generator.trainable_weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b)  # zero gradients: Adam leaves G as it was
    assert len(calls) >= 3  # traced: real and fake in the D update, fake in the G update


def test_augmentation_draws_come_from_the_trainer_rng_and_resume_exactly(tmp_path) -> None:
    policy = augment.DiffAugment("color,translation,cutout")
    x = _images(32)
    a = _trainer(augment=policy)  # saved after epoch 1, then goes on uninterrupted
    a.fit(x, batch_size=8, epochs=1, verbose=0, shuffle=False)
    a.set_augment_probability(0.25)
    run = save_trainer(a, tmp_path / "run", epoch=1)
    a.set_augment_probability(1.0)
    a.fit(x, batch_size=8, epochs=2, initial_epoch=1, verbose=0, shuffle=False)
    c = _trainer(augment=policy)
    assert c.restore(run) == 1
    assert float(c.augment_probability.numpy()) == 0.25  # checkpointed trainer state
    c.set_augment_probability(1.0)
    c.fit(x, batch_size=8, epochs=2, initial_epoch=1, verbose=0, shuffle=False)
    for wa, wc in zip(a.get_weights(), c.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wc)
    assert int(a.rng_state.numpy()[1]) > 8 * 4  # the augmentations drew from the counter


def _overfit_trainer(p: float, d_lr: float, bias: float = 0.0) -> GANTrainer:
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(8, 8, 1), hidden_units=(16,)).build()
    d = models.MLPDiscriminator(input_shape=(8, 8, 1), hidden_units=(64,)).build()
    d.get_layer("logit").bias.assign([bias])
    policy = augment.DiffAugment("brightness", color=0.1, probability=p)
    trainer = GANTrainer(g, d, augment=policy, seed=0)
    trainer.compile(keras.optimizers.Adam(0.0), keras.optimizers.Adam(d_lr))
    return trainer


def test_ada_raises_p_when_the_discriminator_overfits_and_lowers_it_otherwise() -> None:
    x = np.tile(_images(16), (8, 1, 1, 1))  # 16 real images: D memorizes them quickly
    trainer = _overfit_trainer(p=0.2, d_lr=1e-2)
    ada = callbacks.AdaptiveAugmentation(target=0.6, interval=4, ramp_steps=100)
    trainer.fit(x, batch_size=16, epochs=8, verbose=0, callbacks=[ada])
    r_ts = [r for r, _ in ada.history]
    assert r_ts[-1] > 0.6  # it overfits: sign(D(real)) is positive on the training images
    assert float(trainer.augment_probability.numpy()) > 0.2 + 0.1

    frozen = _overfit_trainer(p=0.5, d_lr=0.0, bias=-50.0)  # D(real) < 0 always: r_t = -1
    ada = callbacks.AdaptiveAugmentation(target=0.6, interval=4, ramp_steps=100)
    frozen.fit(x[:80], batch_size=16, epochs=4, verbose=0, callbacks=[ada])  # 20 steps
    assert [r for r, _ in ada.history] == [-1.0] * 5  # windows of 4 steps, across epochs
    assert float(frozen.augment_probability.numpy()) == pytest.approx(0.3, abs=1e-6)


def test_ada_and_augment_argument_errors() -> None:
    with pytest.raises(TypeError, match="augment"):
        _trainer(augment=3)
    with pytest.raises(ValueError, match="no `augment`"):
        _trainer().set_augment_probability(0.5)
    with pytest.raises(ValueError, match=r"`p` must be"):
        _trainer(augment="color").set_augment_probability(1.5)
    with pytest.raises(ValueError, match="target"):
        callbacks.AdaptiveAugmentation(target=2.0)
    with pytest.raises(ValueError, match="d_real_sign"):
        _trainer().fit(
            _images(8), batch_size=8, verbose=0, callbacks=[callbacks.AdaptiveAugmentation()]
        )


# --------------------------------------------------------------------------- sampling
def _identity_trainer() -> GANTrainer:
    g = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    g.layers[0].kernel.assign([[1.0]])  # G(z) = z ~ N(0, 1)
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, seed=0)
    trainer.compile()
    return trainer


def test_sample_truncation_and_unchanged_default() -> None:
    trainer = _identity_trainer()
    plain = trainer.sample(100, seed=3)
    z = np.random.default_rng(3).standard_normal((100, 1)).astype("float32")
    np.testing.assert_array_equal(plain, z)  # truncation=None: the noise of before
    x = trainer.sample(2000, seed=3, truncation=0.5)
    assert np.abs(x).max() <= 0.5 and x.std() > 0.2
    with pytest.raises(ValueError, match="truncation"):
        trainer.sample(4, truncation=0.0)


def test_sample_temperature_scales_the_latent_after_truncation() -> None:
    trainer = _identity_trainer()  # G(z) = z
    z = np.random.default_rng(3).standard_normal((100, 1)).astype("float32")
    np.testing.assert_array_equal(trainer.sample(100, seed=3, temperature=2.0), 2 * z)
    np.testing.assert_array_equal(trainer.sample(100, seed=3, temperature=1), z)
    x = trainer.sample(2000, seed=3, truncation=0.5, temperature=2.0)
    assert np.abs(x).max() <= 1.0 and x.std() > 0.4  # psi 0.5 first, then x 2
    drs = sampling.DiscriminatorRejectionSampler(lambda x: np.zeros(len(x)), burn_in=1000)
    wide = trainer.sample(3000, seed=0, rejection=drs, temperature=3.0)  # proposals x 3 too
    assert stats.kstest(wide[:, 0] / 3.0, "norm").pvalue > 1e-3
    for bad in (0.0, -1.0, float("nan"), float("inf"), True, "2"):
        with pytest.raises(ValueError, match="temperature"):
            trainer.sample(4, temperature=bad)


def test_sample_with_rejection_follows_the_data_distribution() -> None:
    """Model N(0, 1), data N(0, 0.5^2): optimal logit log 2 - 3 x^2 / 2; DRS keeps half."""
    trainer = _identity_trainer()
    drs = sampling.DiscriminatorRejectionSampler(
        lambda x: np.log(2.0) - 1.5 * np.asarray(x) ** 2, burn_in=5000
    )
    x = trainer.sample(5000, seed=0, rejection=drs)
    assert x.shape == (5000, 1)
    assert stats.kstest(x[:, 0] / 0.5, "norm").pvalue > 1e-3
    assert drs.acceptance_rate == pytest.approx(0.5, abs=0.03)
    with pytest.raises(TypeError, match="rejection"):
        trainer.sample(4, rejection="drs")


# ------------------------------------------------------------------------- end to end
@pytest.mark.slow
def test_end_to_end_every_block_on_a_1d_gaussian() -> None:
    """Data N(2, 0.5^2); pack=2, minibatch stddev, R1, augmentation with ADA; 400 steps, seed 0.

    Measured: sample mean 1.999, std 0.536 (tolerances 0.2 and 0.15). Truncation then narrows
    the samples, and calibrated rejection sampling runs on the trained discriminator, which
    judges pairs: it scores a sample packed with itself.
    """
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(2.0, 0.5, (64 * 40, 1)).astype("float32")
    g = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    d = models.MLPDiscriminator(
        input_shape=(1,), hidden_units=(32, 32), pack=2, minibatch_stddev=True
    ).build()
    policy = augment.DiffAugment("brightness", color=0.2, probability=0.0)
    trainer = GANTrainer(g, d, pack=2, penalties=[losses.R1Penalty(0.1)], augment=policy, seed=0)
    trainer.compile(
        keras.optimizers.Adam(2e-3, beta_1=0.5),
        keras.optimizers.Adam(2e-3, beta_1=0.5),
        steps_per_execution=20,
    )
    ada = callbacks.AdaptiveAugmentation(interval=4, ramp_steps=200)
    history = trainer.fit(x, batch_size=64, epochs=10, verbose=0, callbacks=[ada])
    assert int(trainer.step_counter.numpy()) == 400
    assert len(ada.history) == 20  # steps_per_execution=20: one window per 20 steps
    assert all(np.all(np.isfinite(v)) for v in history.history.values())
    samples = trainer.sample(4000, seed=1)
    assert abs(samples.mean() - 2.0) < 0.2 and abs(samples.std() - 0.5) < 0.15
    assert trainer.sample(4000, seed=1, truncation=1.0).std() < samples.std()

    def per_sample(v: np.ndarray) -> np.ndarray:  # a sample packed with itself
        return keras.ops.convert_to_numpy(d(np.concatenate([v, v], axis=-1), training=False))

    drs = sampling.DiscriminatorRejectionSampler(per_sample, burn_in=2000)
    drs.calibrate(x[:2000], trainer.sample(2000, seed=2))
    kept = trainer.sample(1000, seed=3, rejection=drs)
    assert kept.shape == (1000, 1) and np.all(np.isfinite(kept))
    assert 0 < drs.acceptance_rate <= 1
