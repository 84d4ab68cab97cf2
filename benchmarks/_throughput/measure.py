"""The fp32 matmul peak and the profile of each step function alone."""

from __future__ import annotations

import time
from typing import Any

from _throughput.fused import Fused, FusedXla
from _throughput.trainer import Defaults


def matmul_peak(size: int, reps: int) -> dict[str, float]:
    """fp32 GFLOP/s of `tf.matmul` on square matrices of side `size`/4, `size`/2 and `size`:
    graph and XLA, each the best over sizes and `reps` repetitions."""
    import tensorflow as tf

    out: dict[str, float] = {"graph": 0.0, "xla": 0.0}
    for n in (size // 4, size // 2, size):
        a = tf.random.normal((n, n))
        b = tf.random.normal((n, n))
        for label, jit in (("graph", False), ("xla", True)):

            @tf.function(jit_compile=jit)
            def mm(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
                return tf.reduce_sum(tf.matmul(a, b))

            float(mm(a, b))
            best = float("inf")
            for _ in range(reps):
                start = time.perf_counter()
                float(mm(a, b))
                best = min(best, time.perf_counter() - start)
            out[label] = max(out[label], 2 * n**3 / best / 1e9)
    return out


def profile(family: str, x: Any, batch: int, steps: int, reps: int) -> list[list[str]]:
    """Where a step's time goes: graph time of each step function on a fixed batch (no
    input pipeline, no Keras loop), next to the input pipeline alone."""
    import tensorflow as tf

    real = tf.constant(x[:batch])
    rows = []

    def rate(fn: Any, model: Any = None) -> float:
        """Best steps/s over `reps` runs of `steps` calls; waits on the updated weights."""

        def sync(out: Any) -> float:
            if model is not None:  # reading a weight waits for every queued update of it
                return float(tf.reduce_sum(model.trainable_variables[0]))
            return float(tf.reduce_sum(tf.nest.flatten(out)[0]))

        sync(fn())
        best = 0.0
        for _ in range(reps):
            start = time.perf_counter()
            for _ in range(steps):
                out = fn()
            sync(out)
            best = max(best, steps / (time.perf_counter() - start))
        return best

    for jit in (False, True):
        trainer_variant = Defaults(family, x, batch, 1)
        trainer_variant.setup()
        train_step = tf.function(trainer_variant.trainer.train_step, jit_compile=jit)
        before = float(tf.reduce_sum(trainer_variant.d.trainable_variables[0]))
        r = rate(lambda fn=train_step: fn(real), trainer_variant.d)
        after = float(tf.reduce_sum(trainer_variant.d.trainable_variables[0]))
        if before == after:
            raise RuntimeError("GANTrainer.train_step did not update the discriminator")
        rows.append([f"GANTrainer.train_step, tf.function(jit_compile={jit})", f"{r:.2f}"])
        fused = (FusedXla if jit else Fused)(family, x, batch, 1)
        fused.setup()
        r = rate(lambda fn=fused.step: fn(real), fused.d)
        rows.append([f"hand-fused step, tf.function(jit_compile={jit})", f"{r:.2f}"])
    pipeline = (
        tf.data.Dataset.from_tensor_slices(x)
        .cache()
        .shuffle(len(x), seed=0)
        .repeat()
        .batch(batch, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    it = iter(pipeline)
    r = rate(lambda: next(it))
    rows.append(["tf.data pipeline alone (cache, shuffle, batch, prefetch)", f"{r:.0f}"])
    return rows
