"""`ganlib train --arch infogan` (private): its builders, its trainer, its saved generator.

`--arch infogan` is Chen et al. 2016's MNIST networks (`ganlib.models.infogan`) at the widths
of `ganlib.cli.recipes.ImageRecipe`, trained by `InfoGANTrainer` as an unconditional GAN: the
argmax of the first `info_categories` latent entries is a random code the discriminator's Q
head recovers, the other entries reach G scaled by `info_noise_scale`. The run's
`generator.keras` holds that mapping (`ganlib.models.InfoGANLatent`) in front of G, so it is
sampled from plain N(0, I) latents like every other run's.
"""

from __future__ import annotations

from typing import Any

from ganlib.cli.config import RunConfig


def infogan_builders(config: RunConfig) -> tuple[Any, Any]:
    """`InfoGANGenerator` and `InfoGANDiscriminator` for the run (`--arch infogan`)."""
    from ganlib.cli.recipes import image_recipe
    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    shape = tuple(config.data_shape)  # checked by `ganlib.cli._imagerecipe.image_defaults`
    k = config.info_categories
    recipe = image_recipe(config.kind)
    filters, hidden = recipe.base_filters, recipe.hidden_units
    g = InfoGANGenerator(config.latent_dim, shape, base_filters=filters, hidden_units=hidden)
    d = InfoGANDiscriminator(
        shape,
        extra_outputs=k,
        base_filters=filters,
        hidden_units=hidden,
        q_hidden_units=recipe.q_hidden_units,
        batch_norm=not config.gp_weight,  # a gradient penalty is per sample: no batch statistics
    )
    return g, d


def trainer_type(config: RunConfig) -> tuple[Any, dict[str, Any]]:
    """The trainer class of the run (`InfoGANTrainer` for `--arch infogan`, else `GANTrainer`)
    and its extra keyword arguments (`ganlib.cli.recipes.trainer_extras`, the codes)."""
    from ganlib import GANTrainer
    from ganlib.cli.recipes import trainer_extras

    extras = trainer_extras(config)
    if config.arch != "infogan":
        return GANTrainer, extras
    from ganlib.auxiliary_trainers import InfoGANTrainer

    codes = {"num_categories": config.info_categories, "noise_scale": config.info_noise_scale}
    return InfoGANTrainer, {**extras, **codes}


def sampling_generator(trainer: Any) -> Any:
    """The model a run's `generator.keras` holds: the trainer's generator, behind
    `InfoGANLatent` for an `InfoGANTrainer` (`ganlib.models.with_infogan_latent`)."""
    from ganlib.auxiliary_trainers import InfoGANTrainer

    if not isinstance(trainer, InfoGANTrainer):
        return trainer.generator
    from ganlib.models import with_infogan_latent

    return with_infogan_latent(
        trainer.generator, trainer.num_categories, trainer.num_continuous, trainer.noise_scale
    )
