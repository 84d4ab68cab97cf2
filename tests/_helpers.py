"""Helpers shared by several test modules (import as `from _helpers import ...`)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
"""The repository's example scripts."""


def child_env(log_level: str = "2", **extra: str) -> dict[str, str]:
    """Environment of a child Python process: this tree's ganlib first on PYTHONPATH, quiet
    TensorFlow (`TF_CPP_MIN_LOG_LEVEL=log_level`), no GPU probing, plus `extra`."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    quiet = {"TF_CPP_MIN_LOG_LEVEL": log_level, "CUDA_VISIBLE_DEVICES": ""}
    return {**os.environ, "PYTHONPATH": path, **quiet, **extra}


def load_example(name: str) -> ModuleType:
    """Imports `examples/<name>.py` as a module (its `main(argv)` runs it)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def conditional_trainer(classes: int = 3, label_width: int = 2) -> Any:
    """An uncompiled conditional `GANTrainer`: z (4,) + label -> (3, 2, 1) images.

    `label_width` is the generator's label-embedding width (the discriminator's is 2).
    """
    import keras

    from ganlib import GANTrainer, losses

    z = keras.Input((4,))
    label = keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(classes, label_width)(label)])
    g = keras.Model([z, label], keras.layers.Reshape((3, 2, 1))(keras.layers.Dense(6)(h)))
    x = keras.Input((3, 2, 1))
    dl = keras.Input((), dtype="int32")
    feat = keras.layers.Concatenate()(
        [keras.layers.Flatten()(x), keras.layers.Embedding(classes, 2)(dl)]
    )
    d = keras.Model([x, dl], keras.layers.Dense(1)(feat))
    return GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
