"""ganlib: GAN building blocks for TensorFlow 2 / Keras 3.

Submodules are imported on first use, so ``import ganlib`` is cheap and
``from ganlib import losses`` loads only what it needs.

Example:
    >>> from ganlib import GANTrainer, losses, models, optimizers  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "CycleGANTrainer",
    "GANTrainer",
    "TranslationTrainer",
    "__version__",
    "callbacks",
    "data",
    "losses",
    "metrics",
    "models",
    "optimizers",
]

_SUBMODULES = {"callbacks", "data", "losses", "metrics", "models", "optimizers"}

if TYPE_CHECKING:
    from ganlib import callbacks, data, losses, metrics, models, optimizers
    from ganlib.cycle_trainer import CycleGANTrainer
    from ganlib.trainer import GANTrainer
    from ganlib.translation_trainer import TranslationTrainer


def __getattr__(name: str) -> Any:
    if name == "GANTrainer":
        from ganlib.trainer import GANTrainer

        return GANTrainer
    if name == "TranslationTrainer":
        from ganlib.translation_trainer import TranslationTrainer

        return TranslationTrainer
    if name == "CycleGANTrainer":
        from ganlib.cycle_trainer import CycleGANTrainer

        return CycleGANTrainer
    if name in _SUBMODULES:
        return importlib.import_module(f"ganlib.{name}")
    raise AttributeError(f"module 'ganlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
