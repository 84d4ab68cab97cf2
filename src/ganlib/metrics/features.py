"""Feature extractors: the protocol, InceptionV3 pool features, any Keras classifier."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ganlib.metrics._checks import positive_int

__all__ = [
    "ClassifierFeatures",
    "FeatureExtractor",
    "InceptionFeatures",
    "ProbabilityExtractor",
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
