"""Small layer helpers shared by the builder families.

Each helper returns plain built-in Keras layers (optionally wrapped in
``keras.layers.SpectralNormalization``), so models built from them load with
``keras.saving.load_model(..., safe_mode=True)``.
"""

from __future__ import annotations

from typing import Any

import keras

__all__ = ["conv2d", "conv2d_transpose", "dense", "label_embedding", "label_map"]

Tensor = Any  # a symbolic ``keras.KerasTensor``


def _maybe_spectral(layer: keras.layers.Layer, spectral_norm: bool, name: str | None) -> Any:
    if not spectral_norm:
        return layer
    return keras.layers.SpectralNormalization(layer, name=f"{name}_sn" if name else None)


def dense(
    units: int,
    *,
    spectral_norm: bool = False,
    use_bias: bool = True,
    name: str | None = None,
) -> keras.layers.Layer:
    """A ``Dense`` layer, wrapped in spectral normalization when asked.

    Spectral normalization divides the kernel by its largest singular value,
    estimated by power iteration (Miyato et al. 2018, arXiv:1802.05957).

    Example:
        >>> from ganlib.models.layers import dense
        >>> type(dense(8, spectral_norm=True)).__name__
        'SpectralNormalization'
    """
    layer = keras.layers.Dense(units, use_bias=use_bias, name=name)
    return _maybe_spectral(layer, spectral_norm, name)


def conv2d(
    filters: int,
    kernel_size: int,
    strides: int = 1,
    *,
    spectral_norm: bool = False,
    use_bias: bool = True,
    name: str | None = None,
) -> keras.layers.Layer:
    """A ``Conv2D`` layer with ``padding="same"``, optionally spectrally normalized.

    Example:
        >>> from ganlib.models.layers import conv2d
        >>> conv2d(16, 4, 2).strides
        (2, 2)
    """
    layer = keras.layers.Conv2D(
        filters, kernel_size, strides=strides, padding="same", use_bias=use_bias, name=name
    )
    return _maybe_spectral(layer, spectral_norm, name)


def conv2d_transpose(
    filters: int,
    kernel_size: int,
    strides: int = 1,
    *,
    spectral_norm: bool = False,
    use_bias: bool = True,
    name: str | None = None,
) -> keras.layers.Layer:
    """A ``Conv2DTranspose`` layer with ``padding="same"``, optionally spectrally normalized.

    With ``strides=2`` it doubles the height and width of its input.

    Example:
        >>> from ganlib.models.layers import conv2d_transpose
        >>> tuple(conv2d_transpose(16, 4, 2).compute_output_shape((None, 7, 7, 32)))
        (None, 14, 14, 16)
    """
    layer = keras.layers.Conv2DTranspose(
        filters, kernel_size, strides=strides, padding="same", use_bias=use_bias, name=name
    )
    return _maybe_spectral(layer, spectral_norm, name)


def label_embedding(labels: Tensor, num_classes: int, dim: int, *, name: str) -> Tensor:
    """A learned ``(batch, dim)`` vector per class label; ``labels`` is int ``(batch,)``.

    Example:
        >>> import keras
        >>> from ganlib.models.layers import label_embedding
        >>> labels = keras.Input(shape=(), dtype="int32")
        >>> label_embedding(labels, 10, 50, name="label_embedding").shape
        (None, 50)
    """
    embedded = keras.layers.Embedding(num_classes, dim, name=name)(labels)
    if len(embedded.shape) == 3:  # labels declared with shape (1,)
        embedded = keras.layers.Flatten(name=f"{name}_flat")(embedded)
    return embedded


def label_map(
    labels: Tensor, num_classes: int, spatial_shape: tuple[int, ...], *, name: str
) -> Tensor:
    """A learned one-channel map ``(batch, *spatial_shape, 1)`` per class label.

    Used for "concat" conditioning of convolutional discriminators: the map is
    concatenated to the image as one more channel.

    Example:
        >>> import keras
        >>> from ganlib.models.layers import label_map
        >>> labels = keras.Input(shape=(), dtype="int32")
        >>> label_map(labels, 10, (28, 28), name="label_map").shape
        (None, 28, 28, 1)
    """
    size = 1
    for dim in spatial_shape:
        size *= dim
    embedded = label_embedding(labels, num_classes, size, name=name)
    return keras.layers.Reshape((*spatial_shape, 1), name=f"{name}_reshape")(embedded)
