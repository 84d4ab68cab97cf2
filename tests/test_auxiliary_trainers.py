"""ACGANTrainer and InfoGANTrainer: the loss-assembly overrides, codes and errors."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import models
from ganlib.auxiliary_trainers import ACGANTrainer, InfoGANTrainer, auxiliary_head_discriminator
from ganlib.trainer import GANTrainer


def _acgan() -> ACGANTrainer:
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), num_classes=3, hidden_units=(16,))
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, "relu"), keras.layers.Dense(4)])
    trainer = ACGANTrainer(g.build(), d, seed=0)
    trainer.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    return trainer


class _Counting(keras.layers.Layer):
    """Identity layer that records each call (to count discriminator passes)."""

    def __init__(self, calls: list[int | None]) -> None:
        super().__init__()
        self.record = calls.append  # a bound method: Keras would copy a list attribute

    def call(self, x: tf.Tensor) -> tf.Tensor:
        self.record(x.shape[0])
        return x


def test_acgan_terms_follow_odena_with_one_d_pass_on_fakes() -> None:
    # Odena et al. 2017: D maximises L_S + L_C, G maximises L_C - L_S, where L_C is the class
    # log-likelihood on real AND generated images; the fakes' classes are the requested ones.
    keras.utils.set_random_seed(0)
    calls: list[int | None] = []
    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), num_classes=3, hidden_units=(8,))
    d = keras.Sequential([keras.Input((2,)), _Counting(calls), keras.layers.Dense(4)])
    trainer = ACGANTrainer(g.build(), d, class_weight=2.0, seed=0)
    rng = np.random.default_rng(0)
    real, fake = (tf.constant(rng.standard_normal((6, 2)), "float32") for _ in range(2))
    labels = tf.constant([0, 1, 2, 2, 1, 0])
    real_out, fake_out = d(real), d(fake)

    def ce(logits: tf.Tensor) -> np.ndarray:
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits).numpy()

    d_loss, d_logs = trainer.discriminator_loss(real, fake, labels)
    adv_d = trainer.loss_fn.discriminator(real_out[:, :1], fake_out[:, :1], reduction="none")
    np.testing.assert_allclose(d_logs["d_class"], ce(real_out[:, 1:]) + ce(fake_out[:, 1:]), 1e-5)
    np.testing.assert_allclose(d_loss, adv_d + 2.0 * d_logs["d_class"], 1e-5)
    calls.clear()
    g_loss, g_logs = trainer.generator_loss(fake, labels)
    assert calls == [6]  # both G terms from one pass on the generated batch
    adv_g = trainer.loss_fn.generator(fake_out[:, :1], reduction="none")
    np.testing.assert_allclose(g_logs["g_class"], ce(fake_out[:, 1:]), 1e-5)
    np.testing.assert_allclose(g_loss, adv_g + 2.0 * g_logs["g_class"], 1e-5)
    z = tf.constant(rng.standard_normal((6, 4)), "float32")
    with tf.GradientTape() as tape:  # the class term reaches the generator's weights
        class_term = tf.reduce_mean(
            trainer.generator_loss(trainer.generate(z, labels), labels)[1]["g_class"]
        )
    grads = tape.gradient(class_term, trainer.generator.trainable_weights)
    assert all(grad is not None for grad in grads)
    assert min(float(tf.reduce_max(tf.abs(tf.convert_to_tensor(gr)))) for gr in grads) > 0


@pytest.mark.slow
def test_acgan_classifier_learns_the_classes() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    x = (np.eye(3)[y][:, :2] * 3 + 0.1 * rng.standard_normal((600, 2))).astype("float32")
    trainer = _acgan()
    history = trainer.fit(x, y, batch_size=100, epochs=8, verbose=0)
    assert history.history["d_class"][-1] < 0.6 * history.history["d_class"][0]
    logits = trainer.discriminate_all(tf.constant(x)).numpy()[:, 1:]
    assert (logits.argmax(axis=1) == y).mean() > 0.9  # the auxiliary head classifies reals


def _numpy(x: object) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x))


def test_projection_auxiliary_head_matches_its_formula_and_reaches_acgan(tmp_path: Path) -> None:
    # Column 0: w . phi(x) + b + <E[y], phi(x)> (Miyato & Koyama 2018); columns 1..k: the class
    # head on the same phi(x), which never sees y (else it could read the label it predicts).
    keras.utils.set_random_seed(1)
    builder = models.MLPDiscriminator(
        input_shape=(2,), hidden_units=(8,), num_classes=3, conditioning="projection"
    )
    d = auxiliary_head_discriminator(builder, 3)
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((6, 2)), "float32")
    y = tf.constant([0, 1, 2, 2, 1, 0])
    phi = _numpy(keras.Model(d.inputs[0], d.get_layer("logit").input)(x))
    w, b = (_numpy(v) for v in d.get_layer("logit").weights)
    table = _numpy(d.get_layer("projection_embedding").embeddings)
    w_aux, b_aux = (_numpy(v) for v in d.get_layer("auxiliary_logits").weights)
    out = _numpy(d([x, y]))
    expected_adv = phi @ w + b + np.sum(table[_numpy(y)] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(out[:, :1], expected_adv, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[:, 1:], phi @ w_aux + b_aux, rtol=1e-5, atol=1e-5)
    d.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_allclose(_numpy(loaded([x, y])), out, atol=1e-6)

    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), num_classes=3, hidden_units=(8,))
    trainer = ACGANTrainer(g.build(), d, class_weight=2.0, fake_class_weight=0.0, seed=0)
    assert trainer.discriminator is d  # used as it is: its labels are the requested classes
    fake = tf.constant(rng.standard_normal((6, 2)), "float32")
    d_loss, d_logs = trainer.discriminator_loss(x, fake, y)
    np.testing.assert_allclose(d_logs["d_real"], out[:, :1], rtol=1e-5)
    np.testing.assert_allclose(d_logs["d_fake"], _numpy(d([fake, y]))[:, :1], rtol=1e-5)
    adv = trainer.loss_fn.discriminator(out[:, :1], d_logs["d_fake"], reduction="none")
    real_ce = tf.nn.sparse_softmax_cross_entropy_with_logits(y, out[:, 1:])  # fakes: weight 0
    np.testing.assert_allclose(d_loss, adv + 2.0 * real_ce, rtol=1e-5)
    other = tf.constant([1, 2, 0, 0, 2, 1])
    _, g_logs = trainer.generator_loss(fake, other)
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(other, _numpy(d([fake, other]))[:, 1:])
    np.testing.assert_allclose(g_logs["g_class"], ce, rtol=1e-5)
    assert not np.allclose(_numpy(trainer.discriminate(fake, other)), d_logs["d_fake"])
    with pytest.raises(ValueError, match="label-conditioned"):
        trainer.discriminate(fake)
    with pytest.raises(TypeError, match="conditioning='projection'"):
        auxiliary_head_discriminator(models.MLPDiscriminator(input_shape=(2,), num_classes=3), 3)


def test_acgan_and_infogan_errors() -> None:
    g = models.MLPGenerator(latent_dim=4, output_shape=(2,), num_classes=3, hidden_units=(8,))
    wrong = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="1 \\+ num_classes = 4"):
        ACGANTrainer(g.build(), wrong)
    with pytest.raises(ValueError, match="fake_class_weight"):
        ACGANTrainer(g.build(), keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)]),
                     fake_class_weight=-0.5)  # fmt: skip
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1 + 3)])
    with pytest.raises(ValueError, match="values per sample"):
        InfoGANTrainer(plain, d, num_categories=3, num_continuous=1)
    with pytest.raises(ValueError, match="fit in latent_dim"):
        InfoGANTrainer(plain, d, num_categories=5)
    with pytest.raises(ValueError, match="noise_scale"):
        InfoGANTrainer(plain, d, num_categories=3, noise_scale=0.0)
    with pytest.raises(TypeError, match="unconditional DiscriminatorBuilder"):
        auxiliary_head_discriminator(models.MLPDiscriminator(num_classes=3), 3)


@pytest.mark.slow
def test_infogan_codes_reach_the_generator_and_q() -> None:
    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1 + 3 + 1)])
    trainer = InfoGANTrainer(g, d, num_categories=3, num_continuous=1, seed=0)
    trainer.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    z = np.zeros((3, 5), "float32")
    z[np.arange(3), [2, 0, 1]] = 1.0
    trainer.generate(tf.constant(z), training=False)
    np.testing.assert_array_equal(trainer._codes.categorical.numpy(), [2, 0, 1])
    # The generator sees one-hot codes: its output depends only on them and the rest of z.
    a = trainer.generate_codes([1, 1], seed=3)
    np.testing.assert_allclose(a[0], trainer.generate_codes([1], seed=3)[0], atol=1e-6)
    z = tf.constant(np.random.default_rng(0).standard_normal((4, 5)), "float32")
    fake = trainer.generate(z)
    out = keras.ops.convert_to_numpy(d(fake))
    g_loss, g_logs = trainer.generator_loss(fake)  # one D pass gives both terms
    expected = trainer.loss_fn.generator(out[:, :1], reduction="none") + g_logs["g_info"]
    np.testing.assert_allclose(g_loss, expected, rtol=1e-5)
    np.testing.assert_allclose(g_logs["g_info"], trainer._info(tf.constant(out)), rtol=1e-5)
    history = trainer.fit(np.zeros((64, 3), "float32"), batch_size=32, epochs=10, verbose=0)
    assert history.history["g_info"][-1] < history.history["g_info"][0]  # Q recovers codes
    with pytest.raises(ValueError, match="categories"):
        trainer.generate_codes([3])


@pytest.mark.parametrize("fused", [True, False])
def test_infogan_d_step_runs_d_once_on_fakes_with_two_pass_gradients(fused: bool) -> None:
    # Q's code loss in the D step reads D's output on the generated batch from the adversarial
    # pass instead of a second pass; the D gradients equal those of the two-pass objective.
    keras.utils.set_random_seed(0)
    calls: list[int | None] = []
    g = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    d = keras.Sequential(
        [keras.Input((3,)), _Counting(calls), keras.layers.Dense(8, "tanh"), keras.layers.Dense(5)]
    )
    trainer = InfoGANTrainer(g, d, num_categories=3, num_continuous=1, info_weight=1.5, seed=0)
    trainer.fuse_discriminator_passes = fused
    rng = np.random.default_rng(0)
    real = tf.constant(rng.standard_normal((6, 3)), "float32")
    fake = trainer.generate(tf.constant(rng.standard_normal((6, 5)), "float32"))
    calls.clear()
    with tf.GradientTape() as tape:
        loss, logs = trainer.discriminator_loss(real, fake)
        loss = tf.reduce_mean(loss)
    assert calls == ([12] if fused else [6, 6])  # no extra pass on the generated batch
    with tf.GradientTape() as tape_two:
        adversarial, _ = GANTrainer.discriminator_loss(trainer, real, fake)
        info = trainer._info(tf.cast(d(fake), "float32"))  # the second pass of the old step
        reference = tf.reduce_mean(adversarial + 1.5 * info)
    np.testing.assert_allclose(logs["d_info"], info, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loss, reference, rtol=1e-5, atol=1e-6)
    weights = d.trainable_weights
    got, want = tape.gradient(loss, weights), tape_two.gradient(reference, weights)
    for new, old in zip(got, want, strict=True):
        np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)


def test_infogan_generate_codes_truncation_continuous_and_ema() -> None:
    from ganlib.callbacks import GeneratorEMA
    from ganlib.sampling import truncated_normal

    keras.utils.set_random_seed(0)
    g = keras.Sequential(  # starts as the identity: the output shows the latent G received
        [keras.Input((5,)), keras.layers.Dense(5, use_bias=False, kernel_initializer="identity")]
    )
    d = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1 + 3 + 1)])
    trainer = InfoGANTrainer(g, d, num_categories=3, num_continuous=1, seed=0)
    out = trainer.generate_codes([2, 0, 1], seed=1, truncation=0.3)
    z = truncated_normal(np.random.default_rng(1), (3, 5), 0.3)
    np.testing.assert_array_equal(out[:, :3], np.eye(3)[[2, 0, 1]])  # one-hot codes
    np.testing.assert_array_equal(out[:, 3:], z[:, 3:])  # the truncated draws of `seed`
    assert np.abs(out[:, 3:]).max() <= 0.3
    plain = trainer.generate_codes([2, 0, 1], seed=1)
    np.testing.assert_array_equal(plain[:, 3:], np.random.default_rng(1).standard_normal(
        (3, 5)).astype("float32")[:, 3:])  # fmt: skip
    chosen = trainer.generate_codes([0, 0], [[0.7], [-0.7]], seed=1, truncation=0.3)
    np.testing.assert_allclose(chosen[:, 3], [0.7, -0.7], rtol=1e-6)
    scaled = InfoGANTrainer(g, d, num_categories=3, num_continuous=1, noise_scale=0.25, seed=0)
    out = scaled.generate_codes([0, 0], [[0.7], [-0.7]], seed=1)  # codes kept, noise x 0.25
    np.testing.assert_allclose(out[:, 3], [0.7, -0.7], rtol=1e-6)
    np.testing.assert_allclose(out[:, 4], 0.25 * plain[:2, 4], rtol=1e-6)
    trainer.compile(keras.optimizers.Adam(0.1), keras.optimizers.Adam(0.1), run_eagerly=True)
    x = np.zeros((8, 5), "float32")
    trainer.fit(x, batch_size=4, epochs=1, verbose=0, callbacks=[GeneratorEMA(0.99)])
    raw = trainer.generate_codes([1], seed=2, use_ema=False)
    latent = np.concatenate(
        [np.eye(3)[[1]], truncated_normal(np.random.default_rng(2), (1, 5))[:, 3:]], 1
    )
    np.testing.assert_allclose(raw, g(latent.astype("float32")), rtol=1e-6)
    assert np.abs(trainer.generate_codes([1], seed=2) - raw).max() > 1e-3  # EMA weights


def test_infogan_networks_follow_the_paper_shapes_and_train_with_the_trainer(
    tmp_path: Path,
) -> None:
    # Chen et al. 2016, C.1: G is FC -> FC (s*s*2F) -> up-conv F -> up-conv 1; D is conv F ->
    # conv 2F -> FC, shared by the adversarial logit and Q (FC q_hidden -> code outputs).
    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    keras.utils.set_random_seed(0)
    g = InfoGANGenerator(latent_dim=14, hidden_units=16, base_filters=4).build()
    assert [g.get_layer(n).output.shape[1:] for n in ("fc_0", "fc_1", "upconv_0", "to_image")] == [
        (16,), (7 * 7 * 8,), (14, 14, 4), (28, 28, 1)
    ]  # fmt: skip
    builder = InfoGANDiscriminator(extra_outputs=11, base_filters=4, hidden_units=16,
                                   q_hidden_units=8)  # fmt: skip
    d = builder.build()
    assert d.output_shape == (None, 12)
    assert d.get_layer("q_fc").output.shape[1:] == (8,)
    assert d.get_layer("logit").input is d.get_layer("q_fc").input  # Q shares D's features
    no_q_layer = InfoGANDiscriminator(extra_outputs=11, base_filters=4, hidden_units=16,
                                      q_hidden_units=0, batch_norm=False).build()  # fmt: skip
    body_norms = [n for n in ("bn_1", "bn_fc") if n in {layer.name for layer in no_q_layer.layers}]
    assert body_norms == [] and "q_fc" not in {layer.name for layer in no_q_layer.layers}
    assert InfoGANDiscriminator.from_config(builder.get_config()) == builder
    with pytest.raises(ValueError, match="multiple of 4"):
        InfoGANGenerator(output_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="q_hidden_units"):
        InfoGANDiscriminator(q_hidden_units=-1)
    trainer = InfoGANTrainer(g, d, num_categories=10, num_continuous=1, seed=0)
    fake = trainer.generate(
        tf.constant(np.random.default_rng(0).standard_normal((4, 14)), "float32")
    )
    _, logs = trainer.generator_loss(fake)
    np.testing.assert_allclose(logs["g_info"], trainer._info(d(fake, training=True)), rtol=1e-5)
    assert trainer.generate_codes([0, 9], seed=0).shape == (2, 28, 28, 1)
    d.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    x = np.random.default_rng(0).standard_normal((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(_numpy(loaded(x)), _numpy(d(x)), atol=1e-6)


def test_penalties_differentiate_the_adversarial_logit_alone() -> None:
    """R1 on a discriminator with code (or class) outputs is R1 of its adversarial logit, not
    of the sum of its outputs: the penalty leaves Q's code logits free."""
    from ganlib import losses

    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])
    d = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1 + 3)]
    )
    trainer = InfoGANTrainer(g, d, num_categories=3, penalties=[losses.R1Penalty(1.0)], seed=0)
    trainer.compile()
    rng = np.random.default_rng(0)
    real = tf.constant(rng.normal(size=(8, 4)).astype("float32"))
    fake = trainer.generate(tf.constant(rng.normal(size=(8, 6)).astype("float32")))
    _, logs = trainer.discriminator_loss(real, fake)
    logit = keras.Model(d.inputs, d.outputs[0][:, :1])  # column 0 through D's own layers
    expected = losses.r1_penalty(logit, real, reduction="none")
    np.testing.assert_allclose(logs["r1"], expected, rtol=1e-5)
    whole = losses.r1_penalty(d, real, reduction="none")  # what was penalized before
    assert not np.allclose(logs["r1"], whole, rtol=0.1)
    assert trainer.penalized_discriminator(real).shape == (8, 1)
    # AC-GAN: the class logits are left free the same way
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(4,), num_classes=3, hidden_units=(16,))
    acgan = ACGANTrainer(g.build(), d, penalties=[losses.R1Penalty(1.0)], seed=0)
    acgan.compile()
    labels = tf.constant(np.arange(8) % 3, "int32")
    _, logs = acgan.discriminator_loss(real, real * 0.5, labels)
    full = acgan.discriminator
    logit = keras.Model(full.inputs, full.outputs[0][:, :1])
    d_labels = acgan._labels_for(full, labels)
    expected = losses.r1_penalty(logit, real, labels=d_labels, reduction="none")
    np.testing.assert_allclose(logs["r1"], expected, rtol=1e-5)
