"""Batched feature extraction with running mean/covariance, from arrays or generators."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ganlib.metrics._checks import positive_int
from ganlib.metrics.features import FeatureExtractor, ProbabilityExtractor

__all__ = ["FeatureSet", "RunningStats", "Source", "extract_features", "iter_samples"]


class RunningStats:
    """Running mean and covariance of rows, merged batch by batch in float64.

    Uses the pairwise update of Chan et al. (1979): each batch's mean and scatter
    matrix sum((x - mean)(x - mean)^T) are merged into the totals, so memory is one
    (d, d) matrix whatever the number of rows, and there is no cancellation from
    sum(x x^T) - n mean mean^T.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(1000, 3))
        >>> stats = RunningStats()
        >>> for batch in np.array_split(x, 7):
        ...     stats.update(batch)
        >>> stats.count, bool(np.allclose(stats.covariance, np.cov(x, rowvar=False)))
        (1000, True)
    """

    def __init__(self) -> None:
        self.count = 0
        self._mean: np.ndarray | None = None
        self._scatter: np.ndarray | None = None

    def update(self, batch: np.ndarray) -> None:
        """Add the rows of a (b, d) batch."""
        x = np.asarray(batch, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"`batch` must have shape (b >= 1, d). Received: shape={x.shape}")
        b = x.shape[0]
        mean_b = x.mean(axis=0)
        centred = x - mean_b
        scatter_b = centred.T @ centred
        if self._mean is None or self._scatter is None:
            self._mean, self._scatter, self.count = mean_b, scatter_b, b
            return
        if x.shape[1] != self._mean.shape[0]:
            raise ValueError(
                f"`batch` has {x.shape[1]} columns; earlier batches had {self._mean.shape[0]}."
            )
        total = self.count + b
        delta = mean_b - self._mean
        self._scatter = (
            self._scatter + scatter_b + np.outer(delta, delta) * (self.count * b / total)
        )
        self._mean = self._mean + delta * (b / total)
        self.count = total

    @property
    def mean(self) -> np.ndarray:
        """Mean vector (d,)."""
        if self._mean is None:
            raise ValueError("RunningStats has no rows yet; call update() first.")
        return self._mean

    @property
    def covariance(self) -> np.ndarray:
        """Unbiased covariance (d, d), divided by count - 1."""
        if self._scatter is None or self.count < 2:
            raise ValueError(f"covariance needs at least 2 rows. Received: count={self.count}")
        return self._scatter / (self.count - 1)


Source = Any  # np.ndarray | keras.Model | Callable[[int], np.ndarray]


def iter_samples(
    source: Source,
    n: int,
    *,
    batch_size: int = 250,
    seed: int | None = 0,
    num_classes: int | None = None,
) -> Iterator[np.ndarray]:
    """Yield ``n`` samples in batches from an array, a generator model or a sampling function.

    - array: its first ``n`` rows;
    - ``keras.Model`` generator: ``ganlib.sampling.generate_batches`` (the sampling path of
      ``GANTrainer.sample``): seeded latent z ~ N(0, I) of the generator's input shape; a
      conditional generator (two inputs) gets the classes ``0 .. num_classes-1`` in turn;
    - callable: ``source(batch_size)`` returning a batch of samples.

    Example:
        >>> import numpy as np
        >>> [len(b) for b in iter_samples(np.zeros((10, 2)), 7, batch_size=3)]
        [3, 3, 1]
    """
    import keras

    n = positive_int(n, "n")
    batch_size = positive_int(batch_size, "batch_size")
    if isinstance(source, keras.Model):
        from ganlib.sampling.draw import generate_batches

        batches = generate_batches(
            source, n, seed=seed, num_classes=num_classes, batch_size=batch_size
        )
        for samples, _ in batches:
            yield samples
    elif isinstance(source, np.ndarray):
        if source.shape[0] < n:
            raise ValueError(
                f"The sample array has {source.shape[0]} rows, fewer than n={n}. "
                "Pass a smaller n or more samples."
            )
        for start in range(0, n, batch_size):
            yield np.asarray(source[start : min(start + batch_size, n)], dtype=np.float32)
    elif callable(source):
        done = 0
        while done < n:
            b = min(batch_size, n - done)
            out = np.asarray(source(b), dtype=np.float32)
            if out.shape[0] != b:
                raise ValueError(f"The sampling function returned {out.shape[0]} rows for {b}.")
            done += b
            yield out
    else:
        raise TypeError(
            "`source` must be a numpy array, a keras.Model generator or a function "
            f"batch_size -> samples. Received: {type(source).__name__}"
        )


@dataclass
class FeatureSet:
    """What `extract_features` returns: running statistics and, if kept, the features.

    ``features`` holds the first ``kept`` rows (float32, kept * d * 4 bytes) for the
    metrics that need the points themselves (KID, precision/recall, density/coverage).

    Example:
        >>> import numpy as np
        >>> fs = FeatureSet.from_array(np.arange(6.0).reshape(3, 2))
        >>> fs.n, fs.stats.mean.tolist()
        (3, [2.0, 3.0])
    """

    n: int
    stats: RunningStats
    features: np.ndarray | None = None
    probabilities: np.ndarray | None = None

    @property
    def kept(self) -> int:
        """Number of rows in ``features`` (0 when none were kept)."""
        return 0 if self.features is None else int(self.features.shape[0])

    @classmethod
    def from_array(
        cls, features: np.ndarray, probabilities: np.ndarray | None = None
    ) -> FeatureSet:
        """A FeatureSet holding every row of ``features``."""
        stats = RunningStats()
        stats.update(features)
        return cls(int(stats.count), stats, np.asarray(features, np.float32), probabilities)


def extract_features(
    extractor: FeatureExtractor,
    source: Source,
    n: int,
    *,
    batch_size: int = 250,
    keep: int | None = None,
    probabilities: bool = False,
    seed: int | None = 0,
    num_classes: int | None = None,
) -> FeatureSet:
    """Features of ``n`` samples, batch by batch, with running mean/covariance.

    Memory: one batch of images and features, the (d, d) statistics, plus ``keep`` rows
    of features (``keep * d * 4`` bytes; default all ``n``; 0 for statistics only,
    enough for FID) and, with ``probabilities=True``, n * classes probabilities.

    Args:
        extractor: a `FeatureExtractor` (a `ProbabilityExtractor` for probabilities).
        source: samples: array, generator model or sampling function (see `iter_samples`).
        n: number of samples.
        batch_size: images per extractor call.
        keep: feature rows to keep (the first ones); None keeps all n.
        probabilities: also collect class probabilities.
        seed: passed to `iter_samples` for generator models.
        num_classes: passed to `iter_samples` for generator models.

    Example:
        >>> import numpy as np
        >>> class Flatten:
        ...     def features(self, images):
        ...         return images.reshape(len(images), -1)
        >>> fs = extract_features(Flatten(), np.ones((100, 2, 2, 1)), 100, keep=10)
        >>> fs.n, fs.kept, fs.stats.mean.shape
        (100, 10, (4,))
    """
    n = positive_int(n, "n")
    keep = n if keep is None else min(int(keep), n)
    if keep < 0:
        raise ValueError(f"`keep` must be >= 0. Received: keep={keep}")
    if probabilities and not isinstance(extractor, ProbabilityExtractor):
        raise TypeError(
            "probabilities=True needs an extractor with features_and_probabilities(), "
            f"e.g. ClassifierFeatures. Received: {type(extractor).__name__}"
        )
    stats = RunningStats()
    kept: list[np.ndarray] = []
    probs: list[np.ndarray] = []
    done = 0
    for images in iter_samples(
        source, n, batch_size=batch_size, seed=seed, num_classes=num_classes
    ):
        if probabilities:
            feats, p = extractor.features_and_probabilities(images)  # type: ignore[attr-defined]
            probs.append(np.asarray(p, dtype=np.float32))
        else:
            feats = extractor.features(images)
        feats = np.asarray(feats, dtype=np.float32).reshape(images.shape[0], -1)
        if not np.all(np.isfinite(feats)):
            raise ValueError("The extractor returned NaN or inf features.")
        stats.update(feats)
        if done < keep:
            kept.append(feats[: keep - done])
        done += images.shape[0]
    return FeatureSet(
        n=stats.count,
        stats=stats,
        features=np.concatenate(kept) if kept else None,
        probabilities=np.concatenate(probs) if probs else None,
    )
