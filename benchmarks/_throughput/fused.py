"""Hand-written GAN steps (the references): a `tf.function` D-then-G step fed by `tf.data`,
and the in-graph step that keeps the data set as one tensor and gathers each batch inside."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from _throughput.base import Variant
from _throughput.models import build_models, step_flops


def batch_dependent(model: Any) -> bool:
    """True when `model` holds a BatchNormalization layer (its output for one sample depends
    on the rest of the batch, so real and fake batches must go through it separately)."""
    import keras

    return any(
        isinstance(layer, keras.layers.BatchNormalization)
        for layer in model._flatten_layers(include_self=False)
    )


def make_step(g: Any, d: Any, batch: int, xla: bool, x: Any = None) -> Any:
    """A hand-fused step over explicit variable lists. With `x` (a tensor of the whole data
    set) the step takes no input: it draws `batch` row indices (with replacement) from a
    counter-seeded stateless RNG, gathers them, and runs D once on real+fake concatenated
    unless D holds BatchNorm. Without `x` it takes the real batch and runs D twice."""
    import keras
    import tensorflow as tf

    from ganlib import optimizers

    g_opt, d_opt = optimizers.dcgan()
    g_opt.build(g.trainable_variables)
    d_opt.build(d.trainable_variables)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    fuse = x is not None and not batch_dependent(d)
    counter = tf.Variable([0, 0], dtype=tf.int64, trainable=False)

    def body(real: tf.Tensor) -> tf.Tensor:
        fake = g(tf.random.normal((batch, 100)), training=True)
        with tf.GradientTape() as tape:
            if fuse:
                out = d(tf.concat([real, fake], 0), training=True)
                real_out, fake_out = out[:batch], out[batch:]
            else:
                real_out, fake_out = d(real, training=True), d(fake, training=True)
            d_loss = bce(tf.fill(tf.shape(real_out), 0.9), real_out) + bce(
                tf.zeros_like(fake_out), fake_out
            )
        d_opt.apply(tape.gradient(d_loss, d.trainable_variables), d.trainable_variables)
        with tf.GradientTape() as tape:
            out = d(g(tf.random.normal((batch, 100)), training=True), training=True)
            g_loss = bce(tf.ones_like(out), out)
        g_opt.apply(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables)
        return d_loss + g_loss

    if x is None:
        return tf.function(body, jit_compile=xla)

    @tf.function(jit_compile=xla)
    def step() -> tf.Tensor:
        seed = counter.value()
        counter.assign_add(tf.constant([0, 1], tf.int64))
        idx = tf.random.stateless_uniform(
            (batch,), seed=seed, minval=0, maxval=tf.shape(x, tf.int64)[0], dtype=tf.int64
        )
        return body(tf.gather(x, idx))

    return step


class Fused(Variant):
    """A hand-written `tf.function` GAN step over explicit variable lists, `tf.data` input."""

    name = "fused"
    describe = "hand-written `tf.function` D+G step, `tf.data` input, D run twice"
    xla = False

    def setup(self) -> None:
        import tensorflow as tf

        self.g, self.d = build_models(self.family, sigmoid_d=False)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.step = make_step(self.g, self.d, self.batch, self.xla)
        dataset = (
            tf.data.Dataset.from_tensor_slices(self.x)
            .cache()
            .shuffle(len(self.x), seed=0)
            .repeat()
            .batch(self.batch, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE)
        )
        self.batches: Iterator[Any] = iter(dataset)

    def first_step(self) -> None:
        float(self.step(next(self.batches)))

    def timed(self, steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step(next(self.batches))
        float(loss)
        return time.perf_counter() - start


class FusedXla(Fused):
    name, xla = "fused_xla", True
    describe = "the same step with `jit_compile=True`"


class InGraph(Variant):
    """The in-graph hand-fused step: data set held as one tensor, each batch gathered inside
    the step, D run once on real+fake concatenated (when D has no BatchNorm)."""

    name = "ingraph"
    describe = "hand-fused step, data as one tensor gathered in the step, D once on real+fake"
    xla = False

    def setup(self) -> None:
        import tensorflow as tf

        self.g, self.d = build_models(self.family, sigmoid_d=False)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.step = make_step(self.g, self.d, self.batch, self.xla, x=tf.constant(self.x))

    def first_step(self) -> None:
        float(self.step())

    def timed(self, steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step()
        float(loss)
        return time.perf_counter() - start


class InGraphXla(InGraph):
    name, xla = "ingraph_xla", True
    describe = "the same in-graph step with `jit_compile=True` (the reference)"
