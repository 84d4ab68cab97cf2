"""The benchmark architectures and their matmul FLOP counts."""

from __future__ import annotations

from typing import Any


def build_models(family: str, sigmoid_d: bool) -> tuple[Any, Any]:
    """The classic MLP GAN or a DCGAN pair, 28x28x1, z = 100."""
    from ganlib import models

    activation = "sigmoid" if sigmoid_d else None
    if family == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1), output_activation=activation).build()
    elif family == "dcgan":
        g = models.DCGANGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.DCGANDiscriminator((28, 28, 1), output_activation=activation).build()
    else:
        raise ValueError(f"`--which` must name mlp or dcgan. Received: {family!r}")
    return g, d


def forward_flops(model: Any) -> int:
    """Matmul FLOPs of one forward pass on ONE sample (Dense, Conv2D, Conv2DTranspose)."""
    import keras

    total = 0
    for layer in model._flatten_layers(include_self=False):
        inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps a layer
        kernel = getattr(inner, "kernel", None)
        if kernel is None:
            continue
        size = 1
        for s in kernel.shape:
            size *= int(s)
        if isinstance(inner, keras.layers.Conv2DTranspose):
            positions = int(inner.input.shape[1]) * int(inner.input.shape[2])
        elif isinstance(inner, keras.layers.Conv2D):
            positions = int(inner.output.shape[1]) * int(inner.output.shape[2])
        elif isinstance(inner, keras.layers.Dense):
            positions = 1
        else:
            continue
        total += 2 * size * positions
    return total


def step_flops(g: Any, d: Any, batch: int) -> int:
    """Matmul FLOPs of one GAN step: G forward (fakes for D) + 3 x D forward on 2 batches
    (forward + backward ~ 3x forward) + 3 x (G + D) forward (the generator update)."""
    fg, fd = forward_flops(g), forward_flops(d)
    return batch * (fg + 3 * 2 * fd + 3 * (fg + fd))
