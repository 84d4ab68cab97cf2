"""The default recipes of `ganlib train`: the settings the benchmarks found best.

`ganlib train ring` and `ganlib train grid` (and any other vector data) start from
`point_recipe(kind)` (`benchmarks/quality.py`), `ganlib train mnist` and other images from
`image_recipe(kind)` (`benchmarks/mnist_recipe.py`); an option given on the command line wins.
docs/benchmarks.md has the ablation behind each value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ganlib.cli.config import RunConfig

__all__ = [
    "IMAGE_RECIPE_OPTIONS",
    "POINT_RECIPE_OPTIONS",
    "ImageRecipe",
    "PointRecipe",
    "image_recipe",
    "optimizer_overrides",
    "point_recipe",
    "trainer_extras",
]

POINT_RECIPE_OPTIONS = (
    "ema", "lr_decay", "r1", "r1_every", "pack", "rejection", "rejection_gamma", "rejection_refine",
    "rejection_ascent", "rejection_bins",
)  # fmt: skip
"""Recipe fields that `ganlib train` applies to vector data when the option is not given (with
the `dcgan` preset also `lr`, `beta_1`, `beta_2` and `d_lr_scale`)."""


@dataclass(frozen=True)
class PointRecipe:
    """Defaults of `ganlib train` for vector data (2-D mixtures).

    The networks are MLPs with `hidden_units` (LeakyReLU `negative_slope`, no BatchNorm, a
    linear generator output); Adam from the DCGAN preset at `lr` with betas `beta_1`,
    `beta_2` (None: the preset's) and `d_lr_scale * lr` for the discriminator, both decayed
    linearly to 1/100 over the run when `lr_decay`; `R1Penalty(r1)` on the discriminator, taken
    every `r1_every` steps with weight x `r1_every` (lazy R1, `GANTrainer(penalty_every=...)`); a
    `GeneratorEMA(0.999)` when `ema`; PacGAN packing of `pack` samples when `pack > 1`.
    `rejection` (`"drs"`, `"mh"` or None) is the discriminator-driven sampler that
    `ganlib sample`, `ganlib evaluate` and the end-of-training summary use by default, with
    DRS's `rejection_gamma`, its discriminator first refined `rejection_refine` steps on the
    final generator (`ganlib.sampling.refine_discriminator`; 0: not refined), a refined
    discriminator calibrated by Platt scaling (`rejection_bins` 0) or bin by bin in
    `rejection_bins` bins (`ganlib.sampling.BinnedCalibration`; the grid: 50), and the samples
    then moved `rejection_ascent` gradient steps up that discriminator's logit
    (`ganlib.sampling.discriminator_ascent`; 0: not moved).

    Example:
        >>> recipe = point_recipe("ring")
        >>> recipe.ema, recipe.lr_decay, recipe.rejection, recipe.rejection_refine
        (True, True, 'drs', 6000)
    """

    latent_dim: int
    batch_size: int
    steps: int
    hidden_units: tuple[int, ...]
    negative_slope: float
    lr: float
    lr_decay: bool
    r1: float
    ema: bool
    r1_every: int = 1
    pack: int = 1
    beta_1: float | None = None
    beta_2: float | None = None
    d_lr_scale: float = 1.0
    rejection: str | None = None
    rejection_gamma: float = 0.0
    rejection_refine: int = 0
    rejection_ascent: int = 0
    rejection_bins: int = 0


_RING = PointRecipe(
    latent_dim=16,
    batch_size=256,
    steps=20_000,
    hidden_units=(128, 128, 128),
    negative_slope=0.2,
    lr=1e-3,
    lr_decay=True,
    r1=0.01,
    ema=True,
    rejection="drs",
    rejection_gamma=0.0,
    rejection_refine=6000,
)
_GRID = PointRecipe(
    latent_dim=2,
    batch_size=256,
    steps=20_000,
    hidden_units=(128, 128, 128),
    negative_slope=0.2,
    lr=1e-3,
    lr_decay=True,
    r1=0.01,
    ema=True,
    beta_1=0.0,
    beta_2=0.99,
    d_lr_scale=2.0,
    rejection="drs",
    rejection_gamma=0.0,
    rejection_refine=2000,
    rejection_ascent=10,
    rejection_bins=50,
)
# Other vector data: the grid's networks and schedule, without the grid-tuned optimizer
# settings and sampler (measured on the grid only).
_VECTORS = replace(
    _GRID,
    beta_1=None,
    beta_2=None,
    d_lr_scale=1.0,
    rejection=None,
    rejection_refine=0,
    rejection_ascent=0,
    rejection_bins=0,
)
_RECIPES = {"ring": _RING, "grid": _GRID}


def point_recipe(kind: str) -> PointRecipe:
    """The recipe for a vector data set of `kind` (`ring`, `grid`; other vector data: the grid's
    networks and schedule with the DCGAN preset's Adam settings and no sampler).

    Example:
        >>> point_recipe("ring").hidden_units
        (128, 128, 128)
    """
    return _RECIPES.get(kind, _VECTORS)


IMAGE_RECIPE_OPTIONS = (
    "arch", "batch_size", "latent_dim", "ema", "lr", "d_lr_scale", "recalibrate_batch_norm",
    "sample_temperature",
)  # fmt: skip
"""Recipe fields that `ganlib train` applies to image data when the option is not given (and
`epochs` or `steps` when neither `--epochs` nor `--steps` is); `lr` and `d_lr_scale` with the
`dcgan` preset only; `recalibrate_batch_norm` with the EMA only."""


@dataclass(frozen=True)
class ImageRecipe:
    """Defaults of `ganlib train` for images: the architecture and how it is trained.

    `arch` is a `--arch` choice; Adam from the DCGAN preset at `lr` (None: the preset's) for
    the generator and `d_lr_scale * lr` for the discriminator; a `GeneratorEMA(0.999)` when
    `ema`; `epochs` passes of batch `batch_size`, or `steps` steps when `epochs` is None. The
    `infogan` fields are the networks of `--arch infogan` (`InfoGANGenerator` /
    `InfoGANDiscriminator` at `base_filters`, `hidden_units`, Q head `q_hidden_units`) and
    its `InfoGANTrainer`: an
    `info_categories`-way code, the other noise scaled by `info_noise_scale`.
    `recalibrate_batch_norm`: the saved EMA generator's BatchNorm statistics are re-estimated
    from its own samples (`ganlib.sampling.recalibrate_batch_norm`). `sample_temperature`: the
    latent temperature `ganlib sample`/`evaluate`/`export` use (`with_temperature`).

    Example:
        >>> recipe = image_recipe("mnist")
        >>> recipe.arch, recipe.batch_size, recipe.lr, recipe.d_lr_scale, recipe.steps
        ('infogan', 64, 0.001, 0.2, 8007)
    """

    arch: str
    batch_size: int
    latent_dim: int
    epochs: int | None
    ema: bool
    steps: int | None = None
    lr: float | None = None
    d_lr_scale: float = 1.0
    base_filters: int = 32
    hidden_units: int = 256
    q_hidden_units: int = 64
    info_categories: int = 10
    info_noise_scale: float = 0.5
    recalibrate_batch_norm: bool = False
    sample_temperature: float = 1.0


# Today's image defaults, not measured as a recipe (fashion-mnist, folders, files, and
# mnist with another --arch, --conditional or --pack): the classic Keras MNIST MLP pair.
_IMAGES = ImageRecipe(arch="mlp", batch_size=64, latent_dim=100, epochs=10, ema=False)
# The InfoGAN paper networks trained as an unconditional GAN (`paper+info+b64+glr3`,
# examples/infogan_mnist.py): 8,007 steps, the measured 10-minute run (51 epochs of the 10,000
# local MNIST images; 8.5 epochs of the 60,000-image training split, at the same cost).
_MNIST = ImageRecipe(
    arch="infogan", batch_size=64, latent_dim=74, epochs=None, steps=8007, ema=True, lr=1e-3,
    d_lr_scale=0.2, recalibrate_batch_norm=True, sample_temperature=1.15,
)  # fmt: skip


def image_recipe(kind: str) -> ImageRecipe:
    """The recipe for an image data set of `kind` (`mnist`: the InfoGAN paper networks, the
    best MNIST recipe measured; other images: the MLP pair, as before any recipe).

    Example:
        >>> image_recipe("mnist").latent_dim, image_recipe("folder").arch
        (74, 'mlp')
    """
    return _MNIST if kind == "mnist" else _IMAGES


def optimizer_overrides(config: RunConfig) -> dict[str, Any]:
    """Keyword arguments for `ganlib.optimizers.get`: `--lr`, and `--lr-decay` as a schedule.

    With `lr_decay`, both learning rates decay linearly (a Keras `PolynomialDecay`) from their
    value to 1/100 of it over `total_steps` optimizer updates of the generator (the
    discriminator, updated `d_steps` times a step, decays over `d_steps * total_steps`).

    Example:
        >>> config = RunConfig(dataset="ring", kind="ring", lr=1e-3, total_steps=100)
        >>> optimizer_overrides(config)
        {'learning_rate': 0.001}
    """
    from ganlib import optimizers

    rates: dict[str, float] = {}
    preset = optimizers.PRESETS[config.preset]
    for net in ("g", "d"):
        rates[net] = float(config.lr or getattr(preset, f"{net}_learning_rate"))
    rates["d"] *= float(config.d_lr_scale)
    betas = {
        name: float(value)
        for name, value in (("beta_1", config.beta_1), ("beta_2", config.beta_2))
        if value is not None
    }
    if not config.lr_decay:
        if config.d_lr_scale != 1:
            return {"g_learning_rate": rates["g"], "d_learning_rate": rates["d"], **betas}
        return betas if config.lr is None else {"learning_rate": float(config.lr), **betas}
    import keras

    total = max(1, config.total_steps)
    return {
        **{
            f"{net}_learning_rate": keras.optimizers.schedules.PolynomialDecay(
                rate, total * (config.d_steps if net == "d" else 1), end_learning_rate=rate / 100
            )
            for net, rate in rates.items()
        },
        **betas,
    }


def trainer_extras(config: RunConfig) -> dict[str, Any]:
    """`GANTrainer` keyword arguments for `--pack`, `--augment`, `--r1-every` (empty when unused).

    Example:
        >>> trainer_extras(RunConfig(dataset="ring", kind="ring"))
        {}
    """
    extras: dict[str, Any] = {}
    if config.pack > 1:
        extras["pack"] = config.pack
    if config.r1_every > 1:
        extras["penalty_every"] = config.r1_every
    if config.augment and config.augment != "none":
        from ganlib.augment import DiffAugment

        extras["augment"] = DiffAugment(config.augment)
    return extras
