"""`ganlib train`'s image recipe (private): `ganlib.cli.recipes.image_recipe` applied to a new
run, and what `--arch infogan` (`ganlib.cli._infogan`) cannot train with.
"""

from __future__ import annotations

import argparse
from typing import Any

from ganlib.cli._setup import CLIError
from ganlib.cli.config import RunConfig


def _conflicts(config: RunConfig) -> list[str]:
    """The options of `config` that `--arch infogan` cannot train with."""
    found = []
    if config.conditional:
        found.append("--conditional (the code is drawn from the latent, not given)")
    if config.pack > 1:
        found.append(f"--pack {config.pack} (Q reads the code of single samples)")
    if config.preset == "sngan":
        found.append("--preset sngan (the paper discriminator has no spectral normalization)")
    if config.rejection in ("drs", "mh"):
        found.append(f"--rejection {config.rejection} (its discriminator returns code logits too)")
    return found


def image_defaults(args: argparse.Namespace, config: RunConfig) -> dict[str, Any]:
    """Applies the image recipe (`ganlib.cli.recipes.image_recipe`) to options not given; its
    sizes and length. With another `--arch` than the recipe's, or options the recipe's
    `infogan` cannot train with (`--conditional`, `--pack`, ...), the other images' recipe
    applies; `--arch infogan` with such options is refused."""
    from ganlib.cli.recipes import image_recipe

    recipe = image_recipe(config.kind)
    if (args.arch is not None and args.arch != recipe.arch) or (
        args.arch is None and recipe.arch == "infogan" and _conflicts(config)
    ):
        recipe = image_recipe("images")
    names = ["arch", "ema"]
    if config.preset == "dcgan":  # the recipe's rates refine this preset only
        names += ["lr", "d_lr_scale"]
    for name in names:
        if getattr(args, name) is None:
            setattr(config, name, getattr(recipe, name))
    if getattr(args, "sample_temperature", None) is None:
        config.sample_temperature = recipe.sample_temperature
    if getattr(args, "recalibrate_batch_norm", None) is None:  # measured on the EMA weights
        config.recalibrate_batch_norm = recipe.recalibrate_batch_norm and config.ema
    if config.arch == "infogan":
        _check_infogan(config, args.latent_dim or recipe.latent_dim, recipe.info_categories)
        config.info_categories = recipe.info_categories
        config.info_noise_scale = recipe.info_noise_scale
    return {
        "batch_size": recipe.batch_size,
        "latent_dim": recipe.latent_dim,
        "epochs": recipe.epochs,
        "steps": recipe.steps,
    }


def _check_infogan(config: RunConfig, latent_dim: int, categories: int) -> None:
    """`CLIError` for options, data and a latent size `--arch infogan` cannot train with."""
    conflicts = _conflicts(config)
    if conflicts:
        raise CLIError("--arch infogan cannot train with " + "; ".join(conflicts))
    shape = tuple(config.data_shape)  # images: vectors never reach the image recipe
    if len(shape) != 3 or shape[0] != shape[1] or shape[0] % 4:
        raise CLIError(
            f"--arch infogan needs square images whose side is a multiple of 4; "
            f"{config.dataset} holds samples of shape {shape}"
        )
    if latent_dim <= categories:
        raise CLIError(
            f"--arch infogan needs --latent-dim > {categories} (a {categories}-way code and "
            f"noise); received {latent_dim}"
        )
