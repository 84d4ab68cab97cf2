"""MNIST recipes for issue 12's target: variants named by tokens, step budgets, speed ratio.

Used by `benchmarks/mnist_recipe.py` (jobs `speed` and `run`). A variant is a `+`-joined
list of tokens, the first naming the pair, the rest one change each:

    mlp    the README pair: MLPGenerator/MLPDiscriminator, NonSaturating(real_label=0.9)
    dcN    DCGANGenerator/DCGANDiscriminator with base_filters=N (BatchNorm), NonSaturating()
    aug    DiffAugment("translation,cutout")     augc  DiffAugment("color,translation,cutout")
    ls     one-sided label 0.9 (the dcN pairs)   hinge Hinge loss
    r1     R1Penalty(1.0) (`r1x10`: weight 10)   mbstd minibatch-stddev in D
    b64    batch 64                              b0    Adam betas (0, 0.99)
    ttur   G lr 1e-4, D lr 4e-4                  lr1   G and D lr 1e-4
    decay  learning rates decay linearly to 0 over the run

Every variant trains with `jit_compile=True, steps_per_execution=8` on `data.DeviceData`, seed
0 by default, with `GeneratorEMA(ema)` attached and a second, shorter average (`ShadowEMA`,
decay `--ema2`) kept beside it, so one run scores raw, EMA and EMA2 weights.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

PAIRS = ("mlp", "dc8", "dc16", "dc24", "dc32", "dc64")
TOKENS = ("aug", "augc", "ls", "hinge", "r1", "r1x10", "mbstd", "b64", "b0", "ttur", "lr1", "decay")


def parse(variant: str) -> tuple[str, set[str]]:
    """``"dc16+aug+ls"`` -> ``("dc16", {"aug", "ls"})``; unknown tokens are an error."""
    pair, *changes = variant.split("+")
    if pair not in PAIRS or any(t not in TOKENS for t in changes):
        raise ValueError(f"unknown variant {variant!r}: pairs {PAIRS}, tokens {TOKENS}")
    return pair, set(changes)


def batch_size(variant: str) -> int:
    """128, or 64 with the ``b64`` token."""
    return 64 if "b64" in parse(variant)[1] else 128


def build(variant: str, seed: int, steps: int) -> Any:
    """A compiled GANTrainer for `variant` (`steps`: the run's length, for ``decay``)."""
    import keras

    from ganlib import GANTrainer, augment, losses, models, optimizers

    pair, t = parse(variant)
    keras.utils.set_random_seed(seed)
    if pair == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1), minibatch_stddev="mbstd" in t).build()
        label = 0.9
    else:
        width = int(pair[2:])
        g = models.DCGANGenerator(latent_dim=100, base_filters=width).build()
        d = models.DCGANDiscriminator(base_filters=width, minibatch_stddev="mbstd" in t).build()
        label = 0.9 if "ls" in t else 1.0
    loss = losses.Hinge() if "hinge" in t else losses.NonSaturating(real_label=label)
    extra: dict[str, Any] = {}
    if "aug" in t or "augc" in t:
        policy = "color,translation,cutout" if "augc" in t else "translation,cutout"
        extra["augment"] = augment.DiffAugment(policy)
    if "r1" in t or "r1x10" in t:
        extra["penalties"] = [losses.R1Penalty(10.0 if "r1x10" in t else 1.0)]
    trainer = GANTrainer(g, d, loss=loss, seed=seed, **extra)
    g_lr, d_lr = (1e-4, 4e-4) if "ttur" in t else (1e-4, 1e-4) if "lr1" in t else (2e-4, 2e-4)
    rates: list[Any] = [g_lr, d_lr]
    if "decay" in t:
        rates = [keras.optimizers.schedules.PolynomialDecay(r, steps, r * 0.01) for r in rates]
    betas = {"beta_1": 0.0, "beta_2": 0.99} if "b0" in t else {}
    opts = optimizers.dcgan(g_learning_rate=rates[0], d_learning_rate=rates[1], **betas)
    trainer.compile(*opts, jit_compile=True, steps_per_execution=8)
    return trainer


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
