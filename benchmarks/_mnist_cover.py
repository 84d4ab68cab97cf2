"""A nearest-neighbour coverage term on the MNIST recipe (issue 12, session 16).

After implicit maximum likelihood estimation (IMLE, Li & Malik 2018): every real image should
have a generated image near it. Benchmark only: an `InfoGANTrainer` subclass that
`benchmarks/_mnist_variants.py` builds for the ``nnW`` tokens (with ``info``). Its generator
also minimises

    weight * mean over the real batch x_i of  min over the pool p_j of  mean((x_i - p_j) ** 2)

(per-pixel squared distance, images in [-1, 1]), where the pool is the generator's own batch of
the step and ``extra`` times as many further draws of the same trainer noise. The gradient of a
minimum reaches only each real image's nearest generated image, pulling it towards that image:
the generator is asked to cover every real image, which is what recall measures, while the
adversarial term keeps the samples sharp. The term is logged as ``g_nn``.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from ganlib.auxiliary_trainers import InfoGANTrainer

#: Tokens: (weight of the term, extra pool draws as multiples of the batch).
TOKENS = {
    "nn1": (1.0, 0), "nn3": (3.0, 0), "nn10": (10.0, 0), "nn30": (30.0, 0),
    "nn3p1": (3.0, 1), "nn10p3": (10.0, 3),
}  # fmt: skip


def nearest_distances(real: Any, pool: Any) -> tf.Tensor:
    """Each row of `real`'s per-pixel mean squared distance to its nearest row of `pool`."""
    r = tf.reshape(tf.cast(real, "float32"), [tf.shape(real)[0], -1])
    p = tf.reshape(tf.cast(pool, "float32"), [tf.shape(pool)[0], -1])
    squared = (
        tf.reduce_sum(r * r, axis=1, keepdims=True)
        - 2.0 * tf.matmul(r, p, transpose_b=True)
        + tf.reduce_sum(p * p, axis=1)[None, :]
    )
    pixels = tf.cast(tf.shape(r)[1], "float32")
    return tf.maximum(tf.reduce_min(squared, axis=1), 0.0) / pixels


class CoverageInfoGANTrainer(InfoGANTrainer):
    """`InfoGANTrainer` whose G loss adds `cover_weight` times the mean of
    `nearest_distances(real, pool)` (module docstring); `cover_extra`: further pool draws, in
    multiples of the batch."""

    def __init__(
        self, *args: Any, cover_weight: float = 1.0, cover_extra: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not float(cover_weight) >= 0 or int(cover_extra) < 0:
            raise ValueError(
                f"need cover_weight >= 0, cover_extra >= 0: {cover_weight}, {cover_extra}"
            )
        self.cover_weight = float(cover_weight)
        self.cover_extra = int(cover_extra)
        self.track_metric("g_nn")

    def generator_loss(
        self,
        fake: tf.Tensor,
        labels: tf.Tensor | None = None,
        real: tf.Tensor | None = None,
        real_labels: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """InfoGAN's G loss plus the weighted coverage term of `real` against the pool."""
        loss, logs = super().generator_loss(fake, labels, real, real_labels)
        if real is None:
            return loss, logs
        pool = fake
        if self.cover_extra:
            batch = tf.shape(fake)[0]
            more = self.generate(self._noise(batch * self.cover_extra), None)
            pool = tf.concat([fake, tf.cast(more, fake.dtype)], axis=0)
        term = tf.reduce_mean(nearest_distances(real, pool))
        return loss + self.cover_weight * term, {**logs, "g_nn": term}


def trainer(token: str, *args: Any, **kwargs: Any) -> CoverageInfoGANTrainer:
    """`CoverageInfoGANTrainer` for `token` (`TOKENS`), other arguments as InfoGANTrainer's."""
    weight, extra = TOKENS[token]
    return CoverageInfoGANTrainer(*args, cover_weight=weight, cover_extra=extra, **kwargs)
