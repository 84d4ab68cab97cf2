"""Mapping a trainer to and from checkpoint arrays (the file format is `checkpoint.format`).

`trainer_arrays` names every variable of a trainer by its `checkpoint_groups()` (`group/0000`,
...), `compat_config` describes what a checkpoint must share with the `GANTrainer` it is
restored into, `save_trainer` and `restore_trainer` write and read them. `GANCheckpoint` and
`GANTrainer.restore` call these; `ganlib.checkpoint` re-exports every name here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from ganlib._compat import flatten_layers
from ganlib.checkpoint.format import (
    CHECKPOINT_NAME,
    CheckpointError,
    read_checkpoint,
    read_latest_checkpoint,
    write_checkpoint,
)
from ganlib.state import TrainerState

__all__ = [
    "compat_config",
    "match_groups",
    "restore_trainer",
    "save_trainer",
    "trainer_arrays",
]


def _architecture(model: Any) -> dict[str, Any]:
    classes = [type(layer).__name__ for layer in flatten_layers(model)]
    return {
        "inputs": [list(t.shape[1:]) for t in getattr(model, "inputs", None) or []],
        "outputs": [list(t.shape[1:]) for t in getattr(model, "outputs", None) or []],
        "params": int(sum(int(np.prod(w.shape)) for w in model.weights)),
        "layers_sha256": hashlib.sha256("/".join(classes).encode()).hexdigest()[:16],
    }


def compat_config(trainer: Any) -> dict[str, Any]:
    """What a checkpoint must share with the trainer it is restored into (JSON-able).

    Per network: input/output shapes, parameter count, a hash of the layer class list; plus
    latent size, number of classes, the loss class and config and the optimizer classes.

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import compat_config
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> config = compat_config(trainer)
        >>> config["latent_dim"], config["generator"]["params"], config["loss"]["class"]
        (4, 10, 'NonSaturating')
    """
    get_config = getattr(trainer.loss_fn, "get_config", None)
    loss_config = get_config() if callable(get_config) else {}
    return {
        "generator": _architecture(trainer.generator),
        "discriminator": _architecture(trainer.discriminator),
        "latent_dim": trainer.latent_dim,
        "num_classes": trainer.num_classes,
        "loss": {
            "class": type(trainer.loss_fn).__name__,
            "config": json.loads(json.dumps(loss_config, default=str)),
        },
        "g_optimizer": type(trainer.g_optimizer).__name__,
        "d_optimizer": type(trainer.d_optimizer).__name__,
    }


def trainer_arrays(trainer: Any) -> dict[str, np.ndarray]:
    """All state of a compiled `GANTrainer` as named numpy arrays (`group/0000`, ...).

    The groups are `trainer.checkpoint_groups()` (the checkpoint protocol): for a `GANTrainer`
    generator, discriminator, g_optimizer, d_optimizer, trainer (RNG state and step counter),
    ema (once the trainer holds EMA weights) and `state:<name>` per `track_state` variable.

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import trainer_arrays
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> arrays = trainer_arrays(trainer)
        >>> arrays["generator/0000"].shape, arrays["trainer/0000"].tolist()
        ((4, 2), [0, 0])
    """
    return {
        f"{group}/{i:04d}": np.array(v.numpy())
        for group, variables in trainer.checkpoint_groups().items()
        for i, v in enumerate(variables)
    }


def save_trainer(
    trainer: Any,
    directory: str | Path,
    *,
    epoch: int,
    keep: int | None = None,
    arrays: dict[str, np.ndarray] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Writes a checkpoint of `trainer` after `epoch` completed epochs (see `write_checkpoint`).

    `arrays` (from `trainer_arrays`) avoids a second copy when the caller already holds them;
    `metadata` adds JSON fields to the manifest (`GANCheckpoint(monitor=)` records its value).

    Example:
        >>> import keras, tempfile
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import restore_trainer, save_trainer
        >>> def tiny():
        ...     g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        ...     d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        ...     trainer = GANTrainer(g, d, seed=0)
        ...     trainer.compile()
        ...     return trainer
        >>> run = tempfile.mkdtemp()
        >>> save_trainer(tiny(), run, epoch=3).name
        'ckpt-000000000'
        >>> restore_trainer(tiny(), run)
        3
    """
    if arrays is None:
        arrays = trainer_arrays(trainer)
    fields = {**(metadata or {}), "epoch": int(epoch), "config": trainer.compat_config()}
    step = int(trainer.step_counter.numpy())
    return write_checkpoint(directory, arrays, step=step, metadata=fields, keep=keep)


def _differences(saved: Any, current: Any, prefix: str = "") -> list[str]:
    if isinstance(saved, dict) and isinstance(current, dict):
        out: list[str] = []
        for key in sorted(set(saved) | set(current)):
            out += _differences(saved.get(key), current.get(key), f"{prefix}{key}.")
        return out
    return [] if saved == current else [f"{prefix[:-1]}: checkpoint {saved!r}, trainer {current!r}"]


def _by_group(arrays: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    groups: dict[str, dict[int, np.ndarray]] = {}
    for key, value in arrays.items():
        group, _, index = key.rpartition("/")
        groups.setdefault(group, {})[int(index)] = value
    return {g: [values[i] for i in sorted(values)] for g, values in groups.items()}


def restore_trainer(trainer: Any, path: str | Path, *, strict: bool = True) -> int:
    """Restores `trainer` from a checkpoint folder or the latest one in a run directory.

    Checks compatibility first and raises `CheckpointError` naming every difference; nothing is
    assigned unless everything matches. Returns the number of completed epochs.
    `GANTrainer.restore` calls it (see `save_trainer` for a round trip).

    Example:
        >>> import keras, tempfile
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import CheckpointError, restore_trainer
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> try:
        ...     restore_trainer(trainer, tempfile.mkdtemp())
        ... except CheckpointError as error:
        ...     print(str(error).split(" in ")[0])
        No complete checkpoint found
    """
    folder = Path(path)
    if CHECKPOINT_NAME.match(folder.name):
        manifest, arrays = read_checkpoint(folder)  # validated: nothing is assigned on error
    else:
        found = read_latest_checkpoint(folder, stacklevel=3)  # one checksum verification
        if found is None:
            raise CheckpointError(f"No complete checkpoint found in {folder}.")
        folder, manifest, arrays = found
    epoch = int(manifest.get("epoch", 0))
    saved, current = manifest.get("config", {}), trainer.compat_config()
    if not strict:
        saved = {k: v for k, v in saved.items() if k != "loss"}
        current = {k: v for k, v in current.items() if k != "loss"}
    diffs = _differences(saved, current)
    if diffs:
        raise CheckpointError(f"Checkpoint {folder} is incompatible: " + "; ".join(diffs))
    by_group = _by_group(arrays)
    groups = trainer.checkpoint_groups()
    owner = trainer if isinstance(trainer, TrainerState) else None
    optional = {g for g in set(groups) | set(by_group) if owner and owner.is_optional_group(g)}
    unknown = sorted(set(by_group) - set(groups) - optional)
    if unknown:
        raise CheckpointError(f"Checkpoint {folder}: groups {unknown} unknown to the trainer.")
    present = {g: v for g, v in groups.items() if g not in optional or g in by_group}
    for variable, value in match_groups(present, by_group, folder):
        variable.assign(value)
    if owner is not None:
        owner.keep_restored(
            {g: a for g, a in by_group.items() if g in optional and g not in groups}
        )
    return epoch


def match_groups(
    variables: dict[str, list[Any]], arrays: dict[str, list[np.ndarray]], where: Any
) -> list[tuple[Any, np.ndarray]]:
    """Pairs each variable with its array; raises `CheckpointError` on a count or shape mismatch.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.checkpoint import match_groups
        >>> v = keras.Variable(np.zeros(2))
        >>> [a.tolist() for _, a in match_groups({"g": [v]}, {"g": [np.ones(2)]}, "ckpt")]
        [[1.0, 1.0]]
    """
    pairs = []
    for group, group_vars in variables.items():
        values = arrays.get(group, [])
        if len(values) != len(group_vars):
            raise CheckpointError(
                f"Checkpoint {where}: {group} has {len(values)} arrays, the trainer "
                f"{len(group_vars)}."
            )
        for i, (variable, value) in enumerate(zip(group_vars, values, strict=True)):
            if tuple(value.shape) != tuple(variable.shape):
                raise CheckpointError(
                    f"Checkpoint {where}: {group}/{i:04d} has shape {value.shape}, the "
                    f"trainer's {variable.path} has {tuple(variable.shape)}."
                )
            pairs.append((variable, value))
    return pairs
