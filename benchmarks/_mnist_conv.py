"""MNIST recipes for issue 12's target: variants named by tokens, step budgets, speed ratio.

Used by `benchmarks/mnist_recipe.py` (jobs `speed` and `run`). A variant is a `+`-joined
list of tokens, the first naming the pair, the rest one change each (the
list: `benchmarks/_mnist_variants.py`, which parses and builds them).

Every variant trains with `jit_compile=True` (``nojit``: False), `steps_per_execution=8` on
`data.DeviceData`, seed 0 by default, with `GeneratorEMA(ema)` attached and a second, shorter
average (`ShadowEMA`, decay `--ema2`) kept beside it, so one run scores raw, EMA and EMA2
weights; `run` prints the CPU seconds of the steps (`train_cpu_s`, scoring excluded).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import numpy as np
from _common import past
from _mnist_variants import batch_size, build


class ShadowEMA:
    """A second exponential average of the generator's trainable weights, kept in numpy.

    Updated at each epoch end with ``decay**steps`` since the last update (an epoch of 78
    steps against a horizon of 100-200 steps: a coarse average, stated in the docs).
    """

    def __init__(self, trainer: Any, decay: float) -> None:
        self.trainer, self.decay = trainer, decay
        self.avg = [np.array(w) for w in trainer.generator.get_weights()]
        self.last = int(trainer.step_counter.numpy())

    def update(self) -> None:
        step = int(self.trainer.step_counter.numpy())
        k = self.decay ** max(step - self.last, 0)
        self.last = step
        weights = self.trainer.generator.get_weights()
        trainable = {id(v) for v in self.trainer.generator.trainable_weights}
        flags = [id(v) in trainable for v in self.trainer.generator.weights]
        self.avg = [
            k * a + (1 - k) * w if f else w
            for a, w, f in zip(self.avg, weights, flags, strict=True)
        ]

    def sample(self, n: int, seed: int) -> Any:
        """Samples with the averaged weights (the generator's own are restored after)."""
        own = self.trainer.generator.get_weights()
        self.trainer.generator.set_weights(self.avg)
        try:
            return self.trainer.sample(n, seed=seed, use_ema=False)
        finally:
            self.trainer.generator.set_weights(own)


class Tempered:
    """Samples of `trainer`'s generator (inference mode, its current weights) with the whole
    latent scaled by `temperature`: ``t * z`` for N(0, 1) noise ``z`` (truncated at `truncation`
    first, when given), drawn as `trainer.sample` draws it. For `InfoGANTrainer` the code (the
    argmax of the first entries) keeps its distribution and only the other noise widens."""

    def __init__(self, trainer: Any, temperature: float, truncation: float | None = None) -> None:
        import tensorflow as tf

        self.temperature, self.truncation = float(temperature), truncation
        self.trainer, self.latent = trainer, tuple(trainer.latent_shape)
        self._call = tf.function(lambda z: trainer.generate(z, None, False), reduce_retracing=True)

    def sample(self, n: int, seed: int, batch_size: int = 256) -> Any:
        """`n` float32 samples from the noise of `seed` (`trainer.sample`'s noise at t = 1)."""
        import tensorflow as tf

        from ganlib.sampling import generate, truncated_normal

        def call(zb: np.ndarray, labels: None) -> Any:
            return self._call(tf.constant(zb))

        z = truncated_normal(np.random.default_rng(seed), (n, *self.latent), self.truncation)
        z = z * np.float32(self.temperature)
        return generate(self.trainer.generator, n, noise=z, batch_size=batch_size, call=call)[0]


def recalibrate_bn(
    trainer: Any, n: int = 10_000, seed: int = 40_000, labels: np.ndarray | None = None
) -> int:
    """Sets every BatchNorm layer's moving statistics of `trainer`'s generator to the batch
    statistics of one pass over `n` latents of `seed` (N(0, 1), through `trainer.generate`,
    with `labels` for a conditional generator).

    Layer by layer in order, as each normalises with its new statistics (momentum 0 for the
    pass, then restored). `GeneratorEMA` copies the raw generator's statistics beside the
    averaged weights; this gives the EMA weights their own. Returns the number of layers.
    """
    import keras
    import tensorflow as tf

    norms = [
        layer
        for layer in trainer.generator.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    momenta = [layer.momentum for layer in norms]
    z = np.random.default_rng(seed).standard_normal((n, *trainer.latent_shape)).astype("float32")
    try:
        for layer in norms:
            layer.momentum = 0.0
        trainer.generate(tf.constant(z), None if labels is None else tf.constant(labels), True)
    finally:
        for layer, momentum in zip(norms, momenta, strict=True):
            layer.momentum = momentum
    return len(norms)


def fit(trainer: Any, x: Any, steps: int, batch: int, seed: int, hooks: list[Any]) -> float:
    """Trains whole epochs up to >= `steps`; calls each hook(epoch) after an epoch. Minutes."""
    import keras

    from ganlib import callbacks, data

    class _Hooks(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            for hook in hooks:
                hook(epoch)

    per_epoch = len(x) // batch
    start = time.perf_counter()
    trainer.fit(
        data.DeviceData(x, batch_size=batch, seed=seed),
        epochs=-(-steps // per_epoch),
        verbose=0,
        callbacks=[callbacks.GeneratorEMA(0.999), _Hooks()],
    )
    return round((time.perf_counter() - start) / 60, 2)


def speed(variants: list[str], reps: int, steps: int, log: Any = print) -> dict[str, float]:
    """Steps/s of each variant, alternating in this process: `reps` rounds of `steps` each.

    The first round of each variant (XLA compilation) is a warm-up and not counted. Returns the
    median over the timed rounds, and logs one JSON line per round.
    """
    from ganlib import data

    x = data.load_mnist()
    trainers = {v: build(v, 0, 10**6) for v in variants}
    epochs = dict.fromkeys(variants, 0)
    times: dict[str, list[float]] = {v: [] for v in variants}
    # one DeviceData per variant for all rounds: a new one would retrace and recompile the step
    chunks = {
        v: data.DeviceData(x[: batch_size(v) * steps], batch_size=batch_size(v)) for v in variants
    }
    for rep in range(reps + 1):
        for v in variants:
            start = time.perf_counter()
            trainers[v].fit(chunks[v], epochs=epochs[v] + 1, initial_epoch=epochs[v], verbose=0)
            rate = steps / (time.perf_counter() - start)
            epochs[v] += 1
            if rep:
                times[v].append(rate)
            log(json.dumps({"variant": v, "round": rep, "steps_per_s": round(rate, 3)}))
    return {v: float(np.median(r)) for v, r in times.items()}


def speed_job(args: Any) -> None:
    """`mnist_recipe.py speed`: medians, and each variant's budget = `--budget` x speed ratio."""
    rates = speed(args.variants, args.reps, args.steps)
    base = rates[args.variants[0]]
    for v, r in rates.items():
        budget = round(args.budget * r / base)
        print(json.dumps({"variant": v, "median_steps_per_s": round(r, 3), "budget": budget}))


def save_weights(trainer: Any, path: Any) -> None:
    """Writes the generator's raw (``raw_i``) and EMA (``ema_i``) weights to one ``.npz``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"raw_{i}": np.asarray(w) for i, w in enumerate(trainer.generator.get_weights())}
    with trainer.ema_swapped(True):
        ema = trainer.generator.get_weights()
    arrays.update({f"ema_{i}": np.asarray(w) for i, w in enumerate(ema)})
    np.savez(path, **arrays)


def load_weights(trainer: Any, path: Any, weights: str) -> None:
    """Sets the generator to the ``raw`` or ``ema`` weights `save_weights` wrote to `path`."""
    with np.load(path) as f:
        count = sum(1 for k in f.files if k.startswith("raw_"))
        trainer.generator.set_weights([f[f"{weights}_{i}"] for i in range(count)])


def run(args: Any, score: Any, emit: Any) -> None:
    """`mnist_recipe.py run`: one training run of `args.variant`; raw, EMA and EMA2 rows.

    With ``--eval-at`` the raw and EMA weights are also scored at those steps (at the first
    epoch end at or after each; ``--screen-n`` samples): a screen row of the same run.
    `score(trainer, evaluator, n, seed, use_ema, samples=None)` scores one sample set and
    `emit(row)` prints it (both from mnist_recipe.py).
    """
    from pathlib import Path

    from ganlib import data, metrics
    from ganlib.callbacks import image_grid, write_png

    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    marks = sorted(int(s) for s in args.eval_at.split(",") if s)
    screen = marks and metrics.Evaluator(
        x, n=args.screen_n, metrics="fid,pr,score", keep=args.screen_n
    )
    trainer = build(args.variant, args.seed, args.steps)
    shadow = ShadowEMA(trainer, args.ema2)
    start = time.perf_counter()
    name = args.variant.replace("+", "_")

    def write(row: dict[str, Any], suffix: str) -> None:
        if args.images:
            path = Path(args.images) / f"mnist_{name}_{suffix}.png"
            write_png(path, image_grid(row["samples"], rows=8))

    def save(tag: str) -> None:  # raw and EMA generator weights, for `mnist_recipe.py truncate`
        if args.save:
            save_weights(trainer, Path(args.save) / f"{name}_seed{args.seed}_{tag}.npz")

    def progress(epoch: int) -> None:
        shadow.update()
        step, minutes = int(trainer.step_counter.numpy()), (time.perf_counter() - start) / 60
        if past(args.stop_at):
            trainer.stop_training = True  # Keras's own stop flag: rows report the steps reached
        if epoch % 5 == 4:
            cpu = round(time.process_time() - cpu0[0])  # this process's CPU s, less scoring
            print(json.dumps({"step": step, "min": round(minutes, 1), "cpu_s": cpu}), flush=True)
        while marks and step >= marks[0]:
            marks.pop(0)
            scoring = time.process_time()
            for weights in ("raw", "ema"):
                row = score(trainer, screen, args.screen_n, args.seed, weights == "ema")
                row["train_cpu_s"] = round(scoring - cpu0[0])
                emit({"variant": args.variant, "weights": weights, "screen": True, **row})
                write(row, f"{step}_{weights}")
            save(str(step))
            cpu0[0] += time.process_time() - scoring

    cpu0 = [time.process_time()]
    fit(trainer, x, args.steps, batch_size(args.variant), args.seed, [progress])
    save(str(int(trainer.step_counter.numpy())))
    train_cpu = round(time.process_time() - cpu0[0])  # CPU s of the steps (scoring excluded)
    for weights in ("raw", "ema", "ema2"):
        start = time.perf_counter()
        if weights == "ema2":
            row = score(trainer, evaluator, args.n, args.seed, False, samples=shadow)
        else:
            row = score(trainer, evaluator, args.n, args.seed, weights == "ema")
        row["eval_min"] = round((time.perf_counter() - start) / 60, 2)
        row["train_cpu_s"] = train_cpu
        emit({"variant": args.variant, "weights": weights, "seed": args.seed, **row})
        write(row, weights)
    if args.drs:  # DRS through the run's discriminator on the raw generator (`ablation`'s row)
        from mnist_recipe import drs_sampler

        sampler, calibrated = drs_sampler(trainer, x, args.seed, use_ema=False)
        row = score(trainer, evaluator, args.n, args.seed, False, rejection=sampler)
        row.update(accepted=round(float(sampler.acceptance_rate), 4), calibrated=calibrated)
        emit({"variant": args.variant, "weights": "drs", "seed": args.seed, **row})
        write(row, "drs")
    if args.floor:
        floor, floor_n = evaluator.floor()
        values = {k: round(float(v), 4) for k, (v, _) in floor.items()}
        print(json.dumps({"real_floor_n": floor_n, **values}), flush=True)


def truncate_job(args: Any, score: Any, emit: Any) -> None:
    """`mnist_recipe.py truncate`: the saved raw/EMA generator of a `run --save` file, sampled
    untruncated (``none``) and at each threshold of ``--psi`` (`sample(truncation=psi)`: every
    latent value with ``|z| > psi`` redrawn), each at every temperature of ``--temperature``
    (`Tempered`: the latent times t); one row per (weights, psi, t), same sample seed.
    ``--weights`` ``raw_bn`` / ``ema_bn``: those weights after `recalibrate_bn` (seed 40,000+)."""
    from pathlib import Path

    from ganlib import data, metrics
    from ganlib.callbacks import image_grid, write_png

    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    trainer = build(args.variant, args.seed, 1)
    for weights in args.weights.split(","):
        load_weights(trainer, args.checkpoint, weights.removesuffix("_bn"))
        if weights.endswith("_bn"):  # e.g. ema_bn: the EMA weights with their own statistics
            recalibrate_bn(trainer, seed=40_000 + args.seed)
        for psi, t in itertools.product(args.psi.split(","), args.temperature.split(",")):
            cut = None if psi == "none" else float(psi)
            if float(t) == 1:
                row = score(trainer, evaluator, args.n, args.seed, False, truncation=cut)
            else:
                tempered = Tempered(trainer, float(t), cut)
                row = score(trainer, evaluator, args.n, args.seed, False, samples=tempered)
            del row["steps"], row["ema"]  # a fresh trainer's: the weights are the checkpoint's
            source = Path(args.checkpoint).name
            emit({"checkpoint": source, "weights": weights, "psi": psi, "t": t, **row})
            if args.images:
                path = Path(args.images) / f"mnist_truncation_{weights}_psi{psi}_t{t}.png"
                write_png(path, image_grid(row["samples"], rows=8))
    if args.floor:
        floor, floor_n = evaluator.floor()
        values = {k: round(float(v), 4) for k, (v, _) in floor.items()}
        print(json.dumps({"real_floor_n": floor_n, **values}), flush=True)
