"""How `ganlib train` fills the loss, optimizer preset, penalty weight and D steps (private).

Every number comes from `ganlib.optimizers.PRESETS` (and the penalty the preset names), none is
written here twice.
"""

from __future__ import annotations

_PRESET_LOSS = {"non_saturating": "ns", "hinge": "hinge", "wasserstein": "wgan-gp"}


def loss_and_preset(loss: str | None, preset: str | None) -> tuple[str, str, float]:
    """The CLI loss, optimizer preset and gradient-penalty weight from the given ones."""
    from ganlib import optimizers

    if preset is None:
        preset = "wgan_gp" if loss == "wgan-gp" else "dcgan"
    if loss is None:
        loss = _PRESET_LOSS.get(optimizers.PRESETS[preset].loss, "ns")
    return loss, preset, _wgan_gp_weight() if loss == "wgan-gp" else 0.0


def _wgan_gp_weight() -> float:
    """The gradient-penalty weight of the `wgan_gp` preset (10, Gulrajani et al. 2017)."""
    from ganlib import losses, optimizers

    penalty = optimizers.PRESETS["wgan_gp"].penalty
    return float(losses.get_penalty(penalty).weight) if penalty else 0.0


def default_d_steps(loss: str, preset: str) -> int:
    """Discriminator steps per generator step: the preset's (the `wgan_gp` one for WGAN-GP)."""
    from ganlib import optimizers

    steps = optimizers.PRESETS["wgan_gp" if loss == "wgan-gp" else preset].d_steps
    return int(steps)
