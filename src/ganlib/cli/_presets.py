"""How `ganlib train` names losses and fills the preset, penalty weight and D steps (private).

Loss names come from the losses registry (`ganlib.losses.LOSSES`): `--loss` takes any name or
alias `ganlib.losses.get` knows and stores its canonical name; the Wasserstein loss is trained
only with its gradient penalty and is named `wgan-gp`. Every number comes from
`ganlib.optimizers.PRESETS` (and the penalty the preset names), none is written here twice.
The registry imports TensorFlow, so it is read only when a loss name is given or checked.
"""

from __future__ import annotations

import argparse

WGAN_GP = "wgan-gp"
"""The command line's name for the Wasserstein loss with the gradient penalty."""
LEGACY_LOSSES = {"ns": "non_saturating", "lsgan": "least_squares"}
"""Loss names that `config.json` files of earlier versions hold, and their canonical names."""


def loss_names() -> list[str]:
    """The canonical `--loss` values: every registered GAN loss (Wasserstein as `wgan-gp`)."""
    from ganlib.losses.registry import LOSSES

    return sorted(WGAN_GP if name == "wasserstein" else name for name in LOSSES.names())


def loss_name(text: str) -> str:
    """argparse type of `--loss`: the canonical name of any spelling the registry accepts."""
    from ganlib.losses.registry import LOSSES
    from ganlib.registry import normalize_name

    if normalize_name(text) == normalize_name(WGAN_GP):
        return WGAN_GP
    if text and text in LOSSES:
        name = LOSSES.canonical_name(LOSSES.lookup(text))
        if name != "wasserstein":
            return name
        raise argparse.ArgumentTypeError(
            f"{text!r}: the command line trains the Wasserstein loss only with its gradient "
            f"penalty; use --loss {WGAN_GP}"
        )
    raise argparse.ArgumentTypeError(
        f"unknown value {text!r}; choose from {', '.join(loss_names())} "
        "(or an alias of ganlib.losses.get, such as ns or lsgan)"
    )


def registry_loss(name: str) -> str:
    """The `ganlib.losses.get` name of a stored `--loss` value."""
    return "wasserstein" if name == WGAN_GP else LEGACY_LOSSES.get(name, name)


def loss_and_preset(loss: str | None, preset: str | None) -> tuple[str, str, float]:
    """The CLI loss, optimizer preset and gradient-penalty weight from the given ones."""
    from ganlib import optimizers
    from ganlib.losses.registry import LOSSES

    if preset is None:
        preset = "wgan_gp" if loss == WGAN_GP else "dcgan"
    if loss is None:
        named = LOSSES.canonical_name(LOSSES.lookup(optimizers.PRESETS[preset].loss))
        loss = WGAN_GP if named == "wasserstein" else named
    return loss, preset, _wgan_gp_weight() if loss == WGAN_GP else 0.0


def _wgan_gp_weight() -> float:
    """The gradient-penalty weight of the `wgan_gp` preset (10, Gulrajani et al. 2017)."""
    from ganlib import losses, optimizers

    penalty = optimizers.PRESETS["wgan_gp"].penalty
    return float(losses.get_penalty(penalty).weight) if penalty else 0.0


def default_d_steps(loss: str, preset: str) -> int:
    """Discriminator steps per generator step: the preset's (the `wgan_gp` one for WGAN-GP)."""
    from ganlib import optimizers

    steps = optimizers.PRESETS["wgan_gp" if loss == WGAN_GP else preset].d_steps
    return int(steps)
