"""Crash-safe GAN checkpoints: the file format and the trainer mapping on top of it.

- `ganlib.checkpoint.format`: one directory per checkpoint holding named arrays and a manifest,
  written atomically and verified on load; it imports nothing else from ganlib.
- `ganlib.checkpoint.mapping`: a trainer's variables (its `checkpoint_groups()`) to and from
  those arrays, with the compatibility check.

Every public name of both is importable from here; the mapping names load on first use, so
reading or writing checkpoint files does not import Keras or TensorFlow.

Example:
    >>> import tempfile, numpy as np
    >>> from ganlib.checkpoint import latest_checkpoint, write_checkpoint
    >>> run = tempfile.mkdtemp()
    >>> write_checkpoint(run, {"w": np.ones(2)}, step=5) == latest_checkpoint(run)
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ganlib.checkpoint.format import (
    FORMAT_VERSION,
    CheckpointError,
    latest_checkpoint,
    list_checkpoints,
    read_checkpoint,
    read_latest_checkpoint,
    write_checkpoint,
)

if TYPE_CHECKING:
    from ganlib.checkpoint.mapping import (
        compat_config,
        match_groups,
        restore_trainer,
        save_trainer,
        trainer_arrays,
    )
    from ganlib.distribute import is_chief

_MAPPING = ("compat_config", "match_groups", "restore_trainer", "save_trainer", "trainer_arrays")

__all__ = [
    "FORMAT_VERSION",
    "CheckpointError",
    "compat_config",
    "is_chief",
    "latest_checkpoint",
    "list_checkpoints",
    "match_groups",
    "read_checkpoint",
    "read_latest_checkpoint",
    "restore_trainer",
    "save_trainer",
    "trainer_arrays",
    "write_checkpoint",
]


def __getattr__(name: str) -> Any:
    """The trainer mapping's names (and `is_chief`), imported on first use."""
    if name in _MAPPING:
        return getattr(importlib.import_module("ganlib.checkpoint.mapping"), name)
    if name == "is_chief":
        return importlib.import_module("ganlib.distribute").is_chief
    raise AttributeError(f"module 'ganlib.checkpoint' has no attribute {name!r}")
