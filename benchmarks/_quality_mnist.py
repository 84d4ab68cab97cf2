"""MNIST part of benchmarks/quality.py: configurations, one training run, the ablation table.

Every row carries the class coverage of its samples under the shipped MNIST classifier
(`ganlib.metrics.class_coverage`): how many digits get at least 5% of the samples and the
smallest share. A row can have a good FID while digits are missing; this column shows it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import format_table, mean_se


@dataclass(frozen=True)
class MnistConfig:
    """One MNIST setting built from ganlib parts (every field is a ganlib option)."""

    name: str
    description: str
    family: str = "dcgan"
    loss: str = "non_saturating"
    real_label: float = 1.0
    spectral_norm: bool = False
    d_batch_norm: bool = True
    penalty: float = 0.0
    r1: float = 0.0
    preset: str = "dcgan"
    preset_overrides: dict[str, Any] = field(default_factory=dict)
    d_steps: int = 1
    d_dropout: float = 0.0
    batch: int = 128
    ema: float = 0.999
    augment: str | None = None
    ada: bool = False
    pack: int = 1
    mbstd: bool = False


_README = "the README recipe: MLP pair, NonSaturating(real_label=0.9), dcgan preset, batch 128"
MNIST_CONFIGS = {
    c.name: c
    for c in (
        MnistConfig("classic_mlp", _README, family="mlp", real_label=0.9),
        MnistConfig(
            "mlp_d_dropout",
            _README + "; D dropout 0.3",
            family="mlp",
            real_label=0.9,
            d_dropout=0.3,
        ),
        MnistConfig(
            "mlp_lr1e-4",
            _README + "; lr 1e-4",
            family="mlp",
            real_label=0.9,
            preset_overrides={"learning_rate": 1e-4},
        ),
        MnistConfig("mlp_r1", _README + "; R1Penalty(10)", family="mlp", real_label=0.9, r1=10.0),
        MnistConfig(
            "mlp_diffaug",
            _README + "; DiffAugment translation,cutout",
            family="mlp",
            real_label=0.9,
            augment="translation,cutout",
        ),
        MnistConfig(
            "mlp_mbstd",
            _README + "; minibatch-stddev in D",
            family="mlp",
            real_label=0.9,
            mbstd=True,
        ),
        MnistConfig("mlp_pack2", _README + "; PacGAN pack=2", family="mlp", real_label=0.9, pack=2),
        MnistConfig(
            "mlp_diffaug_dropout",
            _README + "; DiffAugment translation,cutout; D dropout 0.3",
            family="mlp",
            real_label=0.9,
            augment="translation,cutout",
            d_dropout=0.3,
        ),
        MnistConfig("dcgan_ns", "DCGAN G/D (BN), non-saturating loss, dcgan preset"),
        MnistConfig(
            "dcgan_diffaug",
            "dcgan_ns + DiffAugment translation,cutout",
            augment="translation,cutout",
        ),
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
#: The configurations `--mnist all` runs (the original four of the protocol).
DEFAULT_MNIST = ("classic_mlp", "dcgan_ns", "dcgan_hinge_sn", "wgan_gp")


def _trainer_extras(config: MnistConfig, d: Any) -> tuple[Any, dict[str, Any]]:
    """The discriminator and GANTrainer arguments of the issue-12 blocks (augment=, pack=).

    Where `GANTrainer` takes no `pack=` yet, a packed discriminator is wrapped with
    `ganlib.models.packed` (fine without penalties: they would see unpacked inputs).
    """
    import inspect

    from ganlib import GANTrainer, models

    accepted = inspect.signature(GANTrainer.__init__).parameters
    extras: dict[str, Any] = {}
    if config.augment:
        from ganlib.augment import DiffAugment

        extras["augment"] = DiffAugment(config.augment, probability=0.0 if config.ada else 1.0)
    if config.pack > 1:
        if "pack" in accepted:
            extras["pack"] = config.pack
        else:
            d = models.packed(d, config.pack)
    return d, extras


def build_mnist(config: MnistConfig, seed: int, jit: bool, spe: int = 1) -> Any:
    """A compiled GANTrainer for an MNIST configuration."""
    import keras

    from ganlib import GANTrainer, losses, models, optimizers

    keras.utils.set_random_seed(seed)
    d_extra: dict[str, Any] = {"minibatch_stddev": True} if config.mbstd else {}
    if config.pack > 1:
        d_extra["pack"] = config.pack
    if config.family == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1), dropout=config.d_dropout, **d_extra).build()
    else:
        g = models.DCGANGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.DCGANDiscriminator(
            (28, 28, 1),
            spectral_norm=config.spectral_norm,
            batch_norm=config.d_batch_norm,
            **d_extra,
        ).build()
    if config.loss == "non_saturating":
        loss = losses.NonSaturating(real_label=config.real_label)
    else:
        loss = losses.get(config.loss)
    penalties: list[Any] = []
    if config.penalty:
        penalties.append(losses.GradientPenalty(weight=config.penalty))
    if config.r1:
        penalties.append(losses.R1Penalty(weight=config.r1))
    d, extras = _trainer_extras(config, d)
    trainer = GANTrainer(
        g, d, loss=loss, penalties=penalties, d_steps=config.d_steps, seed=seed, **extras
    )
    trainer.compile(
        *optimizers.get(config.preset, **config.preset_overrides),
        jit_compile=jit,
        steps_per_execution=spe,
    )
    return trainer


def score_samples(evaluator: Any, samples: Any) -> dict[str, Any]:
    """FID, precision, recall, classifier score and class coverage of `samples`."""
    from ganlib import metrics

    fake = evaluator.features(samples)
    values = {k: float(v) for k, (v, _) in evaluator.compare(evaluator.real_features, fake).items()}
    coverage = metrics.class_coverage(fake.probabilities)
    values.update(
        digits_covered=coverage.covered,
        smallest_share=coverage.smallest,
        largest_share=coverage.largest,
        shares=list(coverage.shares),
    )
    return values


def run_mnist(
    config: MnistConfig,
    seed: int,
    x: Any,
    evaluator: Any,
    budget_steps: int | None,
    budget_minutes: float | None,
    jit: bool,
    grid_dir: Path | None,
    spe: int = 1,
) -> list[dict[str, Any]]:
    """Trains one configuration within the budget; evaluates raw and EMA weights."""
    import keras
    import tensorflow as tf

    from ganlib import callbacks

    trainer = build_mnist(config, seed, jit, spe)
    ema = callbacks.GeneratorEMA(decay=config.ema)
    used: list[Any] = [ema]
    if config.ada:
        used.append(callbacks.AdaptiveAugmentation())
    ds = (
        tf.data.Dataset.from_tensor_slices(x)
        .cache()
        .shuffle(len(x), seed=seed)
        .repeat()
        .batch(config.batch, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )

    class Budget(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.steps = 0
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.steps = int(trainer.step_counter.numpy())  # callbacks run every `spe` steps
            over_time = budget_minutes and time.perf_counter() - self.start > 60 * budget_minutes
            if over_time or (budget_steps and self.steps >= budget_steps):
                self.model.stop_training = True

    budget = Budget()
    max_steps = budget_steps or 10**9
    per_epoch = 100 * spe
    trainer.fit(
        ds,
        epochs=max(1, -(-max_steps // per_epoch)),
        steps_per_epoch=min(per_epoch, max_steps),
        verbose=0,
        shuffle=False,
        callbacks=[*used, budget],
    )
    seconds = time.perf_counter() - budget.start
    rows = []
    for suffix, use_ema in (("", False), ("+ema", True)):
        samples = trainer.sample(evaluator.n, seed=20_000 + seed, use_ema=use_ema)
        row: dict[str, Any] = {
            "config": config.name + suffix,
            "seed": seed,
            "steps": budget.steps,
            "seconds": seconds,
        }
        row.update(score_samples(evaluator, samples))
        rows.append(row)
        if grid_dir is not None and seed == 0:
            from ganlib.callbacks import image_grid, write_png

            write_png(
                grid_dir / f"bench_mnist_{config.name}{suffix.replace('+', '_')}.png",
                image_grid(samples[:64], rows=8),
            )
    return rows


def real_floor(evaluator: Any) -> tuple[dict[str, Any], int]:
    """The real-data floor (real vs held-out real) with the real data's class coverage."""
    from ganlib import metrics

    values, floor_n = evaluator.floor()
    floor: dict[str, Any] = {k: v for k, (v, _) in values.items()}
    coverage = metrics.class_coverage(evaluator.real_features.probabilities)
    floor.update(
        digits_covered=coverage.covered,
        smallest_share=coverage.smallest,
        largest_share=coverage.largest,
    )
    return floor, floor_n


def format_row(r: dict[str, Any]) -> str:
    """One line per run: the metrics and the class coverage."""
    return (
        f"FID {r['fid']:.2f}, precision {r['precision']:.3f}, recall {r['recall']:.3f}, "
        f"score {r['classifier_score']:.2f}, digits >= 5%: {r['digits_covered']}/10, "
        f"smallest {100 * r['smallest_share']:.1f}%, largest {100 * r['largest_share']:.1f}% "
        f"({r['steps']} steps, {r['seconds'] / 60:.1f} min)"
    )


def mnist_table(rows: list[dict[str, Any]], floor: dict[str, Any], n: int, floor_n: int) -> str:
    """Mean ± SE over seeds per configuration, with the real-data floor; class coverage too."""
    names = ["fid", "precision", "recall", "classifier_score"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["config"], []).append(r)
    out = []
    for name, rs in groups.items():
        cells: list[Any] = [name, len(rs), sum(r["steps"] for r in rs) // len(rs)]
        cells.append(f"{sum(r['seconds'] for r in rs) / len(rs) / 60:.1f}")
        for metric in names:
            mean, se = mean_se([r[metric] for r in rs if metric in r])
            cells.append(f"{mean:.3g} ± {se:.2g}" if len(rs) > 1 else f"{mean:.3g}")
        cells.append(" ".join(str(r["digits_covered"]) for r in rs))
        cells.append(f"{100 * min(r['smallest_share'] for r in rs):.1f}")
        cells.append(f"{100 * max(r['largest_share'] for r in rs):.1f}")
        out.append(cells)
    out.append(
        [f"real data (floor, n={floor_n})", "-", "-", "-"]
        + [f"{floor[m]:.3g}" if m in floor else "-" for m in names]
        + [
            str(floor.get("digits_covered", "-")),
            f"{100 * floor['smallest_share']:.1f}" if "smallest_share" in floor else "-",
            f"{100 * floor['largest_share']:.1f}" if "largest_share" in floor else "-",
        ]
    )
    return format_table(
        [
            "config",
            "seeds",
            "steps",
            "minutes",
            f"FID (n={n})",
            "precision",
            "recall",
            "score",
            "digits >= 5% (per seed)",
            "smallest digit %",
            "largest digit %",
        ],
        out,
    )
