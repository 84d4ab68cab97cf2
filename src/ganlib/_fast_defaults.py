"""What `GANTrainer` picks when `jit_compile` and `steps_per_execution` are left unset (private).

`compile()` resolves `jit_compile="auto"` with `wants_xla` (XLA for large pairs on a CPU where
it was measured faster: dense pairs, and convolutional ones on CPUs without AVX-512) and `fit()`
resolves an unset `steps_per_execution` with `auto_steps_per_execution` (several steps per call
unless a callback hooks single batches). Explicit arguments always win. Figures and reasons:
docs/performance.md, "Fast defaults" and "DCGAN on a CPU".
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from typing import Any

import keras

from ganlib._compat import flatten_layers

AUTO_STEPS_PER_EXECUTION = 10
# XLA's fusion pays back its compilation only for steps with enough work: the MNIST MLP pair of
# the README has 2.95 M weights; the toy pairs of `ganlib demo` a few thousand.
XLA_MIN_WEIGHTS = 1_000_000
# Class-name fragments of layers that run slower under XLA on a CPU than without it: dropout
# (the MLP pair with D dropout 0.3 ran 4-5x slower with XLA).
_SLOW_UNDER_XLA = ("Dropout",)
# Convolutions (pooling goes with them) depend on the CPU: the DCGAN pair's step ran -41% under
# XLA on an AVX-512 CPU, where oneDNN's convolution kernels are fast, and +21-28% on an
# AVX2-only CPU (docs/performance.md, "DCGAN on a CPU"). They exclude XLA unless the CPU is
# known to lack AVX-512.
_CONV_LAYERS = ("Conv", "Pool")
_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
# Keras callbacks written for `steps_per_execution` (they count the steps each call covers).
_PER_EXECUTION_SAFE = ("ProgbarLogger", "History")


def only_cpus() -> bool:
    """True when TensorFlow sees no device other than CPUs."""
    import tensorflow as tf

    return all(d.device_type == "CPU" for d in tf.config.list_physical_devices())


def avx512_in_cpuinfo(text: str) -> bool | None:
    """Whether the `flags` lines of a `/proc/cpuinfo` text list `avx512f`; None without any
    `flags` line (not a Linux cpuinfo)."""
    flags = [
        line.split(":", 1)[1].split()
        for line in text.splitlines()
        if line.startswith("flags") and ":" in line
    ]
    if not flags:
        return None
    return any("avx512f" in f for f in flags)


@functools.lru_cache(maxsize=1)
def cpu_has_avx512() -> bool | None:
    """True or False when `/proc/cpuinfo` says whether the CPU has AVX-512; None when unknown."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return avx512_in_cpuinfo(f.read())
    except OSError:
        return None


def slow_under_xla(model: keras.Model, convolutions: bool = True) -> list[str]:
    """Names of `model`'s layers that XLA slows down on a CPU: dropout, and convolutions and
    pooling when `convolutions` is True."""
    parts = _SLOW_UNDER_XLA + (_CONV_LAYERS if convolutions else ())
    slow = []
    for layer in flatten_layers(model):
        names = {cls.__name__ for cls in type(layer).__mro__}
        if any(part in name for name in names for part in parts):
            slow.append(layer.name)
    return slow


def wants_xla(
    generator: keras.Model,
    discriminator: keras.Model,
    distributed: bool,
    augmented: bool,
    avx512: bool | None = None,
) -> bool:
    """`jit_compile="auto"` for a GAN on a CPU-only machine: True when both models hold no
    dropout layer, no convolution or pooling layer either unless `avx512` is False (the CPU is
    known to lack AVX-512; `compile()` passes `cpu_has_avx512()`), together have at least
    `XLA_MIN_WEIGHTS` weights, no `tf.distribute` strategy is set (Keras turns XLA off under
    strategies) and the trainer does not augment D's inputs (DiffAugment ran no faster with
    XLA)."""
    if distributed or augmented:
        return False
    convolutions = avx512 is not False
    if slow_under_xla(generator, convolutions) or slow_under_xla(discriminator, convolutions):
        return False
    weights = generator.count_params() + discriminator.count_params()
    return bool(weights >= XLA_MIN_WEIGHTS)


def hooks_every_batch(callback: Any) -> bool:
    """True when `callback` overrides a per-batch training hook and does not declare
    `batch_hooks_per_execution = True` (its batch hooks may run once per execution)."""
    if getattr(callback, "batch_hooks_per_execution", False):
        return False
    if type(callback).__name__ in _PER_EXECUTION_SAFE and type(callback).__module__.startswith(
        "keras."
    ):
        return False
    for name in _BATCH_HOOKS:
        hook = getattr(callback, name, None)
        base = getattr(keras.callbacks.Callback, name)
        if getattr(hook, "__func__", hook) is not base:
            return True
    return False


def auto_steps_per_execution(
    callbacks: Iterable[Any] | None,
    run_eagerly: bool,
    distributed: bool,
    step_counts: Iterable[Any] = (),
) -> int:
    """Steps per call for an unset `steps_per_execution`: the largest divisor of every count in
    `step_counts` (`steps_per_epoch`, `validation_steps`; Keras rounds them up to a multiple of
    the steps per call) up to `AUTO_STEPS_PER_EXECUTION`; 1 when running eagerly, under a
    `tf.distribute` strategy (a `MirroredStrategy` run with several steps per call failed in
    TensorFlow's loop), or when a callback hooks single batches (`hooks_every_batch`)."""
    if run_eagerly or distributed or any(hooks_every_batch(c) for c in callbacks or ()):
        return 1
    counts = [n for n in step_counts if isinstance(n, int) and n > 0]
    divisors = range(AUTO_STEPS_PER_EXECUTION, 0, -1)
    return next(k for k in divisors if all(n % k == 0 for n in counts))


def resolve_compile(trainer: Any, kwargs: dict[str, Any]) -> bool:
    """Resolves `jit_compile="auto"` (the default) in `compile()`'s `kwargs` in place: on a
    CPU-only machine to `wants_xla`, elsewhere as Keras does. Returns True when
    `steps_per_execution` is left for `fit` to pick."""
    auto = kwargs.get("jit_compile", "auto") == "auto" and not kwargs.get("run_eagerly")
    if auto and only_cpus():
        distributed = getattr(trainer, "_distribute_strategy", None) is not None
        augmented = getattr(trainer, "augment", None) is not None
        models = (trainer.generator, trainer.discriminator)
        kwargs["jit_compile"] = wants_xla(*models, distributed, augmented, cpu_has_avx512())
    return "steps_per_execution" not in kwargs


def pick_steps_per_execution(
    trainer: Any, fit_kwargs: dict[str, Any], step_counts: Iterable[Any] = ()
) -> None:
    """Before `fit`: sets `trainer.steps_per_execution` to `auto_steps_per_execution` for the
    call's callbacks and step counts (and `step_counts`) when `compile()` left it unset (a
    change retraces)."""
    if not getattr(trainer, "auto_steps_per_execution", False):
        return
    callbacks = fit_kwargs.get("callbacks")
    callbacks = getattr(callbacks, "callbacks", callbacks)  # a keras CallbackList
    distributed = getattr(trainer, "_distribute_strategy", None) is not None
    counts = (fit_kwargs.get("steps_per_epoch"), fit_kwargs.get("validation_steps"), *step_counts)
    steps = auto_steps_per_execution(callbacks, bool(trainer.run_eagerly), distributed, counts)
    if steps != trainer.steps_per_execution:
        trainer.steps_per_execution = steps
        trainer.train_function = trainer.test_function = trainer.predict_function = None


@contextlib.contextmanager
def steps_per_execution_for_run(
    trainer: Any, callbacks: Any, step_counts: Iterable[Any]
) -> Iterator[int]:
    """One automatic `steps_per_execution` for a run of several `fit` calls: picked once for
    `callbacks` and `step_counts` (`pick_steps_per_execution`), kept by every `fit` inside the
    block, automatic again after it. Yields the steps per call. With counts such as the steps
    per epoch, the run's total and its start step, every call then ends on a multiple of the
    steps per call, wherever the run was resumed (`ganlib.cli._fitloop`)."""
    auto = bool(getattr(trainer, "auto_steps_per_execution", False))
    pick_steps_per_execution(trainer, {"callbacks": callbacks}, step_counts)
    trainer.auto_steps_per_execution = False
    try:
        yield int(trainer.steps_per_execution)
    finally:
        trainer.auto_steps_per_execution = auto
