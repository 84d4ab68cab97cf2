"""The default recipes of `ganlib train`: the settings `benchmarks/quality.py` found best.

`ganlib train ring` and `ganlib train grid` (and any other vector data) start from
`point_recipe(kind)`; every field is also a command-line option, and an option given on the
command line wins. docs/benchmarks.md has the ablation behind each value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ganlib.cli.config import RunConfig

__all__ = ["PointRecipe", "optimizer_overrides", "point_recipe", "trainer_extras"]


@dataclass(frozen=True)
class PointRecipe:
    """Defaults of `ganlib train` for vector data (2-D mixtures).

    The networks are MLPs with `hidden_units` (LeakyReLU `negative_slope`, no BatchNorm, a
    linear generator output); Adam from the DCGAN preset at `lr`, decayed linearly to
    `lr / 100` over the run when `lr_decay`; `R1Penalty(r1)` on the discriminator; a
    `GeneratorEMA(0.999)` when `ema`; PacGAN packing of `pack` samples when `pack > 1`.

    Example:
        >>> recipe = point_recipe("grid")
        >>> recipe.ema, recipe.lr_decay
        (True, True)
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
    pack: int = 1


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
)
_RECIPES = {"ring": _RING, "grid": _GRID}


def point_recipe(kind: str) -> PointRecipe:
    """The recipe for a vector data set of `kind` (`ring`, `grid`; other vector data: the grid's).

    Example:
        >>> point_recipe("ring").hidden_units
        (128, 128, 128)
    """
    return _RECIPES.get(kind, _GRID)


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
    if not config.lr_decay:
        return {} if config.lr is None else {"learning_rate": float(config.lr)}
    import keras

    total = max(1, config.total_steps)
    return {
        f"{net}_learning_rate": keras.optimizers.schedules.PolynomialDecay(
            rate, total * (config.d_steps if net == "d" else 1), end_learning_rate=rate / 100
        )
        for net, rate in rates.items()
    }


def trainer_extras(config: RunConfig) -> dict[str, Any]:
    """`GANTrainer` keyword arguments for `--pack` and `--augment` (empty when unused).

    Example:
        >>> trainer_extras(RunConfig(dataset="ring", kind="ring"))
        {}
    """
    extras: dict[str, Any] = {}
    if config.pack > 1:
        extras["pack"] = config.pack
    if config.augment and config.augment != "none":
        from ganlib.augment import DiffAugment

        extras["augment"] = DiffAugment(config.augment)
    return extras
