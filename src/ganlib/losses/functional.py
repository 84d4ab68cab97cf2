"""GAN losses as plain functions of discriminator outputs.

Every function takes discriminator outputs (logits by default), casts them to float32 (so
float16 / bfloat16 outputs from mixed precision work) and returns the mean over the batch as a
float32 scalar, or the per-example values, shape ``(batch,)``, with ``reduction="none"``.
Outputs of shape ``(batch, 1)``, ``(batch,)`` or ``(batch, ...)`` (e.g. patch discriminators)
are accepted; extra axes are averaged per example. Under ``tf.distribute`` use
``reduction="none"`` and divide the sum by the global batch size.

Functions follow one signature: ``x_generator_loss(fake_logits)`` and
``x_discriminator_loss(real_logits, fake_logits)``, both to be *minimised*.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from ganlib.losses._checks import (
    as_float32,
    check_label,
    check_number,
    check_reduction,
    check_same_batch,
    reduce,
)

__all__ = [
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "relativistic_average_discriminator_loss",
    "relativistic_average_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]


def _bce(outputs: tf.Tensor, target: float, from_logits: bool) -> tf.Tensor:
    """Element-wise binary cross-entropy of ``outputs`` against a constant ``target``."""
    if from_logits:
        labels = tf.fill(tf.shape(outputs), tf.constant(target, tf.float32))
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=outputs)
    eps = keras.config.epsilon()
    probs = tf.clip_by_value(outputs, eps, 1.0 - eps)
    return -(target * tf.math.log(probs) + (1.0 - target) * tf.math.log(1.0 - probs))


def _pair(real_logits: Any, fake_logits: Any) -> tuple[tf.Tensor, tf.Tensor]:
    real = as_float32(real_logits, "real_logits")
    fake = as_float32(fake_logits, "fake_logits")
    check_same_batch(real, fake, "real_logits", "fake_logits")
    return real, fake


def non_saturating_generator_loss(
    fake_logits: Any, *, from_logits: bool = True, reduction: str = "mean"
) -> tf.Tensor:
    """Non-saturating generator loss: ``-E[log D(G(z))]`` (Goodfellow et al. 2014, sec. 3).

    The generator maximises ``log D(G(z))`` instead of minimising ``log(1 - D(G(z)))``, which
    keeps strong gradients early in training. Equals binary cross-entropy against target 1.

    Args:
        fake_logits: discriminator outputs on generated samples, shape ``(batch, ...)``.
        from_logits: ``True`` for logits, ``False`` for probabilities (a sigmoid output).
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> loss = non_saturating_generator_loss([[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.5f}")
        1.38582
    """
    reduction = check_reduction(reduction)
    fake = as_float32(fake_logits, "fake_logits")
    return reduce(_bce(fake, 1.0, from_logits), reduction)


def non_saturating_discriminator_loss(
    real_logits: Any,
    fake_logits: Any,
    *,
    real_label: float = 1.0,
    fake_label: float = 0.0,
    from_logits: bool = True,
    reduction: str = "mean",
) -> tf.Tensor:
    """Discriminator binary cross-entropy with explicit (soft) targets.

    ``BCE(D(x), real_label) + BCE(D(G(z)), fake_label)``; with the default targets this is
    ``-E[log D(x)] - E[log(1 - D(G(z)))]`` (Goodfellow et al. 2014).

    Soft labels, three conventions that are easy to mix up:

    - One-sided label smoothing (Salimans et al. 2016, "Improved techniques for training GANs"):
      ``real_label=0.9, fake_label=0.0``; only the real target is softened.
    - Keras ``BinaryCrossentropy(label_smoothing=ls)`` is two-sided: targets become
      ``1 - ls/2`` and ``ls/2``, i.e. ``real_label=1 - ls/2, fake_label=ls/2``
      (``ls=0.2`` gives 0.9 and 0.1).
    - TF-GAN ``modified_discriminator_loss(label_smoothing=0.25)`` smooths the real term only,
      with the same ``1 - ls/2`` rule: ``real_label=0.875, fake_label=0.0``.

    Args:
        real_logits: discriminator outputs on real samples, shape ``(batch, ...)``.
        fake_logits: discriminator outputs on generated samples, same batch size.
        real_label: target for real samples, in [0, 1].
        fake_label: target for generated samples, in [0, 1].
        from_logits: ``True`` for logits, ``False`` for probabilities (a sigmoid output).
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> loss = non_saturating_discriminator_loss([[2.0]], [[-2.0]], real_label=0.9)
        >>> print(f"{float(loss):.4f}")
        0.4539
    """
    reduction = check_reduction(reduction)
    real_label = check_label(real_label, "real_label")
    fake_label = check_label(fake_label, "fake_label")
    real, fake = _pair(real_logits, fake_logits)
    real_term = reduce(_bce(real, real_label, from_logits), reduction)
    return real_term + reduce(_bce(fake, fake_label, from_logits), reduction)


def minimax_generator_loss(
    fake_logits: Any, *, from_logits: bool = True, reduction: str = "mean"
) -> tf.Tensor:
    """Minimax (saturating) generator loss: ``E[log(1 - D(G(z)))]`` (Goodfellow et al. 2014).

    The original zero-sum objective; it saturates when the discriminator wins, so prefer
    :func:`non_saturating_generator_loss` in practice. Equals minus the cross-entropy against
    target 0. (TF-GAN's version also adds the real term, a constant for the generator.)

    Args:
        fake_logits: discriminator outputs on generated samples, shape ``(batch, ...)``.
        from_logits: ``True`` for logits, ``False`` for probabilities (a sigmoid output).
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> print(f"{float(minimax_generator_loss([[0.0]])):.4f}")  # log(1 - 0.5)
        -0.6931
    """
    reduction = check_reduction(reduction)
    fake = as_float32(fake_logits, "fake_logits")
    return reduce(-_bce(fake, 0.0, from_logits), reduction)


def minimax_discriminator_loss(
    real_logits: Any,
    fake_logits: Any,
    *,
    real_label: float = 1.0,
    fake_label: float = 0.0,
    from_logits: bool = True,
    reduction: str = "mean",
) -> tf.Tensor:
    """Minimax discriminator loss: ``-E[log D(x)] - E[log(1 - D(G(z)))]`` (Goodfellow 2014).

    Identical to :func:`non_saturating_discriminator_loss` (the two games differ only in the
    generator's loss); see there for ``real_label``/``fake_label`` and soft labels.

    Example:
        >>> print(f"{float(minimax_discriminator_loss([[0.0]], [[0.0]])):.4f}")  # 2 log 2
        1.3863
    """
    return non_saturating_discriminator_loss(
        real_logits,
        fake_logits,
        real_label=real_label,
        fake_label=fake_label,
        from_logits=from_logits,
        reduction=reduction,
    )


def least_squares_generator_loss(
    fake_logits: Any, *, c: float = 1.0, reduction: str = "mean"
) -> tf.Tensor:
    """Least-squares generator loss: ``1/2 E[(D(G(z)) - c)^2]`` (Mao et al. 2017, LSGAN).

    ``D`` is the raw (linear) discriminator output. ``c`` is the value the generator wants the
    discriminator to give its samples (``c = b = 1`` in the 0-1 coding).

    Example:
        >>> loss = least_squares_generator_loss([[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.5f}")
        17.69625
    """
    reduction = check_reduction(reduction)
    c = check_number(c, "c")
    fake = as_float32(fake_logits, "fake_logits")
    return reduce(0.5 * tf.square(fake - c), reduction)


def least_squares_discriminator_loss(
    real_logits: Any,
    fake_logits: Any,
    *,
    a: float = 0.0,
    b: float = 1.0,
    reduction: str = "mean",
) -> tf.Tensor:
    """Least-squares discriminator loss: ``1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]``.

    Mao et al. 2017 (LSGAN): ``a`` is the target for fakes, ``b`` for reals; the 0-1 coding
    ``a=0, b=1, c=1`` is the default, ``a=-1, b=1, c=0`` the Pearson chi-square one.

    Example:
        >>> loss = least_squares_discriminator_loss(
        ...     [[-5.0], [1.4], [12.5], [2.7]], [[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.5f}")
        41.73375
    """
    reduction = check_reduction(reduction)
    a = check_number(a, "a")
    b = check_number(b, "b")
    real, fake = _pair(real_logits, fake_logits)
    return reduce(0.5 * tf.square(real - b), reduction) + reduce(
        0.5 * tf.square(fake - a), reduction
    )


def wasserstein_generator_loss(fake_logits: Any, *, reduction: str = "mean") -> tf.Tensor:
    """Wasserstein generator loss: ``-E[D(G(z))]`` (Arjovsky et al. 2017, WGAN).

    ``D`` is the critic's raw output. Pair with a Lipschitz constraint on the critic, e.g.
    :func:`gradient_penalty` (WGAN-GP) or spectral normalization.

    Example:
        >>> loss = wasserstein_generator_loss([[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.3f}")
        -3.125
    """
    reduction = check_reduction(reduction)
    fake = as_float32(fake_logits, "fake_logits")
    return reduce(-fake, reduction)


def wasserstein_discriminator_loss(
    real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
) -> tf.Tensor:
    """Wasserstein critic loss: ``E[D(G(z))] - E[D(x)]`` (Arjovsky et al. 2017, WGAN).

    Its negative estimates the Wasserstein-1 distance when the critic is 1-Lipschitz.

    Example:
        >>> loss = wasserstein_discriminator_loss(
        ...     [[-5.0], [1.4], [12.5], [2.7]], [[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.3f}")
        0.225
    """
    reduction = check_reduction(reduction)
    real, fake = _pair(real_logits, fake_logits)
    return reduce(fake, reduction) - reduce(real, reduction)


def hinge_generator_loss(fake_logits: Any, *, reduction: str = "mean") -> tf.Tensor:
    """Hinge generator loss: ``-E[D(G(z))]`` (Lim & Ye 2017; Miyato et al. 2018, SN-GAN).

    The same function as :func:`wasserstein_generator_loss`; only the discriminator differs.

    Example:
        >>> print(f"{float(hinge_generator_loss([[10.0], [4.4], [-5.5], [3.6]])):.3f}")
        -3.125
    """
    return wasserstein_generator_loss(fake_logits, reduction=reduction)


def hinge_discriminator_loss(
    real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
) -> tf.Tensor:
    """Hinge discriminator loss: ``E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]``.

    Lim & Ye 2017 (Geometric GAN); used by SN-GAN (Miyato et al. 2018), SAGAN and BigGAN.

    Example:
        >>> loss = hinge_discriminator_loss(
        ...     [[-5.0], [1.4], [12.5], [2.7]], [[10.0], [4.4], [-5.5], [3.6]])
        >>> print(f"{float(loss):.2f}")
        6.75
    """
    reduction = check_reduction(reduction)
    real, fake = _pair(real_logits, fake_logits)
    return reduce(tf.nn.relu(1.0 - real), reduction) + reduce(tf.nn.relu(1.0 + fake), reduction)


def _relativistic(first: tf.Tensor, second: tf.Tensor, reduction: str) -> tf.Tensor:
    """``BCE(first - mean(second), 1) + BCE(second - mean(first), 0)``."""
    toward_one = _bce(first - tf.reduce_mean(second), 1.0, True)
    toward_zero = _bce(second - tf.reduce_mean(first), 0.0, True)
    return reduce(toward_one, reduction) + reduce(toward_zero, reduction)


def relativistic_average_generator_loss(
    fake_logits: Any, real_logits: Any, *, reduction: str = "mean"
) -> tf.Tensor:
    """Relativistic average generator loss (RaSGAN; Jolicoeur-Martineau 2018).

    ``-E[log sigmoid(C(G(z)) - E[C(x)])] - E[log(1 - sigmoid(C(x) - E[C(G(z))]))]`` with ``C``
    the raw discriminator output. Needs the real logits too. The inner means are over the
    batch seen by this call (per replica under ``tf.distribute``).

    Example:
        >>> loss = relativistic_average_generator_loss([[0.0], [1.0]], [[1.0], [2.0]])
        >>> print(f"{float(loss):.4f}")
        2.6755
    """
    reduction = check_reduction(reduction)
    real, fake = _pair(real_logits, fake_logits)
    return _relativistic(fake, real, reduction)


def relativistic_average_discriminator_loss(
    real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
) -> tf.Tensor:
    """Relativistic average discriminator loss (RaSGAN; Jolicoeur-Martineau 2018).

    ``-E[log sigmoid(C(x) - E[C(G(z))])] - E[log(1 - sigmoid(C(G(z)) - E[C(x)]))]``: the
    discriminator estimates how much more realistic real data is than the average fake.

    Example:
        >>> loss = relativistic_average_discriminator_loss([[1.0], [2.0]], [[0.0], [1.0]])
        >>> print(f"{float(loss):.4f}")
        0.6755
    """
    reduction = check_reduction(reduction)
    real, fake = _pair(real_logits, fake_logits)
    return _relativistic(real, fake, reduction)
