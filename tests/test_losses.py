"""Tests for ganlib.losses: golden values, reductions, validation, penalties, registry."""

from __future__ import annotations

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses
from ganlib.losses import functional as F

# TF-GAN's test inputs (tensorflow_gan/python/losses/losses_impl_test.py).
REAL = [-5.0, 1.4, 12.5, 2.7]
FAKE = [10.0, 4.4, -5.5, 3.6]
# Probabilities for the from_logits=False path.
P_REAL = [0.9, 0.6, 0.2, 0.99]
P_FAKE = [0.3, 0.05, 0.7, 0.5]


def col(values: list[float]) -> tf.Tensor:
    """A (batch, 1) float32 column, the discriminator output shape."""
    return tf.constant(values, tf.float32)[:, None]


# (id, function, positional args, keyword args, expected mean). "TF-GAN" values are the
# published anchors; the rest were computed by hand with numpy (float64) from the formulas:
# bce(x, t) = t*softplus(-x) + (1-t)*softplus(x). Soft-label rows also follow from the identity
# bce(x, t) - bce(x, 1) = (1 - t) * x, e.g. real_label=0.9 adds 0.1 * mean(REAL) = 0.29.
GOLDEN = [
    ("ls_g_tfgan", F.least_squares_generator_loss, (FAKE,), {}, 17.69625),
    ("ls_d_tfgan", F.least_squares_discriminator_loss, (REAL, FAKE), {}, 41.73375),
    ("ns_g_tfgan", F.non_saturating_generator_loss, (FAKE,), {}, 1.38582),
    ("w_g_tfgan", F.wasserstein_generator_loss, (FAKE,), {}, -3.125),
    ("w_d_tfgan", F.wasserstein_discriminator_loss, (REAL, FAKE), {}, 0.225),
    ("hinge_d_tfgan", F.hinge_discriminator_loss, (REAL, FAKE), {}, 6.75),
    # TF-GAN modified_discriminator_loss(label_smoothing=0.25) = real target 0.875, real only.
    ("ns_d_tfgan_ls025", F.non_saturating_discriminator_loss, (REAL, FAKE),
     {"real_label": 0.875}, 6.19637),
    ("ns_d", F.non_saturating_discriminator_loss, (REAL, FAKE), {}, 5.833865892),
    ("ns_d_one_sided_09", F.non_saturating_discriminator_loss, (REAL, FAKE),
     {"real_label": 0.9}, 6.123865892),
    # Keras BinaryCrossentropy(label_smoothing=0.2): targets 0.9 and 0.1.
    ("ns_d_keras_ls02", F.non_saturating_discriminator_loss, (REAL, FAKE),
     {"real_label": 0.9, "fake_label": 0.1}, 5.811365892),
    ("minimax_g", F.minimax_generator_loss, (FAKE,), {}, -4.510820880),
    ("minimax_d", F.minimax_discriminator_loss, (REAL, FAKE), {}, 5.833865892),
    ("ls_g_c0", F.least_squares_generator_loss, (FAKE,), {"c": 0.0}, 20.32125),
    ("ls_d_ab", F.least_squares_discriminator_loss, (REAL, FAKE), {"a": -1.0, "b": 1.0},
     45.35875),
    ("hinge_g", F.hinge_generator_loss, (FAKE,), {}, -3.125),
    ("ra_g", F.relativistic_average_generator_loss, (FAKE, REAL), {}, 4.762013032),
    ("ra_d", F.relativistic_average_discriminator_loss, (REAL, FAKE), {}, 5.212013032),
    ("prob_ns_g", F.non_saturating_generator_loss, (P_FAKE,), {"from_logits": False},
     1.312381801),
    ("prob_ns_d", F.non_saturating_discriminator_loss, (P_REAL, P_FAKE),
     {"from_logits": False}, 1.135190653),
    ("prob_ns_d_09", F.non_saturating_discriminator_loss, (P_REAL, P_FAKE),
     {"from_logits": False, "real_label": 0.9}, 1.280478532),
    ("prob_minimax_g", F.minimax_generator_loss, (P_FAKE,), {"from_logits": False},
     -0.576272056),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fn", "args", "kwargs", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in GOLDEN],
)
def test_golden_values(fn, args, kwargs, expected) -> None:
    value = fn(*[col(a) for a in args], **kwargs)
    assert value.shape == () and value.dtype == tf.float32
    np.testing.assert_allclose(float(value), expected, rtol=1e-5, atol=1e-5)
    # Per-example values have shape (batch,) and average to the same number.
    per_example = fn(*[col(a) for a in args], **kwargs, reduction="none")
    assert per_example.shape == (4,)
    np.testing.assert_allclose(float(tf.reduce_mean(per_example)), expected, rtol=1e-5, atol=1e-5)
    # Shape (batch,) and patch outputs (batch, 2, 2) holding the same value give the same loss.
    flat = fn(*[tf.constant(a) for a in args], **kwargs)
    patch = fn(*[tf.tile(col(a)[:, :, None], [1, 2, 2]) for a in args], **kwargs)
    np.testing.assert_allclose([float(flat), float(patch)], expected, rtol=1e-5, atol=1e-5)


def test_minimax_generator_matches_tfgan_up_to_its_constant_real_term() -> None:
    # TF-GAN's minimax generator loss also adds -bce(1, 1) = -softplus(-1), constant in G.
    ours = float(F.minimax_generator_loss(col(FAKE)))
    np.testing.assert_allclose(ours - math.log1p(math.exp(-1.0)), -4.82408, atol=1e-5)


def test_keras_two_sided_label_smoothing_mapping() -> None:
    # Keras BinaryCrossentropy(label_smoothing=ls): targets 1 - ls/2 and ls/2.
    ls = 0.3
    bce = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=ls)
    real, fake = col(REAL), col(FAKE)
    keras_value = bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)
    ours = F.non_saturating_discriminator_loss(real, fake, real_label=1 - ls / 2, fake_label=ls / 2)
    np.testing.assert_allclose(float(ours), float(keras_value), rtol=1e-5)


def test_probabilities_path_matches_logits_path() -> None:
    logits = col([-3.0, -0.5, 0.2, 2.5])
    probs = tf.sigmoid(logits)
    pairs = [
        (F.non_saturating_generator_loss, (logits,), (probs,)),
        (F.minimax_generator_loss, (logits,), (probs,)),
        (F.non_saturating_discriminator_loss, (logits, logits[::-1]), (probs, probs[::-1])),
    ]
    for fn, from_logits, from_probs in pairs:
        np.testing.assert_allclose(
            float(fn(*from_logits)), float(fn(*from_probs, from_logits=False)), rtol=1e-5
        )


def test_from_logits_false_is_finite_at_saturated_probabilities() -> None:
    value = F.non_saturating_discriminator_loss(col([1.0, 0.0]), col([0.0, 1.0]), from_logits=False)
    assert np.isfinite(float(value))


def test_non_saturating_generator_gradient() -> None:
    logits = col([-2.0, 0.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = F.non_saturating_generator_loss(logits)
    grads = tape.gradient(loss, logits).numpy()[:, 0]
    expected = -(1.0 - 1.0 / (1.0 + np.exp(-np.array([-2.0, 0.0, 3.0])))) / 3.0
    np.testing.assert_allclose(grads, expected, rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_other_float_dtypes_give_float32(dtype: str) -> None:
    loss = losses.NonSaturating(real_label=0.9)
    value = loss.discriminator(tf.cast(col(REAL), dtype), tf.cast(col(FAKE), dtype))
    assert value.dtype == tf.float32
    np.testing.assert_allclose(float(value), 6.123865892, rtol=2e-2)


def test_integer_logits_raise_type_error_naming_argument() -> None:
    with pytest.raises(TypeError, match=r"`fake_logits`.*int32"):
        F.non_saturating_generator_loss(tf.constant([[1], [2]]))
    with pytest.raises(TypeError, match="`real_logits`"):
        F.hinge_discriminator_loss(np.array([[1], [2]]), col([0.0, 1.0]))


def test_batch_mismatch_and_scalar_raise_value_error() -> None:
    with pytest.raises(ValueError, match=r"same batch size.*real_logits.shape=\(3, 1\)"):
        F.wasserstein_discriminator_loss(col([1.0, 2.0, 3.0]), col([1.0, 2.0]))
    with pytest.raises(ValueError, match="batch axis"):
        F.wasserstein_generator_loss(tf.constant(1.0))


@pytest.mark.parametrize("label", [-0.1, 1.5, float("nan")])
def test_labels_outside_unit_interval_raise(label: float) -> None:
    with pytest.raises(ValueError, match="real_label"):
        losses.NonSaturating(real_label=label)
    with pytest.raises(ValueError, match="fake_label"):
        F.non_saturating_discriminator_loss(col(REAL), col(FAKE), fake_label=label)


def test_bad_reduction_and_argument_types_raise() -> None:
    with pytest.raises(ValueError, match="reduction='sum'"):
        F.hinge_generator_loss(col(FAKE), reduction="sum")
    with pytest.raises(TypeError, match="real_label"):
        losses.NonSaturating(real_label="0.9")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="from_logits"):
        losses.NonSaturating(from_logits="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`c`"):
        losses.LeastSquares(c=float("inf"))


def test_loss_objects_match_functions() -> None:
    real, fake = col(REAL), col(FAKE)
    cases = [
        (losses.NonSaturating(), F.non_saturating_generator_loss(fake),
         F.non_saturating_discriminator_loss(real, fake)),
        (losses.Minimax(), F.minimax_generator_loss(fake),
         F.minimax_discriminator_loss(real, fake)),
        (losses.LeastSquares(a=-1.0, b=1.0, c=0.0), F.least_squares_generator_loss(fake, c=0.0),
         F.least_squares_discriminator_loss(real, fake, a=-1.0, b=1.0)),
        (losses.Wasserstein(), F.wasserstein_generator_loss(fake),
         F.wasserstein_discriminator_loss(real, fake)),
        (losses.Hinge(), F.hinge_generator_loss(fake), F.hinge_discriminator_loss(real, fake)),
        (losses.RelativisticAverage(), F.relativistic_average_generator_loss(fake, real),
         F.relativistic_average_discriminator_loss(real, fake)),
    ]  # fmt: skip
    for loss, g_expected, d_expected in cases:
        assert isinstance(loss, losses.GANLoss)
        assert loss.from_logits is True
        assert loss.generator_needs_real is isinstance(loss, losses.RelativisticAverage)
        assert float(loss.generator(fake, real)) == pytest.approx(float(g_expected))
        assert float(loss.discriminator(real, fake)) == pytest.approx(float(d_expected))
        assert loss.discriminator(real, fake, reduction="none").shape == (4,)


def test_relativistic_generator_requires_real_logits() -> None:
    with pytest.raises(ValueError, match="real_logits=None"):
        losses.RelativisticAverage().generator(col(FAKE))


def test_losses_run_inside_tf_function_with_unknown_batch() -> None:
    loss = losses.NonSaturating(real_label=0.9)
    spec = tf.TensorSpec((None, 1), tf.float16)

    @tf.function(input_signature=[spec, spec])
    def step(real: tf.Tensor, fake: tf.Tensor) -> tf.Tensor:
        return loss.discriminator(real, fake) + loss.generator(fake)

    value = step(tf.cast(col(REAL), tf.float16), tf.cast(col(FAKE), tf.float16))
    np.testing.assert_allclose(float(value), 6.123865892 + 1.38582, rtol=1e-2)


# ---- registry and configs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("ns", losses.NonSaturating),
        ("non_saturating", losses.NonSaturating),
        ("NonSaturating", losses.NonSaturating),
        ("minimax", losses.Minimax),
        ("lsgan", losses.LeastSquares),
        ("least-squares", losses.LeastSquares),
        ("wasserstein", losses.Wasserstein),
        ("hinge", losses.Hinge),
        ("relativistic_average", losses.RelativisticAverage),
        ("ra", losses.RelativisticAverage),
    ],
)
def test_get_by_name(name: str, cls: type) -> None:
    assert type(losses.get(name)) is cls


@pytest.mark.parametrize(
    "obj",
    [
        losses.NonSaturating(real_label=0.9, fake_label=0.05, from_logits=False),
        losses.Minimax(real_label=0.875),
        losses.LeastSquares(a=-1.0, b=1.0, c=0.0),
        losses.Wasserstein(),
        losses.Hinge(),
        losses.RelativisticAverage(),
    ],
    ids=lambda obj: type(obj).__name__,
)
def test_loss_config_json_round_trip(obj: losses.GANLoss) -> None:
    rebuilt = losses.get(json.loads(json.dumps(losses.serialize(obj))))
    assert type(rebuilt) is type(obj) and rebuilt == obj
    assert rebuilt is not obj
    assert losses.get(obj) is obj


@pytest.mark.parametrize(
    "obj",
    [losses.GradientPenalty(weight=5.0, target=0.0), losses.R1Penalty(0.5), losses.R2Penalty()],
    ids=lambda obj: type(obj).__name__,
)
def test_penalty_config_json_round_trip(obj: losses.Penalty) -> None:
    rebuilt = losses.get_penalty(json.loads(json.dumps(losses.serialize(obj))))
    assert type(rebuilt) is type(obj) and rebuilt == obj


def test_get_penalty_by_name() -> None:
    assert losses.get_penalty("gp") == losses.GradientPenalty(weight=10.0, target=1.0)
    assert type(losses.get_penalty("r1")) is losses.R1Penalty
    assert type(losses.get_penalty("R2")) is losses.R2Penalty
    assert [p.name for p in (losses.get_penalty(n) for n in ("gp", "r1", "r2"))] == [
        "gp", "r1", "r2"
    ]  # fmt: skip


def test_registry_errors() -> None:
    with pytest.raises(ValueError, match=r"Unknown loss 'wgan_gp2'.*hinge"):
        losses.get("wgan_gp2")
    with pytest.raises(ValueError, match="Unknown penalty"):
        losses.get_penalty("hinge")
    with pytest.raises(ValueError, match="config must be"):
        losses.get({"config": {}})
    with pytest.raises(TypeError, match="identifier=None"):
        losses.get(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Invalid config for Hinge.*margin"):
        losses.get({"name": "hinge", "config": {"margin": 2.0}})
    with pytest.raises(TypeError, match="GANLoss or Penalty"):
        losses.register(int)  # type: ignore[type-var]

    class Duplicate(losses.Hinge):
        name = "hinge"

    with pytest.raises(ValueError, match="already registered"):
        losses.register(Duplicate, "duplicate_alias")
    with pytest.raises(ValueError, match="Unknown loss"):  # nothing half-registered
        losses.get("duplicate_alias")


@pytest.mark.parametrize("weight", [-1.0, float("nan")])
def test_penalty_weight_validation(weight: float) -> None:
    with pytest.raises((ValueError, TypeError), match="weight"):
        losses.GradientPenalty(weight=weight)


# ---- penalties --------------------------------------------------------------------------------


def linear_critic(w: list[float], input_shape: tuple[int, ...]) -> keras.Model:
    """D(x) = w . flatten(x) + 0.3, whose input gradient is w everywhere."""
    model = keras.Sequential(
        [keras.Input(input_shape), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model.layers[-1].kernel.assign(np.array(w, np.float32)[:, None])
    model.layers[-1].bias.assign([0.3])
    return model


@pytest.mark.parametrize("input_shape", [(2,), (2, 2, 1)])
def test_penalties_on_linear_critic_are_exact(input_shape: tuple[int, ...]) -> None:
    w = [3.0, 4.0] if input_shape == (2,) else [1.0, 2.0, 2.0, 4.0]  # norms 5 and 5
    model = linear_critic(w, input_shape)
    real = tf.random.normal((6, *input_shape), seed=1)
    fake = tf.random.normal((6, *input_shape), seed=2)
    np.testing.assert_allclose(float(losses.gradient_penalty(model, real, fake)), 16.0, rtol=1e-5)
    np.testing.assert_allclose(float(losses.r1_penalty(model, real)), 25.0, rtol=1e-5)
    np.testing.assert_allclose(float(losses.r2_penalty(model, fake)), 25.0, rtol=1e-5)
    per_example = losses.gradient_penalty(model, real, fake, target=0.0, reduction="none")
    np.testing.assert_allclose(per_example.numpy(), np.full(6, 25.0), rtol=1e-5)
    # Penalty objects return the same unweighted values.
    assert float(losses.GradientPenalty(10.0)(model, real, fake)) == pytest.approx(16.0, 1e-5)
    assert float(losses.R1Penalty(5.0)(model, real, fake)) == pytest.approx(25.0, 1e-5)
    assert float(losses.R2Penalty(5.0)(model, real, fake)) == pytest.approx(25.0, 1e-5)


def test_penalty_weight_gradients_are_analytic() -> None:
    # GP = (||w|| - 1)^2 -> dGP/dw = 2 (||w|| - 1) w / ||w||; R1 = ||w||^2 -> 2 w
    # (double backpropagation through the input-gradient tape).
    model = linear_critic([3.0, 4.0], (2,))
    kernel = model.layers[-1].kernel
    with tf.GradientTape(persistent=True) as tape:
        gp = losses.gradient_penalty(model, tf.zeros((4, 2)), tf.ones((4, 2)))
        r1 = losses.r1_penalty(model, tf.zeros((4, 2)))
    w = np.array([[3.0], [4.0]])
    np.testing.assert_allclose(tape.gradient(gp, kernel).numpy(), 2 * 4 * w / 5, rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(r1, kernel).numpy(), 2 * w, rtol=1e-5)
    # The bias does not change the input gradient: no gradient path, as it should be.
    assert tape.gradient(gp, model.layers[-1].bias) is None


def test_gradient_penalty_is_finite_at_zero_gradient() -> None:
    model = linear_critic([0.0, 0.0], (2,))
    kernel = model.layers[-1].kernel
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(model, tf.zeros((3, 2)), tf.ones((3, 2)))
    grad = tape.gradient(gp, kernel)
    np.testing.assert_allclose(float(gp), 1.0, atol=1e-5)
    assert np.all(np.isfinite(grad.numpy()))


def tiny_mlp() -> keras.Model:
    """A nonlinear critic in float64, so finite differences are accurate."""
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input((3,), dtype="float64"),
            keras.layers.Dense(5, activation="tanh", dtype="float64"),
            keras.layers.Dense(1, dtype="float64"),
        ]
    )


def finite_difference_grad(model: keras.Model, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of D at each row of x: shape like x."""
    grads = np.zeros_like(x)
    for j in range(x.shape[1]):
        step = np.zeros_like(x)
        step[:, j] = h
        up = model(x + step).numpy()[:, 0]
        down = model(x - step).numpy()[:, 0]
        grads[:, j] = (up - down) / (2 * h)
    return grads


def test_penalties_match_finite_differences_on_nonlinear_critic() -> None:
    model = tiny_mlp()
    rng = np.random.default_rng(0)
    real = rng.normal(size=(5, 3)).astype(np.float32)
    fake = rng.normal(size=(5, 3)).astype(np.float32)
    g_real = finite_difference_grad(model, real.astype(np.float64))
    g_fake = finite_difference_grad(model, fake.astype(np.float64))
    r1 = losses.r1_penalty(model, real, reduction="none").numpy()
    r2 = losses.r2_penalty(model, fake, reduction="none").numpy()
    np.testing.assert_allclose(r1, np.sum(g_real**2, axis=1), rtol=1e-4)
    np.testing.assert_allclose(r2, np.sum(g_fake**2, axis=1), rtol=1e-4)
    # With real == fake the interpolate is known whatever the draw.
    gp = losses.gradient_penalty(model, real, real, reduction="none").numpy()
    np.testing.assert_allclose(gp, (np.linalg.norm(g_real, axis=1) - 1.0) ** 2, rtol=1e-4)


def test_r1_gradient_wrt_weights_matches_finite_differences() -> None:
    model = tiny_mlp()
    x = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    kernel = model.layers[0].kernel
    with tf.GradientTape() as tape:
        value = losses.r1_penalty(model, x)
    analytic = tape.gradient(value, kernel).numpy()[0, 0]
    original = kernel.numpy()
    h = 1e-5
    values = []
    for sign in (1.0, -1.0):
        shifted = original.copy()
        shifted[0, 0] += sign * h
        kernel.assign(shifted)
        values.append(float(losses.r1_penalty(model, x)))
    kernel.assign(original)
    np.testing.assert_allclose(analytic, (values[0] - values[1]) / (2 * h), rtol=1e-3)


def half_squared_norm(x: tf.Tensor, training: bool = True) -> tf.Tensor:
    """D(x) = ||x||^2 / 2 per sample, so grad D(x) = x."""
    return 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]


def interpolation_weights(seed: object, n: int = 4000) -> np.ndarray:
    """Recovers u per sample: real = 0, fake = e1 -> x_hat = u e1, ||grad|| = u, GP = (u - 1)^2."""
    real = tf.zeros((n, 2, 2, 1))
    fake = tf.concat([tf.ones((n, 1, 1, 1)), tf.zeros((n, 1, 1, 1))], axis=1)
    fake = tf.concat([fake, tf.zeros((n, 2, 1, 1))], axis=2)
    gp = losses.gradient_penalty(half_squared_norm, real, fake, seed=seed, reduction="none")
    return 1.0 - np.sqrt(gp.numpy())


def test_interpolation_weight_is_uniform_per_sample() -> None:
    u = interpolation_weights(seed=7)
    assert u.min() >= -1e-3 and u.max() <= 1.0 + 1e-3  # N(0, 1) draws would leave [0, 1]
    assert abs(u.mean() - 0.5) < 0.03 and abs(u.std() - math.sqrt(1 / 12)) < 0.02
    assert len(np.unique(np.round(u, 5))) > 3000  # one draw per sample, not per batch


def test_interpolation_seeds() -> None:
    same = interpolation_weights(seed=7, n=8), interpolation_weights(seed=7, n=8)
    np.testing.assert_array_equal(*same)
    assert not np.allclose(same[0], interpolation_weights(seed=8, n=8))
    pair = interpolation_weights(seed=tf.constant([7, 3]), n=8)
    assert not np.allclose(same[0], pair)
    generator = keras.random.SeedGenerator(5)
    assert not np.allclose(
        interpolation_weights(generator, n=8), interpolation_weights(generator, n=8)
    )
    with pytest.raises(TypeError, match="seed"):
        interpolation_weights(seed=1.5, n=8)


def test_gradient_penalty_in_tf_function_draws_fresh_weights() -> None:
    model = linear_critic([1.2, 1.6], (2,))  # ||w|| = 2: dGP/dw = 2 (2 - 1) w / 2 = w
    real, fake = tf.zeros((4, 2)), tf.ones((4, 2))

    @tf.function
    def step() -> tf.Tensor:
        with tf.GradientTape() as tape:
            gp = losses.gradient_penalty(
                half_squared_norm, real[:, :, None, None], fake[:, :, None, None], reduction="none"
            )
            penalty = losses.gradient_penalty(model, real, fake)
        return gp, tape.gradient(penalty, model.layers[-1].kernel)

    first, grad = step()
    second, _ = step()
    assert not np.allclose(first.numpy(), second.numpy())
    np.testing.assert_allclose(grad.numpy(), [[1.2], [1.6]], rtol=1e-5)


def conditional_critic() -> keras.Model:
    """D(x, y) = x . e_y with e_0 = (3, 4), e_1 = (1, 0): grad wrt x is e_y."""
    x = keras.Input((2,))
    y = keras.Input((), dtype="int32")
    embedding = keras.layers.Embedding(2, 2)
    out = keras.ops.sum(x * embedding(y), axis=-1, keepdims=True)
    model = keras.Model([x, y], out)
    embedding.embeddings.assign([[3.0, 4.0], [1.0, 0.0]])
    return model


def test_penalties_pass_labels_to_conditional_critic() -> None:
    model = conditional_critic()
    labels = tf.constant([0, 1, 1, 0])
    real, fake = tf.random.normal((4, 2), seed=3), tf.random.normal((4, 2), seed=4)
    r1 = losses.r1_penalty(model, real, labels=labels, reduction="none")
    np.testing.assert_allclose(r1.numpy(), [25.0, 1.0, 1.0, 25.0], rtol=1e-5)
    gp = losses.GradientPenalty()(model, real, fake, labels, reduction="none")
    np.testing.assert_allclose(gp.numpy(), [16.0, 0.0, 0.0, 16.0], atol=1e-5)
    with pytest.raises(ValueError, match="labels=None"):
        losses.r1_penalty(model, real)
    with pytest.raises(ValueError, match="unconditional"):
        losses.r2_penalty(linear_critic([1.0, 0.0], (2,)), fake, labels=labels)


def test_penalty_input_validation() -> None:
    model = linear_critic([1.0, 0.0], (2,))
    with pytest.raises(ValueError, match="same shape"):
        losses.gradient_penalty(model, tf.zeros((4, 2)), tf.zeros((3, 2)))
    with pytest.raises(TypeError, match="`real`"):
        losses.r1_penalty(model, tf.zeros((4, 2), tf.int32))
    with pytest.raises(TypeError, match="discriminator"):
        losses.r1_penalty("not a model", tf.zeros((4, 2)))
    with pytest.raises(ValueError, match="reduction"):
        losses.r2_penalty(model, tf.zeros((4, 2)), reduction="sum")


def test_gradient_penalty_with_mixed_precision_critic() -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, dtype="mixed_float16")])
    model.layers[0].kernel.assign([[3.0], [4.0]])
    fake = tf.cast(tf.ones((4, 2)), tf.float16)  # e.g. a float16 generator output
    gp = losses.gradient_penalty(model, tf.zeros((4, 2)), fake)
    assert gp.dtype == tf.float32
    np.testing.assert_allclose(float(gp), 16.0, rtol=1e-3)
