"""`ganlib.sampling.recalibrate_batch_norm`: the re-estimated BatchNorm statistics are the
statistics of the sampling weights' own activations, computed by hand here; only they change."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest

from ganlib import GANTrainer, callbacks
from ganlib.sampling import recalibrate_batch_norm


def _trainer(second_norm: bool = False, seed: int = 0) -> GANTrainer:
    """z (4,) -> Dense(3) -> BN [-> ReLU -> Dense(2) -> BN]; untrained, statistics 0 and 1."""
    keras.utils.set_random_seed(seed)
    layers: list[Any] = [keras.Input((4,)), keras.layers.Dense(3)]
    layers.append(keras.layers.BatchNormalization())
    if second_norm:
        layers += [keras.layers.ReLU(), keras.layers.Dense(2), keras.layers.BatchNormalization()]
    g = keras.Sequential(layers)
    d = keras.Sequential([keras.Input((g.outputs[0].shape[-1],)), keras.layers.Dense(1)])
    return GANTrainer(g, d, seed=0)


def _values(variables: list[Any]) -> list[np.ndarray]:
    return [np.array(v.numpy()) for v in variables]


def _latents(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 4)).astype("float64")


def _with_distinct_ema(trainer: GANTrainer) -> list[Any]:
    """Creates EMA weights whose trainable entries differ from the raw generator's."""
    ema = trainer.create_ema_weights()
    trainable = {id(w) for w in trainer.generator.trainable_weights}
    for e, w in zip(ema, trainer.generator.weights, strict=True):
        if id(w) in trainable:
            e.assign(np.asarray(w.numpy()) * 0.5 + 0.25)
    return ema


def test_statistics_are_those_of_the_ema_weights_activations_and_nothing_else_changes() -> None:
    trainer = _trainer()
    ema = _with_distinct_ema(trainer)
    raw_before, ema_before = _values(trainer.generator.weights), _values(ema)
    momentum = trainer.generator.layers[1].momentum

    assert recalibrate_batch_norm(trainer, n=50, batch_size=16, seed=3) == 1

    kernel, bias = ema_before[0], ema_before[1]
    h = _latents(50, 3) @ kernel + bias  # the EMA weights' Dense, on the same draws
    after = _values(ema)
    np.testing.assert_allclose(after[4], h.mean(axis=0), rtol=1e-5, atol=1e-6)  # moving mean
    np.testing.assert_allclose(after[5], h.var(axis=0), rtol=1e-5, atol=1e-6)  # moving var
    assert not np.allclose(after[5], ema_before[5])  # the statistics did change
    for i in range(4):  # kernel, bias, gamma, beta of the EMA weights: untouched
        np.testing.assert_array_equal(after[i], ema_before[i])
    for got, expected in zip(_values(trainer.generator.weights), raw_before, strict=True):
        np.testing.assert_array_equal(got, expected)  # the raw generator: untouched
    assert trainer.generator.layers[1].momentum == momentum


def test_a_later_layer_sees_the_earlier_one_normalised_by_the_batch_statistics() -> None:
    trainer = _trainer(second_norm=True)
    w = _values(trainer.generator.weights)  # no EMA: the generator's own weights
    recalibrate_batch_norm(trainer, n=40, batch_size=40, seed=1)
    h = _latents(40, 1) @ w[0] + w[1]
    h = (h - h.mean(0)) / np.sqrt(h.var(0) + 1e-3) * w[2] + w[3]  # BN in training mode
    h = np.maximum(h, 0.0) @ w[6] + w[7]
    second = trainer.generator.layers[4]
    np.testing.assert_allclose(second.moving_mean.numpy(), h.mean(0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(second.moving_variance.numpy(), h.var(0), rtol=1e-4, atol=1e-5)


def test_batches_pool_to_the_statistics_of_all_samples() -> None:
    one, split = _trainer(), _trainer()
    recalibrate_batch_norm(one, n=48, batch_size=48, seed=2)
    recalibrate_batch_norm(split, n=48, batch_size=7, seed=2)  # 6 batches of 7, one of 6
    for a, b in zip(one.generator.weights, split.generator.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_same_seed_same_statistics_another_seed_others() -> None:
    results = []
    for seed in (5, 5, 6):
        trainer = _trainer()
        recalibrate_batch_norm(trainer, n=30, batch_size=8, seed=seed)
        results.append(_values(trainer.generator.weights))
    for a, b in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(results[0][4], results[2][4])


def test_use_ema_false_re_estimates_the_raw_generator_and_leaves_the_ema_weights() -> None:
    trainer = _trainer()
    ema = _with_distinct_ema(trainer)
    ema_before, raw_before = _values(ema), _values(trainer.generator.weights)
    recalibrate_batch_norm(trainer, n=20, batch_size=20, seed=0, use_ema=False)
    for got, expected in zip(_values(ema), ema_before, strict=True):
        np.testing.assert_array_equal(got, expected)
    h = _latents(20, 0) @ raw_before[0] + raw_before[1]
    np.testing.assert_allclose(trainer.generator.weights[4].numpy(), h.mean(0), atol=1e-5)


def test_a_generator_without_batch_norm_is_left_alone() -> None:
    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, seed=0)
    before = _values(g.weights)
    assert recalibrate_batch_norm(trainer, n=10, batch_size=4) == 0
    for got, expected in zip(_values(g.weights), before, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "`n` must be an integer >= 2. Received: n=0"),
        ({"n": 1}, "`n` must be an integer >= 2"),
        ({"n": 10.0}, "`n` must be an integer"),
        ({"n": True}, "`n` must be an integer"),
        ({"batch_size": 1}, "`batch_size` must be an integer >= 2. Received: batch_size=1"),
        ({"batch_size": None}, "`batch_size` must be an integer"),
        ({"seed": -1}, "`seed` must be an integer >= 0. Received: seed=-1"),
        ({"seed": "0"}, "`seed` must be an integer"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        recalibrate_batch_norm(_trainer(), **kwargs)


def test_a_non_trainer_and_batch_renormalization_are_refused() -> None:
    with pytest.raises(TypeError, match=r"needs a GANTrainer \(.*\)\. Received: Sequential"):
        recalibrate_batch_norm(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    g = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization(renorm=True)])
    trainer = GANTrainer(g, keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]), seed=0)
    with pytest.raises(ValueError, match="renorm=True"):
        recalibrate_batch_norm(trainer)


def test_an_error_mid_pass_restores_every_weight_and_momentum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trainer = _trainer()
    before = _values(trainer.generator.weights)
    calls = []
    original = trainer.generate

    def failing(z: Any, labels: Any = None, training: bool = True) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return original(z, labels, training)

    monkeypatch.setattr(trainer, "generate", failing)
    with pytest.raises(RuntimeError, match="boom"):
        recalibrate_batch_norm(trainer, n=20, batch_size=5)
    for got, expected in zip(_values(trainer.generator.weights), before, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert trainer.generator.layers[1].momentum == 0.99


def test_the_next_ema_update_leaves_no_trace_of_it() -> None:
    """`GeneratorEMA`'s update at the next training step copies the raw statistics over the
    re-estimated ones: a later `fit` (or a resumed one) continues exactly; the training RNG
    and step counter are untouched."""
    runs = []
    for recalibrate in (False, True):
        trainer = _trainer()
        _with_distinct_ema(trainer)
        state = [trainer.rng_state.numpy().copy(), int(trainer.step_counter.numpy())]
        if recalibrate:
            assert recalibrate_batch_norm(trainer, n=16, batch_size=8) == 1
        np.testing.assert_array_equal(trainer.rng_state.numpy(), state[0])
        assert int(trainer.step_counter.numpy()) == state[1]
        ema = callbacks.GeneratorEMA(decay=0.9)
        ema.set_model(trainer)
        ema.update()  # what the callback runs after each step
        runs.append(_values(trainer.generator.weights) + _values(trainer.ema_weights or []))
    assert len(runs[0]) == 12
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)
