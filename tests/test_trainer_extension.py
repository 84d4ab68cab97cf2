"""GANTrainer extension points: loss-assembly methods, discriminate/generate, the loss and
penalty contract (checked once), trainer-owned state (tracked variables, EMA, divergence) and
the checkpoint protocol."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses
from ganlib.callbacks import DivergenceGuard, GANCheckpoint, GeneratorEMA
from ganlib.checkpoint import restore_trainer, save_trainer, trainer_arrays
from ganlib.trainer import GANTrainer


def models() -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(1)])
    return g, d


def points(n: int = 32) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


def copy_networks(source: GANTrainer, target: GANTrainer) -> None:
    target.generator.set_weights(source.generator.get_weights())
    target.discriminator.set_weights(source.discriminator.get_weights())


def compiled(trainer: GANTrainer) -> GANTrainer:
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return trainer


class FeatureMatching(GANTrainer):
    """Adds a mean-feature-matching term (Salimans et al. 2016) to the generator loss."""

    def __init__(self, *args: Any, fm_weight: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fm_weight = fm_weight
        self.track_metric("feature_matching")
        self.discriminate_calls = 0

    def discriminate(self, x: Any, labels: Any = None, training: bool = True) -> Any:
        self.discriminate_calls += 1  # counted at trace time
        return super().discriminate(x, labels, training=training)

    def generator_loss(
        self, fake: Any, labels: Any = None, real: Any = None, real_labels: Any = None
    ) -> tuple[Any, dict[str, Any]]:
        loss, logs = super().generator_loss(fake, labels, real, real_labels)
        features = keras.Model(self.discriminator.inputs, self.discriminator.layers[0].output)
        fm = tf.reduce_sum(
            tf.square(tf.reduce_mean(features(real), 0) - tf.reduce_mean(features(fake), 0))
        )
        return loss + self.fm_weight * fm, {**logs, "feature_matching": fm}


def test_a_subclass_adds_a_logged_term_used_by_train_and_test_steps() -> None:
    trainer = compiled(FeatureMatching(*models(), seed=0))
    history = trainer.fit(points(), batch_size=16, epochs=1, verbose=0)
    assert history.history["feature_matching"][0] > 0.0
    train_calls = trainer.discriminate_calls
    # D(real), D(fake) in the D step (one call on both when fused), D(G(z)) in the G step
    per_step = 2 if trainer.fuse_discriminator_passes else 3
    assert train_calls == per_step
    result = trainer.evaluate(points(), batch_size=16, verbose=0, return_dict=True)
    assert result["feature_matching"] > 0.0
    assert trainer.discriminate_calls == train_calls + per_step


def test_the_feature_matching_term_changes_the_generator_update() -> None:
    plain = compiled(GANTrainer(*models(), seed=0))
    extra = compiled(FeatureMatching(*models(), seed=0, fm_weight=100.0))
    copy_networks(plain, extra)
    np.testing.assert_array_equal(
        plain.generator.get_weights()[0], extra.generator.get_weights()[0]
    )
    plain.fit(points(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    extra.fit(points(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    assert not np.allclose(plain.generator.get_weights()[0], extra.generator.get_weights()[0])


def test_an_unknown_logged_name_is_a_clear_error() -> None:
    class Untracked(GANTrainer):
        def generator_loss(self, fake: Any, *args: Any) -> tuple[Any, dict[str, Any]]:
            loss, _ = super().generator_loss(fake, *args)
            return loss, {"extra": loss}

    trainer = compiled(Untracked(*models(), seed=0))
    with pytest.raises(KeyError, match=r"track_metric\('extra'\)"):
        trainer.fit(points(), batch_size=16, epochs=1, verbose=0)


class MeanOnly:
    """A user loss without `reduction`: returns batch means."""

    def generator(self, fake: Any) -> Any:
        return tf.reduce_mean(tf.nn.softplus(-fake))

    def discriminator(self, real: Any, fake: Any) -> Any:
        return tf.reduce_mean(tf.nn.softplus(-real) + tf.nn.softplus(fake))


def test_a_user_loss_without_reduction_is_refused_unless_declared_mean_only() -> None:
    with pytest.raises(TypeError, match=r"`reduction`.*mean_only=True"):
        losses.adapt_loss(MeanOnly())
    with pytest.warns(DeprecationWarning, match="adapt_loss"), pytest.raises(TypeError):
        GANTrainer(*models(), loss=MeanOnly())
    trainer = compiled(GANTrainer(*models(), loss=losses.adapt_loss(MeanOnly(), mean_only=True)))
    history = trainer.fit(points(), batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])


def test_an_adapted_mean_only_loss_trains_like_the_builtin() -> None:
    """softplus(-D(G)) is the non-saturating loss: batch means give the same training."""
    a = compiled(GANTrainer(*models(), seed=1))
    b = compiled(GANTrainer(*models(), loss=losses.adapt_loss(MeanOnly(), mean_only=True), seed=1))
    copy_networks(a, b)
    a.fit(points(), batch_size=16, epochs=2, verbose=0, shuffle=False)
    b.fit(points(), batch_size=16, epochs=2, verbose=0, shuffle=False)
    for x, y in zip(a.generator.get_weights(), b.generator.get_weights(), strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_a_duck_typed_loss_with_reduction_still_works_with_a_deprecation_warning() -> None:
    class WithReduction(MeanOnly):
        generator_needs_real = False

        def generator(self, fake: Any, reduction: str = "mean") -> Any:
            return losses.non_saturating_generator_loss(fake, reduction=reduction)

        def discriminator(self, real: Any, fake: Any, reduction: str = "mean") -> Any:
            return losses.non_saturating_discriminator_loss(real, fake, reduction=reduction)

    with pytest.warns(DeprecationWarning, match="adapt_loss"):
        trainer = compiled(GANTrainer(*models(), loss=WithReduction(), seed=0))
    trainer.fit(points(), batch_size=16, epochs=1, verbose=0)


def test_a_gan_loss_subclass_without_reduction_is_refused_at_construction() -> None:
    class Bad(losses.NonSaturating):
        def generator(self, fake_logits: Any, real_logits: Any = None) -> Any:  # type: ignore[override]
            return super().generator(fake_logits)

    with pytest.raises(TypeError, match=r"Bad\.generator.*`reduction`"):
        GANTrainer(*models(), loss=Bad())


def logit_l2(discriminator: Any, real: Any, fake: Any, labels: Any = None) -> Any:
    return tf.reduce_mean(tf.square(discriminator(real)))


def test_a_penalty_without_seed_is_refused_unless_declared_deterministic() -> None:
    with pytest.raises(TypeError, match=r"`seed`.*deterministic=True"):
        losses.adapt_penalty(logit_l2, name="l2", weight=0.1, mean_only=True)
    with pytest.raises(TypeError, match=r"`reduction`.*mean_only=True"):
        losses.adapt_penalty(logit_l2, name="l2", weight=0.1, deterministic=True)
    with pytest.raises(TypeError, match="name"):
        losses.adapt_penalty(logit_l2, weight=0.1, deterministic=True, mean_only=True)
    p = losses.adapt_penalty(logit_l2, name="l2", weight=0.1, deterministic=True, mean_only=True)
    trainer = compiled(GANTrainer(*models(), penalties=[p], seed=0))
    history = trainer.fit(points(), batch_size=16, epochs=1, verbose=0)
    assert history.history["l2"][0] > 0.0


def test_an_adapted_random_penalty_gets_the_trainers_seed() -> None:
    seen = []

    def noisy(
        disc: Any, real: Any, fake: Any, labels: Any = None, *, seed: Any, reduction: str = "mean"
    ) -> Any:
        seen.append(seed)
        eps = tf.random.stateless_uniform((tf.shape(real)[0], 1), seed=seed)
        return losses.r1_penalty(disc, eps * real + (1 - eps) * fake, reduction=reduction)

    p = losses.adapt_penalty(noisy, name="noisy", weight=1.0)
    first = compiled(GANTrainer(*models(), penalties=[p], seed=0))
    second = compiled(GANTrainer(*models(), penalties=[p], seed=0))
    copy_networks(first, second)
    for trainer in (first, second):
        trainer.fit(points(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    assert seen and all(s is not None for s in seen)
    for a, b in zip(
        first.discriminator.get_weights(), second.discriminator.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_track_state_is_saved_and_restored_also_when_registered_after_the_restore(
    tmp_path: Path,
) -> None:
    trainer = compiled(GANTrainer(*models(), seed=0))
    p = keras.Variable(0.25, trainable=False, name="ada_p")
    trainer.track_state("ada_p", p)
    assert "state:ada_p/0000" in trainer_arrays(trainer)
    save_trainer(trainer, tmp_path, epoch=1)
    fresh = compiled(GANTrainer(*models(), seed=0))
    restore_trainer(fresh, tmp_path)
    later = keras.Variable(0.0, trainable=False)
    fresh.track_state("ada_p", later)  # registered after the restore: takes the saved value
    assert float(later.numpy()) == 0.25
    again = keras.Variable(0.0, trainable=False)
    other = compiled(GANTrainer(*models(), seed=0))
    other.track_state("ada_p", again)
    restore_trainer(other, tmp_path)  # registered before the restore
    assert float(again.numpy()) == 0.25
    with pytest.raises(ValueError, match="already tracked"):
        other.track_state("ada_p", keras.Variable(1.0))
    with pytest.raises(TypeError, match=r"keras\.Variable"):
        other.track_state("x", np.zeros(2))  # type: ignore[arg-type]


def test_ema_weights_belong_to_the_trainer_and_survive_a_restore(tmp_path: Path) -> None:
    trainer = compiled(GANTrainer(*models(), seed=0))
    assert trainer.ema_weights is None
    trainer.fit(
        points(),
        batch_size=16,
        epochs=2,
        verbose=0,
        callbacks=[GeneratorEMA(decay=0.5), GANCheckpoint(tmp_path)],
    )
    ema = [np.array(v.numpy()) for v in trainer.ema_weights or []]
    assert ema and not np.array_equal(ema[0], trainer.generator.get_weights()[0])
    fresh = compiled(GANTrainer(*models(), seed=0))
    fresh.restore(tmp_path)
    assert fresh.ema_weights is None  # kept until the EMA weights are created
    for a, b in zip(fresh.create_ema_weights(), ema, strict=True):
        np.testing.assert_array_equal(a.numpy(), b)
    raw = fresh.generator.get_weights()
    with fresh.ema_swapped():
        np.testing.assert_array_equal(fresh.generator.get_weights()[0], ema[0])
    np.testing.assert_array_equal(fresh.generator.get_weights()[0], raw[0])
    with pytest.warns(DeprecationWarning, match="ema_weights"):
        view = fresh.ema
    with view.swapped():
        np.testing.assert_array_equal(fresh.generator.get_weights()[0], ema[0])


def test_divergence_is_trainer_state_read_by_the_checkpoint(tmp_path: Path) -> None:
    trainer = compiled(GANTrainer(*models(), seed=0))
    assert not trainer.diverged and trainer.divergence is None
    trainer.mark_diverged("boom", epoch=0, batch=1, step=2)
    assert trainer.divergence == {"message": "boom", "epoch": 0, "batch": 1, "step": 2}
    checkpoint = GANCheckpoint(tmp_path)
    checkpoint.set_model(trainer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert checkpoint.save(1) is None
    trainer.clear_divergence()
    assert checkpoint.save(1) is not None
    guard = DivergenceGuard(check_weights=False, verbose=False)
    guard.set_model(trainer)
    guard.on_train_begin()
    guard.on_train_batch_end(0, {"d_loss": float("nan"), "g_loss": 1.0})
    assert trainer.diverged and trainer.divergence is not None
    assert trainer.divergence["step"] == guard.diverged_at["step"]  # type: ignore[index]


class PairTrainer(keras.Model):
    """A minimal non-GAN trainer implementing only the checkpoint protocol."""

    def __init__(self) -> None:
        super().__init__()
        self.net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        self.step_counter = keras.Variable(0, dtype="int64", trainable=False)

    def checkpoint_groups(self) -> dict[str, list[Any]]:
        return {"net": list(self.net.weights), "trainer": [self.step_counter]}

    def compat_config(self) -> dict[str, Any]:
        return {"params": int(self.net.count_params())}


def test_the_checkpoint_protocol_saves_and_restores_another_trainer(tmp_path: Path) -> None:
    a, b = PairTrainer(), PairTrainer()
    a.step_counter.assign(7)
    save_trainer(a, tmp_path, epoch=2)
    assert restore_trainer(b, tmp_path) == 2
    for x, y in zip(a.net.get_weights(), b.net.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert int(b.step_counter.numpy()) == 7
