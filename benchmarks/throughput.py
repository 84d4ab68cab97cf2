"""Training throughput: the classic Keras GAN loop vs `GANTrainer` vs a hand-fused XLA step.

Runs every variant in ONE process, in alternating order (A B C ... A B C ...), `--reps`
times, and reports per variant: median steps/s, ratio to the classic loop, achieved GFLOP/s
as a fraction of the fp32 matmul peak measured in the same run, and (from a fresh
subprocess per variant) the time from process start to the first finished step and the
peak resident memory. A "step" is one discriminator update and one generator update on a
batch of `--batch-size` real images.

Variants (`--variants`):
  classic    the classic Keras 2 loop written out: `d.train_on_batch(concat(real, fake),
             concat(0.9, 0))`, then `gan.train_on_batch(z, 1)` with `d.trainable` toggled.
  classic_pob  the same loop with `generator.predict_on_batch` for the fakes instead of
             `predict` (a stronger baseline).
  defaults   `GANTrainer` with `compile()` defaults, `fit(numpy array, batch_size=...)`.
  jit        `GANTrainer`, `compile(jit_compile=True)`, numpy input.
  data       `GANTrainer` defaults fed by the tf.data pipeline of `fastest`.
  spe        `GANTrainer`, `compile(steps_per_execution=N)`, numpy input.
  spe_data   `spe` fed by the tf.data pipeline.
  fastest    `GANTrainer`, `compile(jit_compile=True, steps_per_execution=N)` fed by a
             cached, shuffled, repeated, prefetched `tf.data.Dataset` (drop_remainder).
  fused      a hand-written `tf.function` step (D then G update), no XLA (reference).
  fused_xla  the same step with `jit_compile=True` (reference (d): the machine's target).

FLOPs are counted on the matmuls (Dense, Conv2D, Conv2DTranspose; element-wise ops,
BatchNorm and the optimizer are ignored): one forward pass of a layer on one sample is
2 * kernel.size * (output positions for Conv2D, input positions for Conv2DTranspose, 1 for
Dense). One step = G forward (fakes for D) + 3 x D forward on 2 batches (real, fake; forward
+ backward ~ 3x forward) + 3 x (G + D) forward (the generator update). See
docs/performance.md.

Example (the figures in docs/performance.md):
    python benchmarks/throughput.py --reps 5 --steps 60 --profile --json out.json
Smallest run (smoke test):
    python benchmarks/throughput.py --reps 1 --steps 3 --which mlp --no-cold --quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    format_table,
    load_images,
    machine,
    median,
    peak_rss_mib,
    print_header,
    process_age,
    write_json,
)

DEFAULT_VARIANTS = {
    "mlp": "classic,classic_pob,defaults,spe,fastest,fused,fused_xla",
    "dcgan": "classic,classic_pob,defaults,spe,fastest,fused,fused_xla",
}
ALL_VARIANTS = (
    "classic",
    "classic_pob",
    "defaults",
    "data",
    "jit",
    "spe",
    "spe_data",
    "fastest",
    "fused",
    "fused_xla",
)


# ------------------------------------------------------------------------------- models
def build_models(family: str, sigmoid_d: bool) -> tuple[Any, Any]:
    """The benchmark architectures: the classic MLP GAN or a DCGAN pair, 28x28x1, z = 100."""
    from ganlib import models

    activation = "sigmoid" if sigmoid_d else None
    if family == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1), output_activation=activation).build()
    elif family == "dcgan":
        g = models.DCGANGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.DCGANDiscriminator((28, 28, 1), output_activation=activation).build()
    else:
        raise ValueError(f"`--which` must name mlp or dcgan. Received: {family!r}")
    return g, d


def forward_flops(model: Any) -> int:
    """Matmul FLOPs of one forward pass on ONE sample (Dense, Conv2D, Conv2DTranspose)."""
    import keras

    total = 0
    for layer in model._flatten_layers(include_self=False):
        inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps a layer
        kernel = getattr(inner, "kernel", None)
        if kernel is None:
            continue
        size = 1
        for s in kernel.shape:
            size *= int(s)
        if isinstance(inner, keras.layers.Conv2DTranspose):
            positions = int(inner.input.shape[1]) * int(inner.input.shape[2])
        elif isinstance(inner, keras.layers.Conv2D):
            positions = int(inner.output.shape[1]) * int(inner.output.shape[2])
        elif isinstance(inner, keras.layers.Dense):
            positions = 1
        else:
            continue
        total += 2 * size * positions
    return total


def step_flops(g: Any, d: Any, batch: int) -> int:
    """Matmul FLOPs of one GAN step (see the module docstring for the counting)."""
    fg, fd = forward_flops(g), forward_flops(d)
    return batch * (fg + 3 * 2 * fd + 3 * (fg + fd))


# ----------------------------------------------------------------------------- variants
class Variant:
    """A training setup that can run `steps` steps and report the time they took."""

    name = "variant"

    def __init__(self, family: str, x: Any, batch: int, spe: int) -> None:
        self.family, self.x, self.batch, self.spe = family, x, batch, spe
        self.flops = 0

    def setup(self) -> None:
        """Builds models and compiles (no step run)."""

    def first_step(self) -> None:
        """Runs one step (or one execution), tracing whatever needs tracing."""

    def timed(self, steps: int) -> float:
        """Seconds taken by `steps` steps after warm-up."""
        raise NotImplementedError


class Classic(Variant):
    """The classic Keras GAN loop (Keras 2 style), made to train correctly on Keras 3.

    Keras 3 reads `trainable` when a model's train function is first traced, not at
    `compile()` (docs/performance.md, PITFALLS #1). So: compile D while trainable and trace
    its train function with one `train_on_batch`; then set `d.trainable = False`, build and
    compile the combined model and trace it with one `train_on_batch`. The toggles in the loop
    are kept (they are what the classic code does) and change nothing afterwards.
    """

    name = "classic"

    def setup(self) -> None:
        import keras
        import numpy as np

        self.g, self.d = build_models(self.family, sigmoid_d=True)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.d.compile(
            loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5)
        )
        z = keras.Input((100,))
        self.d.trainable = False
        self.gan = keras.Model(z, self.d(self.g(z)))
        self.gan.compile(
            loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5)
        )
        self.d.trainable = True
        self.rng = np.random.default_rng(0)
        self.labels = np.concatenate(
            [np.full((self.batch, 1), 0.9, "float32"), np.zeros((self.batch, 1), "float32")]
        )
        self.ones = np.ones((self.batch, 1), "float32")
        self._traced = False

    def _step(self) -> None:
        import numpy as np

        idx = self.rng.integers(0, len(self.x), self.batch)
        real = self.x[idx]
        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        fake = self._generate(noise)
        self.d.trainable = True
        self.d.train_on_batch(np.concatenate([real, fake]), self.labels)
        self.d.trainable = False
        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        self.gan.train_on_batch(noise, self.ones)

    def _generate(self, noise: Any) -> Any:
        return self.g.predict(noise, verbose=0)

    def first_step(self) -> None:
        # The first trace order above is what makes the loop train both networks.
        self._step()
        self._traced = True

    def check(self) -> dict[str, bool]:
        """Whether the D step moves D, and the G step moves G but not D."""
        import numpy as np

        def snap(model: Any) -> list[np.ndarray]:
            return [np.array(w) for w in model.get_weights()]

        def moved(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
            return any(not np.array_equal(u, v) for u, v in zip(a, b, strict=True))

        noise = self.rng.standard_normal((self.batch, 100)).astype("float32")
        real = self.x[: self.batch]
        fake = self.g.predict(noise, verbose=0)
        d0, g0 = snap(self.d), snap(self.g)
        self.d.trainable = True
        self.d.train_on_batch(np.concatenate([real, fake]), self.labels)
        d1, g1 = snap(self.d), snap(self.g)
        self.d.trainable = False
        self.gan.train_on_batch(noise, self.ones)
        d2, g2 = snap(self.d), snap(self.g)
        return {
            "d_step_updates_d": moved(d0, d1),
            "d_step_freezes_g": not moved(g0, g1),
            "g_step_updates_g": moved(g1, g2),
            "g_step_freezes_d": not moved(d1, d2),
        }

    def timed(self, steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            self._step()
        return time.perf_counter() - start


class ClassicOnBatch(Classic):
    """The classic loop with `generator.predict_on_batch` instead of `predict` (a stronger
    baseline: Keras 3's `predict` builds a data adapter on every call)."""

    name = "classic_pob"

    def _generate(self, noise: Any) -> Any:
        return self.g.predict_on_batch(noise)


class _Timer:
    """Keras callback: time of the first finished execution and of the end of training."""

    def __new__(cls) -> Any:
        import keras

        class Timer(keras.callbacks.Callback):
            def __init__(self) -> None:
                super().__init__()
                self.first: float | None = None
                self.end = 0.0
                self.batches = 0

            def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
                self.batches += 1
                if self.first is None:
                    self.first = time.perf_counter()

            def on_train_end(self, logs: Any = None) -> None:
                self.end = time.perf_counter()

        return Timer()


class Trainer(Variant):
    """`GANTrainer` with chosen compile options and input pipeline."""

    jit: Any = "auto"
    spe_on = False
    pipeline = False

    def setup(self) -> None:
        import tensorflow as tf

        from ganlib import GANTrainer, losses, optimizers

        self.g, self.d = build_models(self.family, sigmoid_d=False)
        self.flops = step_flops(self.g, self.d, self.batch)
        self.trainer = GANTrainer(self.g, self.d, loss=losses.NonSaturating(real_label=0.9), seed=0)
        kwargs: dict[str, Any] = {}
        if self.jit != "auto":
            kwargs["jit_compile"] = self.jit
        self.per_call = self.spe if self.spe_on else 1
        if self.spe_on:
            kwargs["steps_per_execution"] = self.spe
        self.trainer.compile(*optimizers.dcgan(), **kwargs)
        if self.pipeline:
            self.data: Any = (
                tf.data.Dataset.from_tensor_slices(self.x)
                .cache()
                .shuffle(len(self.x), seed=0, reshuffle_each_iteration=True)
                .repeat()
                .batch(self.batch, drop_remainder=True)
                .prefetch(tf.data.AUTOTUNE)
            )
        else:
            self.data = self.x

    def _fit(self, steps: int) -> Any:
        timer = _Timer()
        kwargs: dict[str, Any] = {"shuffle": False} if self.pipeline else {"batch_size": self.batch}
        self.trainer.fit(
            self.data, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[timer], **kwargs
        )
        return timer

    def first_step(self) -> None:
        self._fit(self.per_call)

    def timed(self, steps: int) -> float:
        # One extra execution first: iterator creation is not counted.
        executions = max(1, -(-steps // self.per_call))
        timer = self._fit((executions + 1) * self.per_call)
        assert timer.first is not None
        return (timer.end - timer.first) * steps / (executions * self.per_call)


class Defaults(Trainer):
    name = "defaults"


class Jit(Trainer):
    name, jit = "jit", True


class Spe(Trainer):
    name, spe_on = "spe", True


class Pipeline(Trainer):
    name, pipeline = "data", True


class SpeData(Trainer):
    name, spe_on, pipeline = "spe_data", True, True


class Fastest(Trainer):
    name, jit, spe_on, pipeline = "fastest", True, True, True


class Fused(Variant):
    """A hand-written `tf.function` GAN step over explicit variable lists (reference)."""

    name = "fused"
    xla = False

    def setup(self) -> None:
        import keras
        import tensorflow as tf

        from ganlib import optimizers

        g, d = build_models(self.family, sigmoid_d=False)
        self.g, self.d = g, d
        self.flops = step_flops(g, d, self.batch)
        g_opt, d_opt = optimizers.dcgan()
        g_opt.build(g.trainable_variables)
        d_opt.build(d.trainable_variables)
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        batch = self.batch

        @tf.function(jit_compile=self.xla)
        def step(real: tf.Tensor) -> tf.Tensor:
            fake = g(tf.random.normal((batch, 100)), training=True)
            with tf.GradientTape() as tape:
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

        self.step = step
        dataset = (
            tf.data.Dataset.from_tensor_slices(self.x)
            .cache()
            .shuffle(len(self.x), seed=0)
            .repeat()
            .batch(batch, drop_remainder=True)
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


VARIANTS: dict[str, type[Variant]] = {
    v.name: v
    for v in (
        Classic,
        ClassicOnBatch,
        Defaults,
        Pipeline,
        Jit,
        Spe,
        SpeData,
        Fastest,
        Fused,
        FusedXla,
    )
}


# -------------------------------------------------------------------------- matmul peak
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


# ----------------------------------------------------------------------------- cold run
def cold_start(family: str, variant: str, batch: int, spe: int, quick: bool) -> dict[str, float]:
    """Run in a fresh process: time from process start to the first finished step, peak RSS."""
    import numpy as np

    x, _ = load_images(quick)
    v = VARIANTS[variant](family, np.asarray(x), batch, spe)
    v.setup()
    v.first_step()
    first = process_age()
    v.timed(max(10, spe))
    return {"first_step_s": first, "peak_rss_mib": peak_rss_mib()}


def cold_start_subprocess(
    family: str, variant: str, args: argparse.Namespace
) -> dict[str, float] | None:
    """`cold_start` in a child process (its own interpreter, imports and traces)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--cold-start",
        f"{family}:{variant}",
        "--batch-size",
        str(args.batch_size),
        "--spe",
        str(args.spe),
    ] + (["--quick"] if args.quick else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    for line in result.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return dict(json.loads(line))
    print(f"  cold start {family}:{variant} failed: {result.stderr[-500:]}", file=sys.stderr)
    return None


# ------------------------------------------------------------------------------ profile
def profile(family: str, x: Any, batch: int, steps: int, reps: int) -> list[list[str]]:
    """Where a step's time goes: graph time of each step function on a fixed batch (no
    input pipeline, no Keras loop), next to the input pipelines alone."""
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


# ---------------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="alternating repetitions (default 5)")
    p.add_argument("--steps", type=int, default=60, help="timed steps per repetition")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--which", default="mlp,dcgan", help="comma list of mlp, dcgan")
    p.add_argument("--variants", default=None, help=f"comma list of {', '.join(ALL_VARIANTS)}")
    p.add_argument("--spe", type=int, default=8, help="steps_per_execution of spe/fastest")
    p.add_argument("--dcgan-steps", type=int, default=6, help="steps per rep for DCGAN")
    p.add_argument("--peak-size", type=int, default=2048, help="matmul size for the peak")
    p.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    p.add_argument("--profile", action="store_true", help="also time step functions alone")
    p.add_argument("--quick", action="store_true", help="synthetic 1,024-image data set")
    p.add_argument("--json", default=None, help="write all figures to this JSON file")
    p.add_argument("--cold-start", default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_family(family: str, args: argparse.Namespace, x: Any, peak: float) -> list[dict[str, Any]]:
    names = (args.variants or DEFAULT_VARIANTS[family]).split(",")
    for n in names:
        if n not in VARIANTS:
            raise SystemExit(f"unknown variant {n!r}; known: {', '.join(ALL_VARIANTS)}")
    steps = args.steps if family == "mlp" or args.dcgan_steps is None else args.dcgan_steps
    variants = [VARIANTS[n](family, x, args.batch_size, args.spe) for n in names]
    setup_s: dict[str, float] = {}
    for v in variants:
        start = time.perf_counter()
        v.setup()
        v.first_step()
        setup_s[v.name] = time.perf_counter() - start
        print(f"  {family}/{v.name}: set up and first step in {setup_s[v.name]:.1f} s", flush=True)
    checks = {}
    for v in variants:
        if isinstance(v, Classic):
            checks = v.check()
            print(f"  {family}/classic correctness: {checks}", flush=True)
    rates: dict[str, list[float]] = {v.name: [] for v in variants}
    for rep in range(args.reps):
        order = variants if rep % 2 == 0 else variants[::-1]
        for v in order:
            rates[v.name].append(steps / v.timed(steps))
        summary = ", ".join(f"{n} {r[-1]:.2f}" for n, r in rates.items())
        print(f"  rep {rep + 1}/{args.reps} steps/s: {summary}", flush=True)
    base_name = "classic" if "classic" in rates else names[0]
    base = median(rates[base_name])
    rows = []
    for v in variants:
        med = median(rates[v.name])
        gflops = v.flops * med / 1e9
        row: dict[str, Any] = {
            "family": family,
            "variant": v.name,
            "steps_per_s": rates[v.name],
            "median_steps_per_s": med,
            "ratio_to_" + base_name: med / base,
            "ratio_to_baseline": med / base,
            "step_gflop": v.flops / 1e9,
            "gflop_per_s": gflops,
            "fraction_of_peak": gflops / peak,
            "setup_and_first_step_s": setup_s[v.name],
        }
        if isinstance(v, Classic):
            row["classic_check"] = checks
        rows.append(row)
    if "fused_xla" in rates:
        ref = median(rates["fused_xla"])
        for row in rows:
            row["ratio_to_fused_xla"] = row["median_steps_per_s"] / ref
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.cold_start:
        family, variant = args.cold_start.split(":")
        print(json.dumps(cold_start(family, variant, args.batch_size, args.spe, args.quick)))
        return {}
    import numpy as np

    info = machine()
    print_header("ganlib throughput benchmark", info)
    x, source = load_images(args.quick)
    x = np.asarray(x)
    print(f"data: {source}, batch {args.batch_size}, steps_per_execution {args.spe}")
    peak_reps = 3 if args.quick else 10
    size = 512 if args.quick else args.peak_size
    peaks = matmul_peak(size, peak_reps)
    peak = max(peaks.values())
    print(
        f"fp32 matmul peak ({size}x{size}, best of {peak_reps}): "
        f"graph {peaks['graph']:.1f} GFLOP/s, XLA {peaks['xla']:.1f} GFLOP/s"
    )
    rows: list[dict[str, Any]] = []
    for family in args.which.split(","):
        print(f"{family}: alternating {args.reps} reps", flush=True)
        rows += run_family(family, args, x, peak)
    if args.profile:
        for family in args.which.split(","):
            print(f"{family}: steps/s of each piece alone (best of 3):", flush=True)
            steps = args.dcgan_steps if family == "dcgan" and args.dcgan_steps else args.steps
            table = profile(family, x, args.batch_size, steps, min(args.reps, 3))
            print(format_table(["piece", "steps/s"], table))
    if not args.no_cold:
        print("fresh-process runs (time to first step, peak memory):", flush=True)
        for row in rows:
            cold = cold_start_subprocess(row["family"], row["variant"], args)
            row.update(cold or {})
    peaks_after = matmul_peak(size, peak_reps)
    print(
        f"fp32 matmul peak after the runs: graph {peaks_after['graph']:.1f}, "
        f"XLA {peaks_after['xla']:.1f} GFLOP/s"
    )
    peak = max(peak, *peaks_after.values())
    for row in rows:
        row["fraction_of_peak"] = row["gflop_per_s"] / peak

    def fmt(value: Any, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    table = format_table(
        [
            "model",
            "variant",
            "steps/s (median)",
            "x classic",
            "x fused_xla",
            "GFLOP/step",
            "GFLOP/s",
            "% peak",
            "first step (s)",
            "peak RSS (MiB)",
        ],
        [
            [
                r["family"],
                r["variant"],
                fmt(r["median_steps_per_s"], ".2f"),
                fmt(r["ratio_to_baseline"], ".2f"),
                fmt(r.get("ratio_to_fused_xla"), ".2f"),
                fmt(r["step_gflop"], ".2f"),
                fmt(r["gflop_per_s"], ".1f"),
                fmt(100 * r["fraction_of_peak"], ".0f"),
                fmt(r.get("first_step_s"), ".1f"),
                fmt(r.get("peak_rss_mib"), ".0f"),
            ]
            for r in rows
        ],
    )
    print(table)
    print(
        f"peak = best matmul GFLOP/s (graph or XLA, before or after) = {peak:.1f}; load now ",
        end="",
    )
    print(f"{os.getloadavg()[0]:.2f}")
    payload = {
        "command": " ".join(sys.argv),
        "machine": info,
        "data": source,
        "matmul_peak_gflops": peaks,
        "matmul_peak_after_gflops": peaks_after,
        "rows": rows,
        "load_at_end": f"{os.getloadavg()[0]:.2f}",
    }
    if args.json:
        write_json(args.json, payload)
    return payload


if __name__ == "__main__":
    main()
