"""Fast defaults: which GANs get XLA from `compile()`, which callbacks keep one step per
execution, that explicit arguments win, and that the automatic `steps_per_execution` leaves
the trained weights unchanged."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import GANTrainer, _fast_defaults, callbacks, losses, models
from ganlib._fast_defaults import (
    AUTO_STEPS_PER_EXECUTION,
    auto_steps_per_execution,
    avx512_in_cpuinfo,
    hooks_every_batch,
    only_cpus,
    steps_per_execution_for_run,
    wants_xla,
)

cpu_only = pytest.mark.skipif(not only_cpus(), reason="the XLA rule is for CPU-only machines")


def _mlp_pair(d_dropout: float = 0.0) -> tuple[keras.Model, keras.Model]:
    """The README's MNIST MLP pair (2.95 M weights)."""
    g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    d = models.MLPDiscriminator((28, 28, 1), dropout=d_dropout).build()
    return g, d


def _tiny_pair(seed: int = 0) -> tuple[keras.Model, keras.Model]:
    keras.utils.set_random_seed(seed)
    g = models.MLPGenerator(latent_dim=4, output_shape=(6,), hidden_units=(8,)).build()
    d = models.MLPDiscriminator((6,), hidden_units=(8,)).build()
    return g, d


def _dcgan_pair() -> tuple[keras.Model, keras.Model]:
    """The benchmark's DCGAN pair (2.1 M weights)."""
    g = models.DCGANGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    d = models.DCGANDiscriminator((28, 28, 1)).build()
    return g, d


@pytest.mark.parametrize("avx512", [True, False, None])
def test_xla_only_for_large_pairs_without_dropout_augmentation_or_strategy(
    avx512: bool | None,
) -> None:
    g, d = _mlp_pair()
    assert wants_xla(g, d, distributed=False, augmented=False, avx512=avx512)
    assert not wants_xla(g, d, distributed=True, augmented=False, avx512=avx512)
    assert not wants_xla(g, d, distributed=False, augmented=True, avx512=avx512)
    dropout = _mlp_pair(d_dropout=0.3)
    assert not wants_xla(*dropout, distributed=False, augmented=False, avx512=avx512)
    tiny = _tiny_pair()
    assert not wants_xla(*tiny, distributed=False, augmented=False, avx512=avx512)


@pytest.mark.parametrize(("avx512", "expected"), [(True, False), (None, False), (False, True)])
def test_convolutional_pairs_get_xla_only_on_cpus_without_avx512(
    avx512: bool | None, expected: bool
) -> None:
    g, _ = _mlp_pair()
    dg, dd = _dcgan_pair()
    assert wants_xla(dg, dd, distributed=False, augmented=False, avx512=avx512) is expected
    # one convolutional model decides, and distribution still keeps XLA off
    assert wants_xla(g, dd, distributed=False, augmented=False, avx512=avx512) is expected
    assert not wants_xla(dg, dd, distributed=True, augmented=False, avx512=avx512)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("processor\t: 0\nflags\t\t: fpu sse avx2 fma\n\nflags\t\t: fpu avx2\n", False),
        ("flags\t\t: fpu avx2 avx512f avx512dq\n", True),
        ("processor\t: 0\nfeatures\t: fp asimd\n", None),  # no `flags` line (ARM)
        ("", None),
    ],
)
def test_avx512_is_read_from_the_cpuinfo_flags(text: str, expected: bool | None) -> None:
    assert avx512_in_cpuinfo(text) is expected


@cpu_only
@pytest.mark.parametrize(("avx512", "expected"), [(True, False), (False, True)])
def test_compile_asks_the_cpu_for_convolutional_pairs(
    monkeypatch: pytest.MonkeyPatch, avx512: bool, expected: bool
) -> None:
    monkeypatch.setattr(_fast_defaults, "cpu_has_avx512", lambda: avx512)
    trainer = GANTrainer(*_dcgan_pair(), seed=0)
    trainer.compile()
    assert trainer.jit_compile is expected


def test_xla_computes_a_convolutional_pairs_gradients_like_the_graph() -> None:
    # XLA changes float rounding, not the maths: the D and G loss gradients of a small DCGAN
    # pair on the same images and noise. (The trainer's own noise is not compared: under XLA
    # `tf.random.stateless_normal` draws another stream from the same seed.)
    keras.utils.set_random_seed(2)
    g = models.DCGANGenerator(latent_dim=8, output_shape=(8, 8, 1), base_filters=4).build()
    d = models.DCGANDiscriminator((8, 8, 1), base_filters=4).build()
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=1)
    rng = np.random.default_rng(4)
    real = tf.constant(rng.uniform(-1, 1, size=(16, 8, 8, 1)).astype("float32"))
    z = tf.constant(rng.normal(size=(16, 8)).astype("float32"))

    def gradients() -> list[tf.Tensor]:
        with tf.GradientTape(persistent=True) as tape:
            fake = trainer.generate(z, None)
            d_loss, _ = trainer.discriminator_loss(real, tf.stop_gradient(fake), None)
            g_loss, _ = trainer.generator_loss(fake, None, real, None)
        return tape.gradient(d_loss, d.trainable_variables) + tape.gradient(
            g_loss, g.trainable_variables
        )

    graph = tf.function(gradients, jit_compile=False)()
    xla = tf.function(gradients, jit_compile=True)()
    assert len(graph) == len(d.trainable_variables) + len(g.trainable_variables)
    assert all(float(tf.reduce_max(tf.abs(a))) > 0 for a in graph)
    for a, b in zip(graph, xla, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6)


@cpu_only
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [({}, True), ({"jit_compile": "auto"}, True), ({"jit_compile": False}, False)],
)
def test_compile_resolves_auto_jit_and_explicit_values_win(
    kwargs: dict[str, Any], expected: bool
) -> None:
    trainer = GANTrainer(*_mlp_pair(), seed=0)
    trainer.compile(**kwargs)
    assert trainer.jit_compile is expected
    eager = GANTrainer(*_mlp_pair(), seed=0)
    eager.compile(run_eagerly=True)
    assert eager.jit_compile is False
    augmented = GANTrainer(*_mlp_pair(), seed=0, augment="translation")
    augmented.compile()
    assert augmented.jit_compile is False
    tiny = GANTrainer(*_tiny_pair(), seed=0)
    tiny.compile(jit_compile=True)
    assert tiny.jit_compile is True


class _Counter(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self.calls += 1


class _OldStyle(keras.callbacks.Callback):
    def on_batch_begin(self, batch: int, logs: Any = None) -> None:
        pass


class _PerExecution(_Counter):
    batch_hooks_per_execution = True


class _EpochOnly(keras.callbacks.Callback):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        pass


@pytest.mark.parametrize(
    ("callback", "every_batch"),
    [
        (keras.callbacks.Callback(), False),
        (_EpochOnly(), False),
        (keras.callbacks.EarlyStopping(monitor="g_loss"), False),
        (keras.callbacks.ProgbarLogger(), False),
        (keras.callbacks.History(), False),
        (_Counter(), True),
        (_OldStyle(), True),
        (_PerExecution(), False),
        (keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: None), True),
        (keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: None), False),
        (keras.callbacks.TerminateOnNaN(), True),
        (callbacks.GeneratorEMA(0.99), False),  # counts the steps of each call
        (callbacks.DivergenceGuard(), False),
        (callbacks.AdaptiveAugmentation(), True),  # adjusts every `interval` steps
        (callbacks.GANCheckpoint("ckpt"), False),
        (callbacks.GANCheckpoint("ckpt", every_steps=5), True),  # writes at exact multiples
        (callbacks.SampleGrid("samples"), False),
        (callbacks.SampleGrid("samples", every_steps=5), True),
        (callbacks.TranslationGrid("grid", np.zeros((1, 4, 4, 1))), False),
        (callbacks.TranslationGrid("grid", np.zeros((1, 4, 4, 1)), every_steps=5), True),
        (keras.callbacks.CSVLogger("log.csv"), False),
    ],
)
def test_which_callbacks_keep_one_step_per_execution(callback: Any, every_batch: bool) -> None:
    assert hooks_every_batch(callback) is every_batch


def test_one_pick_for_a_run_of_several_fit_calls() -> None:
    trainer = GANTrainer(*_tiny_pair(), seed=0)
    trainer.compile()
    with steps_per_execution_for_run(trainer, [_PerExecution()], (196, 20_000, 0)) as steps:
        assert steps == trainer.steps_per_execution == 4  # divides 196 and 20,000
        _fit(trainer, 3)  # fit keeps it: 3 steps, no steps_per_epoch
        assert trainer.steps_per_execution == 4
    assert trainer.auto_steps_per_execution
    with steps_per_execution_for_run(trainer, [_Counter()], (196, 20_000, 0)) as steps:
        assert steps == 1
    explicit = GANTrainer(*_tiny_pair(), seed=0)
    explicit.compile(steps_per_execution=3)
    with steps_per_execution_for_run(explicit, None, (20,)) as steps:
        assert steps == 3
    assert not explicit.auto_steps_per_execution


def test_strategies_and_eager_runs_keep_one_step_per_execution() -> None:
    assert auto_steps_per_execution([_EpochOnly()], run_eagerly=False, distributed=False) == 10
    assert auto_steps_per_execution(None, run_eagerly=False, distributed=True) == 1
    assert auto_steps_per_execution(None, run_eagerly=True, distributed=False) == 1
    assert auto_steps_per_execution([_OldStyle()], run_eagerly=False, distributed=False) == 1


@pytest.mark.parametrize(
    ("counts", "expected"),
    [((None, None), 10), ((40, None), 10), ((469, None), 7), ((13, None), 1), ((40, 6), 2)],
)
def test_steps_per_execution_divides_the_step_counts(counts: Any, expected: int) -> None:
    assert auto_steps_per_execution(None, False, False, counts) == expected


def test_fit_runs_exactly_steps_per_epoch() -> None:
    # Keras rounds steps_per_epoch up to a multiple of steps_per_execution: the automatic
    # value must divide it, so fit runs the steps it was asked for.
    trainer = GANTrainer(*_tiny_pair(), seed=0)
    trainer.compile()
    x = np.random.default_rng(0).normal(size=(1600, 6)).astype("float32")
    trainer.fit(x, batch_size=16, epochs=2, steps_per_epoch=13, verbose=0)
    assert (trainer.steps_per_execution, int(trainer.step_counter.numpy())) == (1, 26)
    trainer.fit(x, batch_size=16, epochs=1, steps_per_epoch=30, verbose=0)
    assert (trainer.steps_per_execution, int(trainer.step_counter.numpy())) == (10, 56)


def _fit(trainer: GANTrainer, steps: int, cbs: list[Any] | None = None) -> None:
    x = np.random.default_rng(3).normal(size=(16 * steps, 6)).astype("float32")
    trainer.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0, callbacks=cbs)


def test_fit_picks_steps_per_execution_from_the_callbacks() -> None:
    trainer = GANTrainer(*_tiny_pair(), seed=0)
    trainer.compile()
    _fit(trainer, 3)
    assert trainer.steps_per_execution == AUTO_STEPS_PER_EXECUTION
    counter = _Counter()
    _fit(trainer, 12, [counter])
    assert trainer.steps_per_execution == 1
    assert counter.calls == 12  # called after every step
    per_execution = _PerExecution()
    _fit(trainer, 12, [per_execution, _EpochOnly()])
    assert trainer.steps_per_execution == AUTO_STEPS_PER_EXECUTION
    assert per_execution.calls == 2  # 10 steps, then the last 2
    assert int(trainer.step_counter.numpy()) == 3 + 12 + 12


@pytest.mark.parametrize("kwargs", [{"steps_per_execution": 1}, {"steps_per_execution": 3}])
def test_explicit_steps_per_execution_wins(kwargs: dict[str, Any]) -> None:
    trainer = GANTrainer(*_tiny_pair(), seed=0)
    trainer.compile(**kwargs)
    _fit(trainer, 4)
    assert trainer.steps_per_execution == kwargs["steps_per_execution"]
    eager = GANTrainer(*_tiny_pair(), seed=0)
    eager.compile(run_eagerly=True)
    _fit(eager, 2)
    assert eager.steps_per_execution == 1


@pytest.mark.parametrize("jit", [False, True])
def test_automatic_steps_per_execution_gives_the_same_weights(jit: bool) -> None:
    results = []
    for kwargs in ({"steps_per_execution": 1}, {}):
        trainer = GANTrainer(*_tiny_pair(seed=5), loss=losses.NonSaturating(), seed=1)
        trainer.compile(jit_compile=jit, **kwargs)
        _fit(trainer, 23)  # 2 executions of 10 steps, then one of 3
        results.append((trainer.steps_per_execution, trainer.get_weights()))
    (single, before), (auto, after) = results
    assert (single, auto) == (1, AUTO_STEPS_PER_EXECUTION)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
