"""The one way ganlib draws samples from a generator: `generate` and `generate_batches`.

`GANTrainer.sample`, the metrics (`ganlib.metrics.iter_samples` on a generator) and
`ganlib sample` all call these, so the same seed gives the same samples everywhere:

- latent noise `z ~ N(0, I)` of the generator's input shape, drawn at once for all `n` samples
  from `numpy.random.default_rng(seed)` (or passed as `noise`);
- a conditional generator (two inputs) gets `labels` repeated cyclically to length `n`, or
  classes `0, 1, 2, ...` in turn (each class equally often);
- the generator runs with `training=False` in batches of `batch_size` (a direct call, not
  `predict`, which is slower per batch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np

__all__ = ["generate", "generate_batches"]

Call = Callable[[Any, Any], Any]


def _labels(generator: Any, n: int, labels: Any, num_classes: int | None) -> np.ndarray | None:
    conditional = len(generator.inputs) == 2
    if not conditional:
        if labels is not None:
            raise ValueError("`labels` was given but the generator is unconditional.")
        return None
    if num_classes is None or num_classes < 1:
        raise ValueError(
            "A conditional generator needs `num_classes` to draw labels. "
            f"Received: num_classes={num_classes!r}"
        )
    chosen = np.arange(num_classes) if labels is None else np.asarray(labels).reshape(-1)
    if chosen.size == 0 or not np.issubdtype(chosen.dtype, np.integer):
        raise ValueError(f"`labels` must be a non-empty list of integers. Received: {labels!r}")
    if chosen.min() < 0 or chosen.max() >= num_classes:
        raise ValueError(
            f"`labels` must lie in [0, {num_classes}). Received: [{chosen.min()}, {chosen.max()}]"
        )
    return np.resize(chosen.astype("int32"), n)


def generate_batches(
    generator: keras.Model,
    n: int,
    *,
    seed: int | None = 0,
    labels: Any = None,
    num_classes: int | None = None,
    batch_size: int = 256,
    noise: np.ndarray | None = None,
    call: Call | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Yields `(samples, labels)` float32/int32 batches of `n` generated samples in total.

    `noise` (shape `(n, *latent_shape)`) replaces the seeded draw; `call(z, labels)` replaces
    the direct generator call (`GANTrainer.sample` passes its `generate` hook). Labels are
    None for an unconditional generator.

    Example:
        >>> import keras
        >>> from ganlib.sampling import generate_batches
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> [b.shape for b, _ in generate_batches(g, 5, seed=0, batch_size=2)]
        [(2, 2), (2, 2), (1, 2)]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"`n` must be a non-negative integer. Received: n={n!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"`batch_size` must be positive. Received: batch_size={batch_size}")
    n = int(n)
    latent = tuple(int(s) for s in generator.inputs[0].shape[1:])
    if noise is None:
        noise = np.random.default_rng(seed).standard_normal((n, *latent)).astype("float32")
    elif tuple(np.shape(noise)) != (n, *latent):
        raise ValueError(f"`noise` must have shape {(n, *latent)}. Received: {np.shape(noise)}")
    label_array = _labels(generator, n, labels, num_classes)
    if call is None:
        call = _direct_call(generator)
    for start in range(0, n, int(batch_size)):
        z = np.asarray(noise[start : start + batch_size], dtype="float32")
        lb = None if label_array is None else label_array[start : start + batch_size]
        yield keras.ops.convert_to_numpy(call(z, lb)).astype("float32"), lb


def _direct_call(generator: keras.Model) -> Call:
    def call(z: Any, labels: Any) -> Any:
        if labels is None:
            return generator(z, training=False)
        label_input = labels[:, None] if len(generator.inputs[1].shape) == 2 else labels
        return generator([z, label_input], training=False)

    return call


def generate(
    generator: keras.Model,
    n: int,
    *,
    seed: int | None = 0,
    labels: Any = None,
    num_classes: int | None = None,
    batch_size: int = 256,
    noise: np.ndarray | None = None,
    call: Call | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """`(samples, labels)` for `n` generated samples (see `generate_batches`).

    Example:
        >>> import keras
        >>> from ganlib.sampling import generate
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> samples, labels = generate(g, 5, seed=0)
        >>> samples.shape, labels is None
        ((5, 2), True)
    """
    parts = list(
        generate_batches(
            generator,
            n,
            seed=seed,
            labels=labels,
            num_classes=num_classes,
            batch_size=batch_size,
            noise=noise,
            call=call,
        )
    )
    if not parts:
        shape = tuple(int(s) for s in generator.outputs[0].shape[1:])
        empty_labels = None if len(generator.inputs) == 1 else np.zeros((0,), "int32")
        return np.zeros((0, *shape), dtype="float32"), empty_labels
    samples = np.concatenate([p[0] for p in parts])
    label_parts = [p[1] for p in parts if p[1] is not None]
    return samples, (np.concatenate(label_parts) if label_parts else None)
