"""`recalibrate_batch_norm`: BatchNorm statistics re-estimated for the weights that sample.

`GeneratorEMA` averages the generator's trainable weights but copies its non-trainable ones,
so the EMA weights run with the BatchNorm moving statistics of the raw generator, which do not
match the activations of the averaged weights (docs/benchmarks.md, "Re-estimated BatchNorm
statistics for the EMA generator (session 12)"). `recalibrate_batch_norm` replaces them by
the statistics of the averaged weights' own activations.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from ganlib._compat import flatten_layers

__all__ = ["recalibrate_batch_norm"]


def _batch_norms(generator: Any) -> list[keras.layers.BatchNormalization]:
    """The trainable `BatchNormalization` layers of `generator`, nested ones included, in
    order (frozen ones keep their statistics: Keras updates none in a frozen layer)."""
    # `flatten_layers` also finds layers held by custom layers, which `.layers` does not list.
    layers = flatten_layers(generator)
    norms = [x for x in layers if isinstance(x, keras.layers.BatchNormalization) and x.trainable]
    for layer in norms:
        if layer.renorm:
            raise ValueError(
                f"recalibrate_batch_norm does not support batch renormalization; layer "
                f"{layer.name!r} has renorm=True."
            )
    return norms


def _check(trainer: Any, n: Any, batch_size: Any, seed: Any) -> None:
    for name in ("generator", "generate", "latent_shape", "ema_swapped"):
        if not hasattr(trainer, name):
            raise TypeError(
                "recalibrate_batch_norm needs a GANTrainer (a trainer with `generator`, "
                f"`generate`, `latent_shape` and `ema_swapped`). Received: {type(trainer).__name__}"
            )
    for name, value, least in (("n", n, 2), ("batch_size", batch_size, 2), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"`{name}` must be an integer >= {least}. Received: {name}={value!r}")


def recalibrate_batch_norm(
    trainer: Any, n: int = 10_000, *, batch_size: int = 500, seed: int = 0, use_ema: bool = True
) -> int:
    """Re-estimates the generator's BatchNorm moving statistics from its own samples.

    The weights re-estimated are those `trainer.sample` uses: the EMA weights when the trainer
    holds some (`GeneratorEMA`) and `use_ema`, else the generator's own. `n` latents drawn
    from `numpy.random.default_rng(seed)` (N(0, I); a conditional trainer gets classes
    `0, 1, 2, ...` in turn) go through `trainer.generate` with `training=True` in batches of
    `batch_size`, each BatchNorm layer normalising with the batch's statistics as in training;
    each layer's moving mean and variance become the mean and (biased) variance of its inputs
    over all `n` samples: an exact average over the batches, not a momentum update. Nothing
    else changes: no other weight, no layer setting and not the training RNG. The same call
    gives the same statistics. Returns the number of layers re-estimated; 0, a no-op, for a
    generator without BatchNorm (frozen layers are left as they are).

    When to call it: after training. `GeneratorEMA` copies the generator's statistics into the
    EMA weights at every step, so a later `fit` replaces the re-estimated ones at its first
    step. A checkpoint written afterwards holds them in its EMA weights; resuming from it is
    still exact, since that first step overwrites them before they are used. `ganlib train`
    applies it to what it saves as `generator.keras` when the run's `recalibrate_batch_norm`
    is on (docs/cli.md). Pooling the statistics of batches that are each normalised by their
    own statistics is what stochastic weight averaging does for its averaged weights (Izmailov
    et al. 2018, "Averaging Weights Leads to Wider Optima and Better Generalization").

    Example:
        >>> import keras, numpy as np
        >>> from ganlib import GANTrainer
        >>> from ganlib.sampling import recalibrate_batch_norm
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
        ...                       keras.layers.BatchNormalization()])
        >>> d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> recalibrate_batch_norm(trainer, n=256, batch_size=64, seed=1)
        1
        >>> z = np.random.default_rng(1).standard_normal((256, 4)).astype("float32")
        >>> h = g.layers[0](z).numpy()
        >>> bool(np.allclose(g.layers[1].moving_mean.numpy(), h.mean(0), atol=1e-5))
        True
    """
    _check(trainer, n, batch_size, seed)
    n, batch_size = int(n), int(batch_size)
    norms = _batch_norms(trainer.generator)
    if not norms:
        return 0
    import tensorflow as tf

    z = np.random.default_rng(int(seed)).standard_normal((n, *trainer.latent_shape))
    z = z.astype("float32")
    labels = None
    if getattr(trainer, "conditional", False):
        labels = (np.arange(n) % int(trainer.num_classes)).astype("int32")
    with trainer.ema_swapped(use_ema):
        weights = list(trainer.generator.weights)
        before = [np.array(w.numpy()) for w in weights]
        momenta = [layer.momentum for layer in norms]
        totals = [_Moments() for _ in norms]
        try:
            for layer in norms:
                layer.momentum = 0.0  # after a batch, the moving statistics are its statistics
                layer.moving_mean.assign(np.zeros(layer.moving_mean.shape, "float32"))
                layer.moving_variance.assign(np.ones(layer.moving_variance.shape, "float32"))
            for start in range(0, n, batch_size):
                zb = tf.constant(z[start : start + batch_size])
                lb = None if labels is None else tf.constant(labels[start : start + batch_size])
                trainer.generate(zb, lb, True)
                for layer, total in zip(norms, totals, strict=True):
                    total.add(len(zb), layer.moving_mean.numpy(), layer.moving_variance.numpy())
        finally:
            for layer, momentum in zip(norms, momenta, strict=True):
                layer.momentum = momentum
            for w, value in zip(weights, before, strict=True):
                w.assign(value)  # every weight as it was (also on an error), ...
        for layer, total in zip(norms, totals, strict=True):  # ... then the new statistics
            layer.moving_mean.assign(total.mean.astype(layer.moving_mean.dtype))
            layer.moving_variance.assign(total.variance.astype(layer.moving_variance.dtype))
    return len(norms)


class _Moments:
    """Mean and biased variance of a union of batches from each batch's count, mean and
    variance (Chan et al.'s pairwise update, in float64)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean: np.ndarray = np.zeros(())
        self._squares: np.ndarray = np.zeros(())  # sum of squared deviations from the mean

    def add(self, count: int, mean: np.ndarray, variance: np.ndarray) -> None:
        mean, variance = np.asarray(mean, "float64"), np.asarray(variance, "float64")
        total = self.count + count
        delta = mean - self.mean
        self.mean = self.mean + delta * (count / total)
        self._squares = self._squares + variance * count + delta**2 * (self.count * count / total)
        self.count = total

    @property
    def variance(self) -> np.ndarray:
        return self._squares / self.count
