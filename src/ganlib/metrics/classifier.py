"""The small MNIST CNN whose weights ship with ganlib, for comparable MNIST metrics."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ganlib.metrics.features import ClassifierFeatures

__all__ = [
    "build_mnist_classifier",
    "mnist_classifier",
    "mnist_classifier_info",
    "mnist_features",
]

WEIGHTS_FILE = "mnist_classifier.weights.h5"
INFO_FILE = "mnist_classifier.json"


def _asset(name: str) -> Path:
    return Path(str(resources.files("ganlib") / "assets" / name))


def build_mnist_classifier() -> Any:
    """The untrained MNIST classifier: 3 conv blocks, a 128-d "features" layer, 10-way softmax.

    Input (batch, 28, 28, 1) in [-1, 1]. About 76k parameters. Train it with
    ``scripts/train_mnist_classifier.py``; `mnist_classifier` loads the shipped weights.

    Example:
        >>> model = build_mnist_classifier()
        >>> model.output_shape, model.get_layer("features").output.shape
        ((None, 10), (None, 128))
    """
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="images")
    x = inputs
    for i, filters in enumerate((32, 64, 32)):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="features")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="ganlib_mnist_classifier")


def mnist_classifier(weights: str | Path | None = None) -> Any:
    """The shipped MNIST classifier with its trained weights (weights-only .h5, no pickle).

    Args:
        weights: a ``.weights.h5`` file to load instead of the shipped one.

    Returns:
        A ``keras.Model`` mapping (batch, 28, 28, 1) images in [-1, 1] to 10 class
        probabilities; its layer "features" gives 128-d features.

    Example:
        >>> import numpy as np
        >>> model = mnist_classifier()
        >>> model(np.zeros((1, 28, 28, 1), "float32")).shape
        TensorShape([1, 10])
    """
    path = _asset(WEIGHTS_FILE) if weights is None else Path(weights)
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST classifier weights not found at {path}. "
            "Reinstall ganlib or run scripts/train_mnist_classifier.py."
        )
    model = build_mnist_classifier()
    model.load_weights(str(path))
    return model


def mnist_classifier_info() -> dict[str, Any]:
    """Training record of the shipped classifier: held-out accuracy, split, seed, parameters.

    Example:
        >>> mnist_classifier_info()["heldout_accuracy"] >= 0.98
        True
    """
    return dict(json.loads(_asset(INFO_FILE).read_text()))


def mnist_features() -> ClassifierFeatures:
    """`ClassifierFeatures` of the shipped MNIST classifier (128-d "features" layer).

    The standard extractor for MNIST FID/KID/precision/recall in ganlib: small, shipped
    with the package, no download.

    Example:
        >>> import numpy as np
        >>> mnist_features().features(np.zeros((3, 28, 28, 1), "float32")).shape
        (3, 128)
    """
    return ClassifierFeatures(mnist_classifier(), layer="features")
