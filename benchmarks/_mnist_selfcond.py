"""Self-conditioning on unsupervised clusters for the MNIST recipe (issue 12, session 13).

After Liu et al. 2020 ("Diverse Image Generation via Self-Conditioned GANs", CVPR): cluster
the real images once without labels, train a conditional GAN on the cluster indices, and
sample the cluster of each generated image from the clusters' empirical frequencies, so every
cluster (rare styles included) gets its share of the samples. Here, the smallest construction
on the recipe's networks (`benchmarks/_mnist_variants.py`, ``paper``):

- clusters: k-means (k-means++ start, Lloyd iterations, numpy, seeded) on the first 50
  principal components of the 10,000 images' pixels; the digit labels are never used;
- G: `InfoGANGenerator` whose input is the one-hot cluster beside the 64 noise entries
  (scaled by 0.5), where the recipe's ``info`` G has a one-hot 10-way code beside the same 64;
- D: the recipe's `InfoGANDiscriminator` with ``k`` outputs on its Q head, used as AC-GAN's
  classifier (`ACGANTrainer`: it classifies real images into their clusters and generated
  ones into the clusters they were generated for; G is rewarded for its requested cluster);
  the adversarial logit is unconditional, as in the recipe;
- labels of generated images: the real batch's clusters in D's update, and draws from the
  empirical frequencies in G's update and when sampling (`SelfConditionedTrainer.sample`
  draws them when no labels are given: the generator is unconditional for its user).

Tokens ``sc10``, ``sc30``, ``sc50`` (k clusters) of `_mnist_variants.py`; ``scp10``,
``scp30``, ``scp50``: the same with D's adversarial logit conditioned on the cluster by
projection and no classifier (a plain conditional GAN on the clusters, as Liu et al. 2020's
D is class-conditional); the runs are `benchmarks/mnist_selfcond.py`'s.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

#: Noise entries of the recipe's generator input besides its 10-way code (74 - 10).
NOISE = 64
#: Principal components the clustering works in.
PCA = 50


def kmeans(
    features: np.ndarray, k: int, seed: int = 0, iters: int = 100, restarts: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster indices `(N,)` and centres `(k, d)` of the best of `restarts` k-means runs.

    Each run starts from k-means++ seeding (`numpy.random.default_rng(seed)`) and takes Lloyd
    steps until no assignment changes (at most `iters`); the run with the least within-cluster
    sum of squares wins. An emptied cluster is re-seeded at the point farthest from its centre.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(features, "float64")
    squares = (x * x).sum(1)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(restarts):
        centres = [x[rng.integers(len(x))]]
        nearest = ((x - centres[0]) ** 2).sum(1)
        for _ in range(1, k):
            centres.append(x[rng.choice(len(x), p=nearest / nearest.sum())])
            nearest = np.minimum(nearest, ((x - centres[-1]) ** 2).sum(1))
        c = np.stack(centres)
        assign = np.full(len(x), -1)
        for _ in range(iters):
            dist = squares[:, None] - 2 * x @ c.T + (c * c).sum(1)[None]
            new = dist.argmin(1)
            if np.array_equal(new, assign):
                break
            assign = new
            for j in range(k):
                members = x[assign == j]
                if len(members):
                    c[j] = members.mean(0)
                else:
                    c[j] = x[dist[np.arange(len(x)), assign].argmax()]
        inertia = float(dist[np.arange(len(x)), assign].sum())
        if best is None or inertia < best[0]:
            best = (inertia, assign.copy(), c.copy())
    assert best is not None
    return best[1], best[2]


@functools.lru_cache(maxsize=4)
def clusters(k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The MNIST images' cluster indices `(10000,)` (int32) and frequencies `(k,)`: k-means
    on the first `PCA` principal components of the pixels (`ganlib.data.load_mnist`)."""
    from ganlib import data

    x = data.load_mnist().reshape(10_000, -1).astype("float64")
    x -= x.mean(0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    labels, _ = kmeans(x @ vt[:PCA].T, k, seed=seed)
    counts = np.bincount(labels, minlength=k)
    return labels.astype("int32"), counts / counts.sum()


def networks(
    k: int, filters: int, hidden: int, q_hidden: int, projection: bool = False
) -> tuple[Any, Any]:
    """The recipe's paper pair for `k` clusters: G takes ``[z (NOISE,), cluster]`` and feeds
    ``[one_hot(cluster), 0.5 z]`` to `InfoGANGenerator`'s layers; D is `InfoGANDiscriminator`
    with `k` Q outputs (AC-GAN's class logits after the adversarial logit), or with
    `projection` its adversarial logit alone, conditioned on the cluster by projection
    (Miyato & Koyama 2018: ``+ <embed(cluster), features>``; no Q head)."""
    import keras

    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    class ClusterGenerator(InfoGANGenerator):
        def stem(self, z: Any, labels: Any = None) -> Any:
            code = keras.layers.CategoryEncoding(k, output_mode="one_hot", name="cluster")(
                keras.layers.Reshape((1,), name="cluster_index")(labels)
            )
            noise = keras.layers.Rescaling(0.5, name="noise_scale")(z)
            joined = keras.layers.Concatenate(name="code_and_noise")([code, noise])
            return super().stem(joined)

    class ProjectionLogit(InfoGANDiscriminator):
        def head(self, x: Any, labels: Any = None) -> Any:
            return self._logit(x, labels)

    builder = ClusterGenerator(NOISE, base_filters=filters, hidden_units=hidden)
    builder.num_classes = k  # `inputs()` then adds the int label input
    d_class = ProjectionLogit if projection else InfoGANDiscriminator
    d_builder = d_class(
        extra_outputs=k, base_filters=filters, hidden_units=hidden, q_hidden_units=q_hidden
    )
    if projection:  # `inputs()` adds the label input, `_logit` the projection term
        d_builder.num_classes, d_builder.conditioning = k, "projection"
    return builder.build(), d_builder.build()


def trainer_class(projection: bool = False) -> Any:
    """`SelfConditionedTrainer`: `ACGANTrainer` (with `projection`: the conditional
    `GANTrainer`) whose generated labels follow `frequencies`."""
    import tensorflow as tf

    from ganlib import GANTrainer
    from ganlib.auxiliary_trainers import ACGANTrainer
    from ganlib.distribute import replica_draw

    base: Any = GANTrainer if projection else ACGANTrainer

    class SelfConditionedTrainer(base):  # type: ignore[misc, valid-type]
        """A conditional GAN on cluster indices; G's labels follow the clusters' frequencies."""

        def __init__(self, g: Any, d: Any, frequencies: Any, **kwargs: Any) -> None:
            self.frequencies = np.asarray(frequencies, "float64")
            super().__init__(g, d, num_classes=len(self.frequencies), **kwargs)
            # inverse CDF (XLA on CPU has no kernel for stateless_categorical)
            self._bounds = tf.constant(np.cumsum(self.frequencies)[:-1], "float32")

        def _labels(self, batch: Any, num_classes: int, rows: Any = None) -> Any:
            def draw(shape: Any, seed: Any) -> Any:
                u = tf.random.stateless_uniform(shape, seed)
                below = tf.cast(u[:, None] >= self._bounds[None], "int32")
                return tf.reduce_sum(below, 1)

            return replica_draw(draw, batch, self._next_seed(), rows=rows)

        def cluster_draw(self, n: int, seed: int | None, power: float = 1.0) -> np.ndarray:
            """`n` cluster indices from the frequencies raised to `power` and renormalized (1:
            the real images' frequencies, 0: uniform; `default_rng([seed, 1])`)."""
            rng = np.random.default_rng(None if seed is None else [seed, 1])
            p = self.frequencies**power
            return rng.choice(len(p), n, p=p / p.sum()).astype("int32")

        def sample(self, n: int, labels: Any = None, seed: int | None = None, **kw: Any) -> Any:
            """`GANTrainer.sample`; without `labels`, clusters drawn by `cluster_draw`."""
            if labels is None:
                labels = self.cluster_draw(n, seed)
            return super().sample(n, labels, seed, **kw)

    return SelfConditionedTrainer


def recalibrate(trainer: Any, n: int = 10_000, seed: int = 40_000) -> int:
    """`_mnist_conv.recalibrate_bn` over `n` latents and clusters of `seed` (the clusters
    drawn from their frequencies). Returns the number of layers."""
    from _mnist_conv import recalibrate_bn

    return recalibrate_bn(trainer, n, seed, labels=trainer.cluster_draw(n, seed))


class Tempered:
    """`trainer.sample` with the generator's current weights at latent temperature `t`, the
    clusters drawn by `cluster_draw(..., power)`."""

    def __init__(self, trainer: Any, t: float, power: float = 1.0) -> None:
        self.trainer, self.t, self.power = trainer, float(t), float(power)

    def sample(self, n: int, seed: int) -> Any:
        labels = self.trainer.cluster_draw(n, seed, self.power)
        return self.trainer.sample(n, labels, seed=seed, use_ema=False, temperature=self.t)
