"""`GANTrainer`'s checkpoint protocol (private): its variable groups, compatibility, restore.

`GANCheckpoint` and `ganlib.checkpoint` save what `checkpoint_groups()` (from
`ganlib.state.TrainerState`, built on `core_checkpoint_groups()`) names; `restore` reads it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def core_groups(trainer: Any, networks: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The groups every trainer's checkpoint holds, in this order: each network's weights (by
    its name in `networks`), both optimizers' variables, the RNG state and step counter."""
    groups = {name: list(network.weights) for name, network in networks.items()}
    groups["g_optimizer"] = list(trainer.g_optimizer.variables)
    groups["d_optimizer"] = list(trainer.d_optimizer.variables)
    groups["trainer"] = [trainer.rng_state, trainer.step_counter]
    return groups


class TrainerCheckpoint:
    """Mixin of `GANTrainer`: the groups a checkpoint saves and the way back."""

    generator: Any
    discriminator: Any
    g_optimizer: Any
    d_optimizer: Any
    rng_state: Any
    step_counter: Any
    restored_epoch: int | None

    def core_checkpoint_groups(self) -> dict[str, list[Any]]:
        """Networks, optimizers and the trainer's RNG state and step counter, by group."""
        if self.g_optimizer is None or self.d_optimizer is None:
            raise ValueError("The trainer must be compiled before its state can be saved.")
        return core_groups(self, {"generator": self.generator, "discriminator": self.discriminator})

    def compat_config(self) -> dict[str, Any]:
        """JSON-able description checked when a checkpoint is restored into this trainer."""
        from ganlib.checkpoint import compat_config

        return compat_config(self)

    def restore(self, path: str | Path, strict: bool = True) -> int:
        """Restores a `GANCheckpoint` (a run directory or one `ckpt-*` folder).

        Restores both networks, both optimizers, the RNG state and EMA weights; returns the
        epoch to pass to `fit(..., initial_epoch=...)` (also kept as `restored_epoch`).
        `strict=False` allows a different loss configuration; shapes must always match.
        """
        from ganlib.checkpoint import restore_trainer

        if self.g_optimizer is None or self.d_optimizer is None:
            raise RuntimeError("Call compile() before restore(): optimizer state is restored too.")
        epoch = restore_trainer(self, path, strict=strict)
        self.restored_epoch = epoch
        return epoch
