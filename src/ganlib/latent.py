"""Latent-space tools: interpolations between seeds (linear, spherical) and class x noise grids.

A seed stands for one latent point: `numpy.random.default_rng(seed).standard_normal(shape)`,
the first noise vector `GANTrainer.sample(n, seed=seed)` uses. The grids work on a
`GANTrainer` (with its EMA weights when it has them) or on any generator `keras.Model`.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from ganlib._compat import flatten_layers

__all__ = [
    "MAX_GRID",
    "class_noise_grid",
    "class_noise_latents",
    "generate",
    "interpolation_grid",
    "interpolation_latents",
    "lerp",
    "seed_latent",
    "slerp",
]

_METHODS = ("linear", "spherical")
MAX_GRID = 65_536
"""Most samples one grid may hold."""


def seed_latent(seed: int, shape: Sequence[int]) -> np.ndarray:
    """The latent point of `seed`: `default_rng(seed).standard_normal(shape)` as float32.

    Example:
        >>> import numpy as np
        >>> first = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")[0]
        >>> bool((seed_latent(0, (3,)) == first).all())  # trainer.sample(4, seed=0)'s first z
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer. Received: seed={seed!r}")
    return np.random.default_rng(int(seed)).standard_normal(tuple(shape)).astype("float32")


def lerp(a: np.ndarray, b: np.ndarray, t: Any) -> np.ndarray:
    """Linear interpolation `(1 - t) a + t b`, one row per value of `t`.

    Example:
        >>> import numpy as np
        >>> lerp(np.zeros(2), np.ones(2), [0.0, 0.5, 1.0]).tolist()
        [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t = np.asarray(t, np.float64).reshape(-1, *([1] * a.ndim))
    return (1 - t) * a + t * b


def slerp(a: np.ndarray, b: np.ndarray, t: Any) -> np.ndarray:
    """Spherical interpolation along the great circle from `a` to `b` (White, 2016,
    "Sampling Generative Networks"): `sin((1-t) w)/sin(w) a + sin(t w)/sin(w) b` with `w` the
    angle between them; linear when they are (nearly) parallel. Gaussian latents have most of
    their mass near a sphere, which linear paths cut through.

    Example:
        >>> import numpy as np
        >>> slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), [0.5]).round(4).tolist()
        [[0.7071, 0.7071]]
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    cos = np.dot(a.ravel(), b.ravel()) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-300)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(a, b, t)
    t = np.asarray(t, np.float64).reshape(-1, *([1] * a.ndim))
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def interpolation_latents(
    latent_shape: Sequence[int], seeds: Sequence[int], steps: int = 8, method: str = "linear"
) -> np.ndarray:
    """Latents `(len(seeds) - 1, steps, *latent_shape)`: row i goes from seed i to seed i+1.

    Example:
        >>> interpolation_latents((4,), [0, 1, 2], steps=5, method="spherical").shape
        (2, 5, 4)
    """
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {_METHODS}. Received: method={method!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"`steps` must be an integer >= 2. Received: steps={steps!r}")
    if len(seeds) < 2:
        raise ValueError(f"`seeds` must hold at least 2 seeds. Received: seeds={list(seeds)}")
    _check_size((len(seeds) - 1) * steps)
    points = [seed_latent(s, latent_shape) for s in seeds]
    path = lerp if method == "linear" else slerp
    t = np.linspace(0.0, 1.0, steps)
    rows = [path(a, b, t) for a, b in itertools.pairwise(points)]
    return np.stack(rows).astype("float32")


def class_noise_latents(
    latent_shape: Sequence[int], num_classes: int, seeds: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """`(z, labels)` of a class x noise grid: `z` `(num_classes, len(seeds), *latent_shape)`
    (each column one seed, the same in every row), `labels` `(num_classes, len(seeds))`.

    Example:
        >>> z, labels = class_noise_latents((2,), 3, [5, 6])
        >>> z.shape, labels[:, 0].tolist(), bool((z[0] == z[2]).all())
        ((3, 2, 2), [0, 1, 2], True)
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"`num_classes` must be a positive integer. Received: {num_classes!r}")
    if not len(seeds):
        raise ValueError("`seeds` must hold at least one seed. Received: []")
    _check_size(num_classes * len(seeds))
    column = np.stack([seed_latent(s, latent_shape) for s in seeds])
    z = np.broadcast_to(column, (num_classes, *column.shape)).copy()
    labels = np.repeat(np.arange(num_classes, dtype="int32")[:, None], len(seeds), axis=1)
    return z, labels


def _check_size(n: int) -> None:
    if n > MAX_GRID:
        raise ValueError(f"a grid of {n:,} samples is too large; at most {MAX_GRID:,}")


def _generator_of(model: Any) -> tuple[keras.Model, Any]:
    """(generator, context manager holding the EMA weights when `model` is a trainer)."""
    if isinstance(model, keras.Model) and hasattr(model, "ema_swapped"):
        return model.generator, model.ema_swapped()
    if isinstance(model, keras.Model):
        return model, contextlib.nullcontext()
    raise TypeError(f"`model` must be a GANTrainer or a keras.Model. Received: {model!r}")


def generate(model: Any, z: np.ndarray, labels: Any = None, batch_size: int = 256) -> np.ndarray:
    """The generator of `model` on latents `z` (and int `labels`), batched; float32 numpy.

    Example:
        >>> import keras, numpy as np
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> generate(g, np.zeros((5, 3), "float32")).shape
        (5, 2)
    """
    generator, swapped = _generator_of(model)
    conditional = len(generator.inputs) == 2
    if conditional and labels is None:
        raise ValueError("this generator is conditional: pass `labels`")
    if not conditional and labels is not None:
        raise ValueError("`labels` is only for conditional generators")
    z = np.asarray(z, "float32")
    label_array = None if labels is None else np.asarray(labels, "int32").reshape(-1)
    parts = []
    with swapped:
        for start in range(0, len(z), batch_size):
            zb = z[start : start + batch_size]
            if label_array is None:
                out = generator(zb, training=False)
            else:
                lb = label_array[start : start + batch_size]
                lb = lb[:, None] if len(generator.inputs[1].shape) == 2 else lb
                out = generator([zb, lb], training=False)
            parts.append(np.asarray(out, "float32"))
    return np.concatenate(parts)


def _latent_shape(model: Any) -> tuple[int, ...]:
    generator, _ = _generator_of(model)
    return tuple(int(s) for s in generator.inputs[0].shape[1:])


def interpolation_grid(
    model: Any,
    seeds: Sequence[int],
    steps: int = 8,
    method: str = "linear",
    label: int | None = None,
) -> np.ndarray:
    """Samples `(len(seeds) - 1, steps, *data_shape)` along latent paths between seeds
    (`interpolation_latents`); a conditional generator keeps class `label` (default 0).

    Example:
        >>> import keras
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> interpolation_grid(g, [0, 1, 2], steps=4, method="spherical").shape
        (2, 4, 2)
    """
    z = interpolation_latents(_latent_shape(model), seeds, steps, method)
    rows, cols = z.shape[:2]
    generator, _ = _generator_of(model)
    labels = None
    if len(generator.inputs) == 2:
        labels = np.full(rows * cols, 0 if label is None else label, "int32")
    samples = generate(model, z.reshape(rows * cols, *z.shape[2:]), labels)
    return samples.reshape(rows, cols, *samples.shape[1:])


def class_noise_grid(
    model: Any, seeds: Sequence[int], num_classes: int | None = None
) -> np.ndarray:
    """Samples `(num_classes, len(seeds), *data_shape)` of a conditional generator: one row
    per class, one column per noise seed (`class_noise_latents`).

    `num_classes` defaults to the trainer's, or to the generator's label embedding size.

    Example:
        >>> import keras
        >>> z, y = keras.Input((2,)), keras.Input((), dtype="int32")
        >>> h = keras.layers.Concatenate()([z, keras.layers.Embedding(3, 2)(y)])
        >>> g = keras.Model([z, y], keras.layers.Dense(2)(h))
        >>> class_noise_grid(g, [0, 1, 2, 3]).shape
        (3, 4, 2)
    """
    generator, _ = _generator_of(model)
    if len(generator.inputs) != 2:
        raise ValueError("a class x noise grid needs a conditional generator (z, labels)")
    classes = num_classes or getattr(model, "num_classes", None) or _embedding_size(generator)
    if classes is None:
        raise ValueError("cannot tell the number of classes: pass `num_classes`")
    z, labels = class_noise_latents(_latent_shape(model), int(classes), seeds)
    rows, cols = labels.shape
    samples = generate(model, z.reshape(rows * cols, *z.shape[2:]), labels.reshape(-1))
    return samples.reshape(rows, cols, *samples.shape[1:])


def _embedding_size(generator: keras.Model) -> int | None:
    for layer in flatten_layers(generator):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None
