"""Sampling temperature: the latent noise scaled by `t` before the generator sees it.

The opposite of truncation: `t > 1` spreads the latent draws, so samples gain variety (recall)
and lose some fidelity (precision); `t < 1` does the reverse. docs/quality.md has the measured
trade-off on MNIST.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import keras

__all__ = ["check_temperature", "with_temperature"]


def check_temperature(temperature: Any) -> float:
    """Validates a sampling temperature: a finite number > 0; returns it as a float.

    Example:
        >>> from ganlib.sampling import check_temperature
        >>> check_temperature(1.3)
        1.3
    """
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, numbers.Real)
        or not math.isfinite(float(temperature))
        or float(temperature) <= 0
    ):
        raise ValueError(
            f"`temperature` must be a finite number > 0. Received: temperature={temperature!r}"
        )
    return float(temperature)


def with_temperature(generator: keras.Model, temperature: float) -> keras.Model:
    """`generator` behind a layer that multiplies its latent input by `temperature`.

    Returns `generator` itself when `temperature == 1`. A conditional generator (inputs
    `[z, labels]`) keeps its labels input as it is. The result is a plain Keras model: it
    samples, evaluates (`ganlib.metrics.evaluate`), exports and saves like the generator, and
    shares its weights.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.sampling import generate, with_temperature
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> z = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
        >>> hot, _ = generate(with_temperature(g, 2.0), 4, seed=0)  # the noise of seed 0, x 2
        >>> bool(np.allclose(hot, g(2.0 * z).numpy(), atol=1e-6))
        True
    """
    t = check_temperature(temperature)
    if t == 1.0:
        return generator
    inputs = [keras.Input(tuple(x.shape[1:]), dtype=x.dtype) for x in generator.inputs]
    z = keras.layers.Rescaling(t, name="temperature")(inputs[0])
    outputs = generator([z, *inputs[1:]] if len(inputs) > 1 else z)
    # one input: a bare tensor, so calling the model on a tensor matches its structure
    model_inputs = inputs if len(inputs) > 1 else inputs[0]
    return keras.Model(model_inputs, outputs, name=f"{generator.name}_tempered")
