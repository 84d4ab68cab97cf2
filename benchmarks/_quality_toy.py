"""2-D part of benchmarks/quality.py: PacGAN's ring and grid, configurations and one run.

The samplers' scores and the table beside PacGAN's are in `_toy_scores`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from _toy_scores import drs_scores, refined_discriminator


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
    pack: int = 1
    drs_gammas: tuple[float, ...] = ()
    drs_refine: tuple[int | str, ...] = ()  # steps; "2000f": against fresh generator samples
    drs_ascent: tuple[int, ...] = ()  # after DRS through a refined D: steps up its logit
    betas: tuple[float, float] | None = None
    d_lr_scale: float = 1.0
    device_data: bool = False
    description: str = ""


_BEST = (
    "MLP 128x3 (LeakyReLU 0.2, linear output, no BN); non-saturating loss + R1Penalty(0.01); "
    "dcgan preset at lr 1e-3 decayed linearly to 1e-5; batch 256; GeneratorEMA(0.999)"
)
_Z2 = ToyConfig(
    "ganlib_z2",
    description=_BEST + "; z=2",
    latent_dim=2,
    hidden=(128, 128, 128),
    r1=0.01,
    preset_overrides={"learning_rate": 1e-3},
    lr_decay=True,
    steps=20_000,
)
_TTUR = replace(
    _Z2,
    name="grid_ttur_drs",
    description=_BEST + "; z=2; Adam betas (0, 0.99), D lr 2x G lr (TTUR); "
    "data.DeviceData, jit_compile, steps_per_execution=100; DRS gamma 0 and 0.5",
    spe=100,
    betas=(0.0, 0.99),
    d_lr_scale=2.0,
    device_data=True,
    drs_gammas=(0.0, 0.5),
)
_RING = ToyConfig(
    "ganlib",
    description=_BEST + "; z=16",
    hidden=(128, 128, 128),
    r1=0.01,
    preset_overrides={"learning_rate": 1e-3},
    lr_decay=True,
    steps=20_000,
)
TOY_CONFIGS = {
    c.name: c
    for c in (
        _RING,
        _Z2,
        _TTUR,
        replace(
            _TTUR,
            name="grid_refined_drs",
            description=_TTUR.description.split("; DRS")[0]
            + "; DRS gamma 0 and 1 through the final D and through a copy refined 2,000 steps on "
            "the frozen EMA generator, then 10 steps up the refined D's logit",
            drs_gammas=(0.0, 1.0),
            drs_refine=(2000,),
            drs_ascent=(10,),
        ),
        replace(
            _RING,
            name="ring_refined_drs",
            description=_BEST
            + "; z=16; data.DeviceData, jit_compile, steps_per_execution=100; DRS gamma 0 "
            "through the final D and through a copy refined 2,000 steps on the frozen EMA "
            "generator",
            spe=100,
            device_data=True,
            drs_gammas=(0.0,),
            drs_refine=(2000,),
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
DEFAULT_TOY = {"ring": "ring_refined_drs", "grid": "grid_refined_drs"}


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
    d = models.MLPDiscriminator(
        input_shape=(2,), hidden_units=config.hidden[::-1], pack=config.pack
    ).build()
    extras: dict[str, Any] = {}
    if config.pack > 1:
        import inspect

        if "pack" in inspect.signature(GANTrainer.__init__).parameters:
            extras["pack"] = config.pack
        else:  # until GANTrainer packs itself: penalties would see unpacked inputs
            d = models.packed(d, config.pack)
    loss = losses.get(config.loss)
    if config.real_label != 1.0:
        loss = losses.NonSaturating(real_label=config.real_label)
    penalties: list[Any] = [losses.R1Penalty(weight=config.r1)] if config.r1 else []
    if config.gp:
        penalties.append(losses.GradientPenalty(weight=config.gp))
    trainer = GANTrainer(
        g, d, loss=loss, penalties=penalties, d_steps=config.d_steps, seed=seed, **extras
    )
    overrides = dict(config.preset_overrides)
    if config.betas is not None:
        overrides["beta_1"], overrides["beta_2"] = config.betas
    if config.lr_decay:
        preset = optimizers.PRESETS[config.preset]
        overrides.pop("learning_rate", None)
        for net in ("g", "d"):
            rate = config.preset_overrides.get(
                "learning_rate", getattr(preset, f"{net}_learning_rate")
            )
            rate *= config.d_lr_scale if net == "d" else 1.0
            updates = steps * (config.d_steps if net == "d" else 1)
            overrides[f"{net}_learning_rate"] = keras.optimizers.schedules.PolynomialDecay(
                rate, updates, end_learning_rate=rate / 100
            )
    trainer.compile(
        *optimizers.get(config.preset, **overrides),
        steps_per_execution=min(config.spe, steps),
        jit_compile=config.device_data,
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
    x = mixture.sample(100_000, seed=seed).astype("float32")
    steps = config.steps if steps is None else steps
    spe = min(config.spe, steps)
    steps = max(spe, steps // spe * spe)
    trainer, ema = build_toy(config, seed, steps)
    if config.device_data:  # batches drawn inside the compiled step
        ds = data.DeviceData(x, batch_size=config.batch, seed=seed)
    else:
        ds = (
            tf.data.Dataset.from_tensor_slices(x)
            .shuffle(len(x), seed=seed)
            .repeat()
            .batch(config.batch, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE)
        )
    start = time.perf_counter()
    order = {} if config.device_data else {"shuffle": False}  # DeviceData draws its own order
    trainer.fit(
        ds, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[ema] if ema else [], **order
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
    out["samplers"] = {"": "EMA"}
    if config.pack > 1:  # a packed D judges packs: no discriminator-driven sampling
        return out
    for gamma in config.drs_gammas:
        out.update(
            drs_scores(trainer, trainer.discriminator, mixture, seed, gamma, f"drs{gamma:g}_")
        )
        out["samplers"][f"drs{gamma:g}_"] = f"EMA + DRS gamma={gamma:g}"
    for refine in config.drs_refine:  # each a fresh copy of the final D
        start = time.perf_counter()
        fresh = str(refine).endswith("f")
        refined = refined_discriminator(trainer, x, seed, int(str(refine).rstrip("f")), fresh)
        out[f"refine{refine}_seconds"] = time.perf_counter() - start
        against = "fresh generator samples" if fresh else "a pool of 100,000"
        for gamma in config.drs_gammas:
            key = f"r{refine}drs{gamma:g}_"
            label = (
                f"EMA + D refined {str(refine).rstrip('f')} steps ({against}) + DRS gamma={gamma:g}"
            )
            out.update(drs_scores(trainer, refined, mixture, seed, gamma, key, config.drs_ascent))
            out["samplers"][key] = label
            for steps_up in config.drs_ascent:
                out["samplers"][f"{key}a{steps_up}_"] = f"{label} + {steps_up} ascent steps"
    return out


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
