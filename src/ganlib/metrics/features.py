"""Feature extractors and batched extraction with running statistics."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ganlib.metrics._checks import positive_int

__all__ = [
    "ClassifierFeatures",
    "FeatureExtractor",
    "FeatureSet",
    "InceptionFeatures",
    "ProbabilityExtractor",
    "RunningStats",
    "extract_features",
    "iter_samples",
]

_INCEPTION_NOTOP = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
_INCEPTION_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + _INCEPTION_NOTOP
)


@runtime_checkable
class FeatureExtractor(Protocol):
    """Anything with ``features(images) -> (batch, d) array``: the interface metrics use.

    Example:
        >>> import numpy as np
        >>> class Flatten:
        ...     def features(self, images):
        ...         return images.reshape(len(images), -1)
        >>> isinstance(Flatten(), FeatureExtractor)
        True
    """

    def features(self, images: np.ndarray) -> np.ndarray:
        """Features of one batch of images, shape (batch, d)."""
        ...


@runtime_checkable
class ProbabilityExtractor(FeatureExtractor, Protocol):
    """A `FeatureExtractor` that also gives class probabilities (needed by the classifier score).

    Example:
        >>> from ganlib.metrics import ClassifierFeatures, mnist_classifier
        >>> isinstance(ClassifierFeatures(mnist_classifier()), ProbabilityExtractor)
        True
    """

    def features_and_probabilities(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features (batch, d) and class probabilities (batch, classes) in one pass."""
        ...


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
    - ``keras.Model`` generator: latent z ~ N(0, I) of size ``model.inputs[0].shape[-1]``,
      seeded; a conditional generator (two inputs) also gets uniform labels in
      ``range(num_classes)``;
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
        rng = np.random.default_rng(seed)
        latent_dim = int(source.inputs[0].shape[-1])
        conditional = len(source.inputs) == 2
        if conditional and (num_classes is None or num_classes < 1):
            raise ValueError(
                "A conditional generator needs `num_classes` to draw labels. "
                f"Received: num_classes={num_classes!r}"
            )
        for start in range(0, n, batch_size):
            b = min(batch_size, n - start)
            z = rng.standard_normal((b, latent_dim)).astype(np.float32)
            if conditional:
                labels = rng.integers(0, num_classes or 1, size=b).astype(np.int32)
                out = source([z, labels], training=False)
            else:
                out = source(z, training=False)
            yield np.asarray(out, dtype=np.float32)
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
        seed, num_classes: passed to `iter_samples` for generator models.

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


def _check_images(images: np.ndarray, channels: tuple[int, ...]) -> np.ndarray:
    x = np.asarray(images, dtype=np.float32)
    if x.ndim != 4 or x.shape[-1] not in channels:
        raise ValueError(
            f"`images` must be NHWC with {' or '.join(map(str, channels))} channels. "
            f"Received: shape={x.shape}"
        )
    if x.size and (x.min() < -1.01 or x.max() > 1.01):
        raise ValueError(
            "`images` must be in [-1, 1] (ganlib's convention). "
            f"Received: min={x.min():.3g}, max={x.max():.3g}"
        )
    return x


def _keras_cache_file(name: str) -> str:
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "models", name)


class InceptionFeatures:
    """InceptionV3 pool features (2048-d), the standard FID/KID network.

    Images in [-1, 1] (NHWC, 1 or 3 channels) are tiled to 3 channels and resized to
    299 x 299 bilinearly; [-1, 1] is what InceptionV3's own preprocessing produces.
    The Keras model ``InceptionV3(include_top=False, pooling="avg")`` is built on first
    use; its ImageNet weights come from Keras's download cache
    (``~/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5``, or
    ``$KERAS_HOME/models/...``). Offline without that file, a RuntimeError says where
    to put it. Note: Keras's InceptionV3 is not the TF1 graph of the original FID code,
    so its values are comparable between ganlib users, not with published FIDs.

    Args:
        weights: "imagenet", a weights file path, or None (random, for tests).
        batch_size: images per network call; larger batches given to `features` are
            split, which bounds memory (a 299 x 299 batch of 32 needs about 1 GB).

    Example:
        >>> fx = InceptionFeatures(weights=None)
        >>> fx.preprocess(np.zeros((2, 28, 28, 1), "float32")).shape
        TensorShape([2, 299, 299, 3])
    """

    size = 299
    dim = 2048

    def __init__(self, *, weights: str | None = "imagenet", batch_size: int = 32) -> None:
        self.weights = weights
        self.batch_size = positive_int(batch_size, "batch_size")
        self._model: Any = None

    def preprocess(self, images: np.ndarray) -> Any:
        """Tile to 3 channels and resize to 299 x 299; returns a float32 tensor in [-1, 1]."""
        import tensorflow as tf

        x = tf.convert_to_tensor(_check_images(images, (1, 3)))
        if x.shape[-1] == 1:
            x = tf.tile(x, [1, 1, 1, 3])
        x = tf.image.resize(x, (self.size, self.size), method="bilinear")
        return tf.clip_by_value(x, -1.0, 1.0)

    @property
    def model(self) -> Any:
        """The Keras InceptionV3 feature model, built (and weights fetched) on first access."""
        if self._model is None:
            import keras

            try:
                self._model = keras.applications.InceptionV3(
                    include_top=False,
                    weights=self.weights,
                    input_shape=(self.size, self.size, 3),
                    pooling="avg",
                )
            except Exception as err:
                if self.weights != "imagenet":
                    raise
                raise RuntimeError(
                    "Could not load the InceptionV3 ImageNet weights: they are not in the "
                    f"Keras cache and the download failed ({err}). Keras looks for "
                    f"{_keras_cache_file(_INCEPTION_NOTOP)} (set KERAS_HOME to change "
                    "~/.keras). On a machine with network access, download "
                    f"{_INCEPTION_URL} and copy it to that path; or use "
                    "ganlib.metrics.mnist_features() for MNIST."
                ) from err
        return self._model

    def features(self, images: np.ndarray) -> np.ndarray:
        """2048-d pool features of a batch of images in [-1, 1]."""
        x = _check_images(images, (1, 3))
        parts = [
            np.asarray(self.model(self.preprocess(x[i : i + self.batch_size]), training=False))
            for i in range(0, x.shape[0], self.batch_size)
        ]
        return np.concatenate(parts).astype(np.float32)


class ClassifierFeatures:
    """Features and class probabilities from any Keras classifier.

    Features are the output of the layer named ``layer`` (default: the input of the
    last layer, i.e. the penultimate activations); probabilities are the model's final
    output (softmaxed first when ``from_logits=True``). Images are passed unchanged, so
    they must be in the range the classifier was trained on.

    Example:
        >>> from ganlib.metrics import mnist_classifier
        >>> fx = ClassifierFeatures(mnist_classifier(), layer="features")
        >>> f, p = fx.features_and_probabilities(np.zeros((2, 28, 28, 1), "float32"))
        >>> f.shape, p.shape
        ((2, 128), (2, 10))
    """

    def __init__(self, model: Any, layer: str | None = None, *, from_logits: bool = False) -> None:
        import keras

        if not isinstance(model, keras.Model):
            raise TypeError(f"`model` must be a keras.Model. Received: {type(model).__name__}")
        if layer is None:
            feature_output = model.layers[-1].input
        else:
            names = [lay.name for lay in model.layers]
            if layer not in names:
                raise ValueError(f"`layer` must be one of {names}. Received: layer={layer!r}")
            feature_output = model.get_layer(layer).output
        self.from_logits = from_logits
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
        self._model = keras.Model(inputs, [feature_output, model.outputs[0]])
        self._call: Callable[..., Any] = self._model

    def features_and_probabilities(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features (batch, d) and class probabilities (batch, classes)."""
        x = np.asarray(images, dtype=np.float32)
        feats, out = self._call(x, training=False)
        probs = np.asarray(out, dtype=np.float64)
        if self.from_logits:
            probs = np.exp(probs - probs.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
        return np.asarray(feats, dtype=np.float32).reshape(len(x), -1), probs.astype(np.float32)

    def features(self, images: np.ndarray) -> np.ndarray:
        """Features (batch, d)."""
        return self.features_and_probabilities(images)[0]

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities (batch, classes)."""
        return self.features_and_probabilities(images)[1]
