"""Tests for ganlib.optimizers: published values, fresh instances, overrides, errors."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from ganlib import losses, optimizers

# name -> (g lr, d lr, beta_1, beta_2, d_steps), as published (see docs/optimizers.md).
PUBLISHED = {
    "dcgan": (2e-4, 2e-4, 0.5, 0.999, 1),
    "ttur": (1e-4, 4e-4, 0.0, 0.9, 1),
    "wgan_gp": (1e-4, 1e-4, 0.0, 0.9, 5),
    "sngan": (2e-4, 2e-4, 0.0, 0.9, 5),
}
FUNCTIONS = {
    "dcgan": optimizers.dcgan,
    "ttur": optimizers.ttur,
    "wgan_gp": optimizers.wgan_gp,
    "sngan": optimizers.sngan,
}


def rate(optimizer: keras.optimizers.Optimizer) -> float:
    return float(np.asarray(optimizer.learning_rate))


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_values(name: str) -> None:
    g_lr, d_lr, beta_1, beta_2, d_steps = PUBLISHED[name]
    for g_opt, d_opt in (FUNCTIONS[name](), optimizers.get(name)):
        assert isinstance(g_opt, keras.optimizers.Adam) and isinstance(d_opt, keras.optimizers.Adam)
        assert rate(g_opt) == pytest.approx(g_lr) and rate(d_opt) == pytest.approx(d_lr)
        for opt in (g_opt, d_opt):
            assert (opt.beta_1, opt.beta_2) == (beta_1, beta_2)
    preset = optimizers.PRESETS[name]
    assert (preset.g_learning_rate, preset.d_learning_rate) == (g_lr, d_lr)
    assert (preset.beta_1, preset.beta_2, preset.d_steps) == (beta_1, beta_2, d_steps)
    assert optimizers.PRESET_D_STEPS[name] == d_steps
    assert preset.name == name and preset.source and preset.description
    # The suggested loss and penalty resolve in ganlib.losses.
    losses.get(preset.loss)
    if preset.penalty is not None:
        losses.get_penalty(preset.penalty)


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_every_call_returns_fresh_instances(name: str) -> None:
    first, second = FUNCTIONS[name](), FUNCTIONS[name]()
    instances = [*first, *second]
    assert len({id(opt) for opt in instances}) == 4


def test_fresh_pair_trains_two_models_independently() -> None:
    # One shared Adam on two models fails in Keras 3 ("Unknown variable"); a pair must not.
    g_opt, d_opt = optimizers.dcgan()
    g = keras.layers.Dense(1)
    d = keras.layers.Dense(1)
    g.build((None, 2))
    d.build((None, 3))
    g_opt.apply([keras.ops.ones_like(v) for v in g.trainable_variables], g.trainable_variables)
    d_opt.apply([keras.ops.ones_like(v) for v in d.trainable_variables], d.trainable_variables)
    assert int(g_opt.iterations) == 1 and int(d_opt.iterations) == 1


def test_overrides() -> None:
    g_opt, d_opt = optimizers.ttur(g_learning_rate=5e-5, beta_1=0.5, beta_2=0.99, epsilon=1e-8)
    assert rate(g_opt) == pytest.approx(5e-5) and rate(d_opt) == pytest.approx(4e-4)
    assert (g_opt.beta_1, d_opt.beta_2, d_opt.epsilon) == (0.5, 0.99, 1e-8)
    g_opt, d_opt = optimizers.get("WGAN-GP", learning_rate=3e-4)
    assert rate(g_opt) == pytest.approx(3e-4) and rate(d_opt) == pytest.approx(3e-4)
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    g_opt, _ = optimizers.sngan(g_learning_rate=schedule)
    assert rate(g_opt) == pytest.approx(1e-3)  # the schedule at step 0
    g_opt.iterations.assign(10)
    assert rate(g_opt) == pytest.approx(5e-4)  # ... and at step 10
    # Overrides never leak into the presets or the next call.
    assert rate(optimizers.ttur()[0]) == pytest.approx(1e-4)


def test_unknown_override_raises_type_error() -> None:
    with pytest.raises(TypeError, match="lr"):
        optimizers.dcgan(lr=1e-3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="momentum"):
        optimizers.get("dcgan", momentum=0.9)
    with pytest.raises(TypeError):
        optimizers.dcgan(1e-3)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"learning_rate": 0.0}, "learning_rate=0.0"),
        ({"g_learning_rate": -1e-4}, "g_learning_rate=-0.0001"),
        ({"d_learning_rate": float("nan")}, "d_learning_rate=nan"),
        ({"beta_1": 1.0}, "beta_1=1.0"),
        ({"beta_2": -0.1}, "beta_2=-0.1"),
        ({"epsilon": 0.0}, "epsilon=0.0"),
        ({"learning_rate": 1e-4, "d_learning_rate": 4e-4}, "not both"),
    ],
)
def test_invalid_overrides_raise_value_error(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        optimizers.dcgan(**kwargs)


def test_get_errors() -> None:
    with pytest.raises(ValueError, match=r"Unknown optimizer preset 'adam'.*dcgan"):
        optimizers.get("adam")
    with pytest.raises(TypeError, match="name=None"):
        optimizers.get(None)  # type: ignore[arg-type]


def test_presets_are_read_only() -> None:
    with pytest.raises(TypeError):
        optimizers.PRESETS["mine"] = optimizers.PRESETS["dcgan"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        optimizers.PRESETS["dcgan"].d_steps = 2  # type: ignore[misc]
    assert set(optimizers.PRESETS) == set(optimizers.PRESET_D_STEPS) == set(PUBLISHED)
