"""Sample quality: the PacGAN 2-D mixtures and MNIST, with ganlib's own parts only.

2-D protocol (Lin et al. 2018, "PacGAN", Table 1): ring of 8 and grid of 25 Gaussians
(`ganlib.data.ring_mixture` / `grid_mixture`), 10 seeds, 2,500 evaluation samples; modes
captured, high-quality fraction and reverse KL (`ganlib.metrics.mixture_metrics`) as
mean ± standard error, printed beside PacGAN's figures.

MNIST protocol: `ganlib.data.load_mnist()` (10,000 images from $GANLIB_DATA_DIR), a step
or wall-clock budget per configuration, 3 seeds, FID / precision / recall / classifier score
on the shipped MNIST classifier's features (`ganlib.metrics.Evaluator`, n = 10,000) with the
real-data floor. Each configuration is trained once per seed with a `GeneratorEMA` callback
attached, and evaluated twice: raw generator weights ("-") and EMA weights ("+ema"). EMA
only reads the weights, so both rows come from the same training run.

Full protocol (the defaults; about 2.5 hours of MNIST on 2 idle cores):
    python benchmarks/quality.py --json quality.json --images docs/img
The runs behind docs/benchmarks.md (2-D in full, MNIST reduced), and the smoke test:
    python benchmarks/quality.py --toy ring,grid --toy-seeds 10 --mnist none
    python benchmarks/quality.py --toy none --mnist all --seeds 1 --budget-minutes 3 --n 5000
    python benchmarks/quality.py --quick
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, machine, mean_se, print_header, write_json

#: PacGAN (Lin et al. 2018) Table 1: (modes, high-quality %, reverse KL).
PACGAN = {
    "ring": {"GAN": (6.3, 98.2, 0.45), "PacGAN4": (7.8, 95.9, 0.07)},
    "grid": {"GAN": (17.3, 94.8, 0.70), "PacGAN4": (24.8, 93.6, 0.04)},
}


# ---------------------------------------------------------------------------- 2-D mixtures
@dataclass(frozen=True)
class ToyConfig:
    """One 2-D setting: ganlib builders, a loss, penalties, an optimizer preset, EMA."""

    name: str
    latent_dim: int = 16
    hidden: tuple[int, ...] = (256, 256, 256)
    loss: str = "non_saturating"
    real_label: float = 1.0
    r1: float = 0.0
    gp: float = 0.0
    d_steps: int = 1
    preset: str = "dcgan"
    preset_overrides: dict[str, Any] = field(default_factory=dict)
    ema: float = 0.999
    ema_start: float = 0.0
    lr_decay: bool = False
    batch_norm: bool = False
    output: str | None = None
    steps: int = 4000
    batch: int = 256
    spe: int = 50
    description: str = ""


_BEST = (
    "MLP 128x3 (LeakyReLU 0.2, linear output, no BN); non-saturating loss + R1Penalty(0.01); "
    "dcgan preset at lr 1e-3 decayed linearly to 1e-5; batch 256; GeneratorEMA(0.999)"
)
TOY_CONFIGS = {
    c.name: c
    for c in (
        ToyConfig(
            "ganlib",
            description=_BEST + "; z=16",
            hidden=(128, 128, 128),
            r1=0.01,
            preset_overrides={"learning_rate": 1e-3},
            lr_decay=True,
            steps=20_000,
        ),
        ToyConfig(
            "ganlib_z2",
            description=_BEST + "; z=2",
            latent_dim=2,
            hidden=(128, 128, 128),
            r1=0.01,
            preset_overrides={"learning_rate": 1e-3},
            lr_decay=True,
            steps=20_000,
        ),
        ToyConfig(
            "seed_recipe",
            description="the classic MLP GAN (tanh output, BatchNorm, z=100), BCE real 0.9, "
            "dcgan preset, no EMA (PITFALLS #8)",
            latent_dim=100,
            real_label=0.9,
            hidden=(256, 512, 1024),
            batch_norm=True,
            output="tanh",
            ema=0.0,
            batch=100,
            steps=3000,
        ),
    )
}
#: The configuration each data set runs unless --toy-configs says otherwise (chosen from
#: single-seed trials, docs/benchmarks.md).
DEFAULT_TOY = {"ring": "ganlib", "grid": "ganlib_z2"}


def build_toy(config: ToyConfig, seed: int, steps: int) -> tuple[Any, Any]:
    """A GANTrainer for `config` (compiled) and its EMA callback (or None)."""
    import keras

    from ganlib import GANTrainer, callbacks, losses, models, optimizers

    keras.utils.set_random_seed(seed)
    g = models.MLPGenerator(
        latent_dim=config.latent_dim,
        output_shape=(2,),
        hidden_units=config.hidden,
        batch_norm=config.batch_norm,
        output_activation=config.output,
    ).build()
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=config.hidden[::-1]).build()
    loss = losses.get(config.loss)
    if config.real_label != 1.0:
        loss = losses.NonSaturating(real_label=config.real_label)
    penalties: list[Any] = [losses.R1Penalty(weight=config.r1)] if config.r1 else []
    if config.gp:
        penalties.append(losses.GradientPenalty(weight=config.gp))
    trainer = GANTrainer(g, d, loss=loss, penalties=penalties, d_steps=config.d_steps, seed=seed)
    overrides = dict(config.preset_overrides)
    if config.lr_decay:
        preset = optimizers.PRESETS[config.preset]
        overrides.pop("learning_rate", None)
        for net in ("g", "d"):
            rate = config.preset_overrides.get(
                "learning_rate", getattr(preset, f"{net}_learning_rate")
            )
            overrides[f"{net}_learning_rate"] = keras.optimizers.schedules.PolynomialDecay(
                rate, steps, end_learning_rate=rate / 100
            )
    trainer.compile(
        *optimizers.get(config.preset, **overrides), steps_per_execution=min(config.spe, steps)
    )
    ema = None
    if config.ema:
        ema = callbacks.GeneratorEMA(decay=config.ema, start_step=int(config.ema_start * steps))
    return trainer, ema


def run_toy(
    dataset: str,
    config: ToyConfig,
    seed: int,
    steps: int | None = None,
    image: Path | None = None,
) -> dict[str, Any]:
    """Trains on 100,000 mixture points (seeded) and scores 2,500 samples."""
    import numpy as np
    import tensorflow as tf

    from ganlib import data, metrics

    mixture = data.ring_mixture() if dataset == "ring" else data.grid_mixture()
    x = mixture.sample(100_000, seed=seed)
    steps = config.steps if steps is None else steps
    spe = min(config.spe, steps)
    steps = max(spe, steps // spe * spe)
    trainer, ema = build_toy(config, seed, steps)
    ds = (
        tf.data.Dataset.from_tensor_slices(x)
        .shuffle(len(x), seed=seed)
        .repeat()
        .batch(config.batch, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    start = time.perf_counter()
    trainer.fit(
        ds,
        epochs=1,
        steps_per_epoch=steps,
        verbose=0,
        shuffle=False,
        callbacks=[ema] if ema else [],
    )
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {
        "dataset": dataset,
        "config": config.name,
        "seed": seed,
        "steps": steps,
        "seconds": seconds,
    }
    for prefix, use_ema in (("raw_", False), ("", True)):
        samples = trainer.sample(2500, seed=10_000 + seed, use_ema=use_ema)
        m = metrics.mixture_metrics(samples, mixture)
        if image is not None and use_ema:
            scatter_png(image, samples, mixture.centers, 1.5 if dataset == "ring" else 5.5)
        nearest = np.sqrt(((samples[:, None, :] - mixture.centers[None]) ** 2).sum(-1)).min(1)
        out.update(
            {
                prefix + "within_10std": float(np.mean(nearest <= 10 * mixture.std)),
                prefix + "modes": m.modes_captured,
                prefix + "hq": m.high_quality_fraction,
                prefix + "reverse_kl": m.reverse_kl,
                prefix + "mode_counts": list(m.mode_counts),
            }
        )
    return out


def toy_table(results: list[dict[str, Any]]) -> str:
    """Mean ± SE per (dataset, config), beside PacGAN's Table 1."""
    rows = []
    for dataset in ("ring", "grid"):
        k = 8 if dataset == "ring" else 25
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in results:
            if r["dataset"] == dataset:
                groups.setdefault(r["config"], []).append(r)
        for name, rs in groups.items():
            modes = mean_se([r["modes"] for r in rs])
            hq = mean_se([100 * r["hq"] for r in rs])
            kl = mean_se([r["reverse_kl"] for r in rs])
            full = sum(r["modes"] == k for r in rs)
            good = sum(r["modes"] == k and r["hq"] >= 0.95 for r in rs)
            rows.append(
                [
                    dataset,
                    f"ganlib {name}",
                    len(rs),
                    f"{modes[0]:.2f} ± {modes[1]:.2f}",
                    f"{hq[0]:.1f} ± {hq[1]:.1f}",
                    f"{kl[0]:.3f} ± {kl[1]:.3f}",
                    f"{full}/{len(rs)}, {good}/{len(rs)}",
                    f"{sum(r['steps'] for r in rs) // len(rs)}",
                ]
            )
        for name, (m, h, kl_value) in PACGAN[dataset].items():
            rows.append([dataset, f"PacGAN paper: {name}", "-", m, h, kl_value, "-", "-"])
    return format_table(
        [
            "data",
            "method",
            "seeds",
            "modes (of 8 / 25)",
            "high quality %",
            "reverse KL",
            "all modes; all + HQ>=95%",
            "steps",
        ],
        rows,
    )


def scatter_png(
    path: str | Path, samples: Any, centers: Any, extent: float, size: int = 160
) -> None:
    """A small scatter plot as PNG: samples in white, mode centres as grey crosses."""
    import numpy as np

    from ganlib.callbacks import write_png

    image = np.zeros((size, size, 1), "uint8")

    def pixel(points: Any) -> tuple[Any, Any]:
        scaled = (np.asarray(points) + extent) / (2 * extent) * (size - 1)
        inside = np.all((scaled >= 0) & (scaled <= size - 1), axis=1)
        cols, rows = np.rint(scaled[inside]).astype(int).T
        return size - 1 - rows, cols

    r, c = pixel(centers)
    for dr in range(-2, 3):
        image[np.clip(r + dr, 0, size - 1), c] = 110
        image[r, np.clip(c + dr, 0, size - 1)] = 110
    r, c = pixel(samples)
    image[r, c] = 255
    write_png(path, image)


# ----------------------------------------------------------------------------------- MNIST
@dataclass(frozen=True)
class MnistConfig:
    """One MNIST setting built from ganlib parts."""

    name: str
    description: str
    family: str = "dcgan"
    loss: str = "non_saturating"
    real_label: float = 1.0
    spectral_norm: bool = False
    d_batch_norm: bool = True
    penalty: float = 0.0
    preset: str = "dcgan"
    preset_overrides: dict[str, Any] = field(default_factory=dict)
    d_steps: int = 1


MNIST_CONFIGS = {
    c.name: c
    for c in (
        MnistConfig(
            "classic_mlp",
            "MLP 256-512-1024 G (BN, tanh) / 1024-512-256 D, BCE with real label 0.9, dcgan preset",
            family="mlp",
            real_label=0.9,
        ),
        MnistConfig("dcgan_ns", "DCGAN G/D (BN), non-saturating loss, dcgan preset"),
        MnistConfig(
            "dcgan_hinge_sn",
            "DCGAN G, D with spectral norm and no BN, hinge loss, SN-GAN setting B "
            "(Adam 1e-4, betas 0.5/0.999, 1 D step)",
            loss="hinge",
            spectral_norm=True,
            d_batch_norm=False,
            preset="sngan",
            preset_overrides={"learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.999},
        ),
        MnistConfig(
            "wgan_gp",
            "DCGAN G, D without BN, Wasserstein + GradientPenalty(10), wgan_gp preset, 5 D steps",
            loss="wasserstein",
            d_batch_norm=False,
            penalty=10.0,
            preset="wgan_gp",
            d_steps=5,
        ),
    )
}


def build_mnist(config: MnistConfig, seed: int, jit: bool) -> Any:
    """A compiled GANTrainer for an MNIST configuration."""
    import keras

    from ganlib import GANTrainer, losses, models, optimizers

    keras.utils.set_random_seed(seed)
    if config.family == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1)).build()
    else:
        g = models.DCGANGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.DCGANDiscriminator(
            (28, 28, 1), spectral_norm=config.spectral_norm, batch_norm=config.d_batch_norm
        ).build()
    if config.loss == "non_saturating":
        loss = losses.NonSaturating(real_label=config.real_label)
    else:
        loss = losses.get(config.loss)
    penalties = [losses.GradientPenalty(weight=config.penalty)] if config.penalty else []
    trainer = GANTrainer(g, d, loss=loss, penalties=penalties, d_steps=config.d_steps, seed=seed)
    trainer.compile(
        *optimizers.get(config.preset, **config.preset_overrides),
        jit_compile=jit,
    )
    return trainer


def run_mnist(
    config: MnistConfig,
    seed: int,
    x: Any,
    evaluator: Any,
    budget_steps: int | None,
    budget_minutes: float | None,
    jit: bool,
    grid_dir: Path | None,
) -> list[dict[str, Any]]:
    """Trains one configuration within the budget; evaluates raw and EMA weights."""
    import keras
    import tensorflow as tf

    from ganlib import callbacks

    trainer = build_mnist(config, seed, jit)
    ema = callbacks.GeneratorEMA(decay=0.999)
    ds = (
        tf.data.Dataset.from_tensor_slices(x)
        .cache()
        .shuffle(len(x), seed=seed)
        .repeat()
        .batch(128, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )

    class Budget(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.steps = 0
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.steps += 1
            over_time = budget_minutes and time.perf_counter() - self.start > 60 * budget_minutes
            if over_time or (budget_steps and self.steps >= budget_steps):
                self.model.stop_training = True

    budget = Budget()
    max_steps = budget_steps or 10**9
    trainer.fit(
        ds,
        epochs=max(1, -(-max_steps // 100)),
        steps_per_epoch=min(100, max_steps),
        verbose=0,
        shuffle=False,
        callbacks=[ema, budget],
    )
    seconds = time.perf_counter() - budget.start
    rows = []
    for suffix, use_ema in (("", False), ("+ema", True)):
        samples = trainer.sample(evaluator.n, seed=20_000 + seed, use_ema=use_ema)
        report = evaluator.report(samples, floor=False)
        row: dict[str, Any] = {
            "config": config.name + suffix,
            "seed": seed,
            "steps": budget.steps,
            "seconds": seconds,
        }
        row.update({k: r.value for k, r in report.results.items()})
        rows.append(row)
        if grid_dir is not None and seed == 0:
            from ganlib.callbacks import image_grid, write_png

            write_png(
                grid_dir / f"bench_mnist_{config.name}{suffix.replace('+', '_')}.png",
                image_grid(samples[:64], rows=8),
            )
    return rows


def mnist_table(rows: list[dict[str, Any]], floor: dict[str, float], n: int, floor_n: int) -> str:
    """Mean ± SE over seeds per configuration, with the real-data floor."""
    names = ["fid", "precision", "recall", "classifier_score"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["config"], []).append(r)
    out = []
    for name, rs in groups.items():
        cells = [name, len(rs), sum(r["steps"] for r in rs) // len(rs)]
        cells.append(f"{sum(r['seconds'] for r in rs) / len(rs) / 60:.1f}")
        for metric in names:
            mean, se = mean_se([r[metric] for r in rs if metric in r])
            cells.append(f"{mean:.3g} ± {se:.2g}" if len(rs) > 1 else f"{mean:.3g}")
        out.append(cells)
    out.append(
        [f"real data (floor, n={floor_n})", "-", "-", "-"]
        + [f"{floor[m]:.3g}" if m in floor else "-" for m in names]
    )
    return format_table(
        ["config", "seeds", "steps", "minutes", f"FID (n={n})", "precision", "recall", "score"],
        out,
    )


# ------------------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--toy", default="ring,grid", help="2-D data sets (ring, grid) or 'none'")
    p.add_argument(
        "--toy-configs",
        default=None,
        help=f"of {', '.join(TOY_CONFIGS)} (default: ring {DEFAULT_TOY['ring']}, "
        f"grid {DEFAULT_TOY['grid']})",
    )
    p.add_argument("--toy-seeds", type=int, default=10)
    p.add_argument("--toy-steps", type=int, default=None, help="override the configs' steps")
    p.add_argument("--mnist", default="all", help="MNIST configs (comma list, all, none)")
    p.add_argument("--seeds", type=int, default=3, help="MNIST seeds")
    p.add_argument("--budget-steps", type=int, default=None, help="MNIST steps per config")
    p.add_argument("--budget-minutes", type=float, default=None, help="MNIST wall clock")
    p.add_argument("--n", type=int, default=10_000, help="MNIST evaluation samples")
    p.add_argument("--jit", action="store_true", help="MNIST training with jit_compile=True")
    p.add_argument("--images", default=None, help="write sample grids/scatters here")
    p.add_argument("--quick", action="store_true", help="smallest run (smoke test)")
    p.add_argument("--json", default=None, help="write all results to this JSON file")
    args = p.parse_args(argv)
    if args.quick:
        args.toy, args.toy_seeds, args.toy_steps = "ring", 1, 20
        args.mnist, args.seeds, args.budget_steps, args.n = "classic_mlp", 1, 3, 200
    if args.budget_steps is None and args.budget_minutes is None:
        args.budget_minutes = 10.0
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    info = machine()
    print_header("ganlib quality benchmark", info)
    images = Path(args.images) if args.images else None
    if images is not None:
        images.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {"machine": info, "command": " ".join(sys.argv)}
    toy_results: list[dict[str, Any]] = []
    datasets = [] if args.toy == "none" else args.toy.split(",")
    for dataset in datasets:
        for name in (args.toy_configs or DEFAULT_TOY[dataset]).split(","):
            config = TOY_CONFIGS[name]
            print(f"{dataset} / {name}: {config.description}", flush=True)
            for seed in range(args.toy_seeds):
                png = None
                if images is not None and seed == 0:
                    png = images / f"bench_{dataset}_{name}.png"
                r = run_toy(dataset, config, seed, args.toy_steps, png)
                toy_results.append(r)
                print(
                    f"  seed {seed}: modes {r['modes']}, HQ {100 * r['hq']:.1f}%, "
                    f"rKL {r['reverse_kl']:.3f} (raw weights: {r['raw_modes']}, "
                    f"{100 * r['raw_hq']:.1f}%), {r['steps']} steps in {r['seconds']:.0f} s",
                    flush=True,
                )
    if toy_results:
        print(toy_table(toy_results))
        payload["toy"] = toy_results
    names = [] if args.mnist == "none" else args.mnist.split(",")
    if names == ["all"]:
        names = list(MNIST_CONFIGS)
    if names:
        from ganlib import data, metrics

        x = data.load_mnist()
        evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
        floor_values, floor_n = evaluator.floor()
        floor = {k: v for k, (v, _) in floor_values.items()}
        budget = f"{args.budget_steps} steps" if args.budget_steps else f"{args.budget_minutes} min"
        print(f"MNIST: {len(x)} images, budget {budget}/config, n={args.n}", flush=True)
        rows: list[dict[str, Any]] = []
        for name in names:
            config = MNIST_CONFIGS[name]
            print(f"{name}: {config.description}", flush=True)
            for seed in range(args.seeds):
                new = run_mnist(
                    config,
                    seed,
                    x,
                    evaluator,
                    args.budget_steps,
                    args.budget_minutes,
                    args.jit,
                    images,
                )
                rows += new
                for r in new:
                    print(
                        f"  seed {seed} {r['config']}: FID {r['fid']:.2f}, precision "
                        f"{r['precision']:.3f}, recall {r['recall']:.3f}, score "
                        f"{r['classifier_score']:.2f} ({r['steps']} steps)",
                        flush=True,
                    )
        print(mnist_table(rows, floor, args.n, floor_n))
        payload["mnist"] = {"rows": rows, "floor": floor, "floor_n": floor_n, "n": args.n}
    if args.json:
        write_json(args.json, payload)
    return payload


if __name__ == "__main__":
    main()
