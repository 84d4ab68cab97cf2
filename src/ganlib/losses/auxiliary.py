"""Auxiliary-task losses: AC-GAN's class terms and InfoGAN's mutual-information term.

Plain functions of tensors, like the adversarial losses: they return the batch mean as a float32
scalar, or per-example values ``(batch,)`` with ``reduction="none"``. They are the *extra* terms;
add them to an adversarial loss (e.g. ``non_saturating_discriminator_loss``).

- :func:`acgan_discriminator_loss` / :func:`acgan_generator_loss`: softmax cross-entropy of the
  auxiliary classifier (Odena et al. 2017, arXiv:1610.09585, ``L_C``);
- :func:`mutual_information_penalty`: ``-E[log Q(c | G(z, c))]`` for categorical and continuous
  codes, the variational lower bound on ``I(c; G(z, c))`` minus the constant ``H(c)``
  (Chen et al. 2016, arXiv:1606.03657, eq. 5).
"""

from __future__ import annotations

import math
from typing import Any

import tensorflow as tf

from ganlib.losses._checks import as_float32, check_reduction, check_same_batch, reduce

__all__ = ["acgan_discriminator_loss", "acgan_generator_loss", "mutual_information_penalty"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _cross_entropy(logits: Any, labels: Any, name: str, labels_name: str) -> tf.Tensor:
    """Element-wise softmax cross-entropy; ``labels`` are ints ``(batch, ...)`` or one-hot."""
    logits = as_float32(logits, name)
    labels = tf.convert_to_tensor(labels)
    if logits.shape.rank is not None and logits.shape.rank < 2:
        raise ValueError(
            f"`{name}` must have shape (batch, ..., num_classes). "
            f"Received: {name}.shape={tuple(logits.shape)}"
        )
    if labels.shape.rank == logits.shape.rank:  # one-hot (or soft) labels
        check_same_batch(logits, tf.cast(labels, tf.float32), name, labels_name)
        if not labels.shape.is_compatible_with(logits.shape):
            raise ValueError(
                f"One-hot `{labels_name}` must have the shape of `{name}`. Received: "
                f"{labels_name}.shape={tuple(labels.shape)}, {name}.shape={tuple(logits.shape)}"
            )
        return tf.nn.softmax_cross_entropy_with_logits(tf.cast(labels, tf.float32), logits)
    if labels.dtype.is_floating or labels.dtype == tf.bool:
        raise TypeError(
            f"`{labels_name}` must be integer class ids of shape {tuple(logits.shape[:-1])} or "
            f"one-hot of shape {tuple(logits.shape)}. Received: dtype={labels.dtype.name}, "
            f"shape={tuple(labels.shape)}"
        )
    if labels.shape.rank is not None and labels.shape.rank != logits.shape.rank - 1:
        raise ValueError(
            f"`{labels_name}` must have shape {tuple(logits.shape[:-1])} (class ids) or "
            f"{tuple(logits.shape)} (one-hot). Received: {labels_name}.shape={tuple(labels.shape)}"
        )
    return tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(labels, tf.int32), logits)


def acgan_generator_loss(
    fake_class_logits: Any, labels: Any, *, reduction: str = "mean"
) -> tf.Tensor:
    """AC-GAN generator term: ``-E[log P(C = c | G(z, c))]`` (Odena et al. 2017).

    The cross-entropy of the discriminator's auxiliary classifier on generated images against
    the classes they were generated for; add it to the generator's adversarial loss.

    Args:
        fake_class_logits: class logits on generated images, ``(batch, ..., num_classes)``.
        labels: the requested classes, int ``(batch, ...)`` or one-hot like the logits.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import acgan_generator_loss
        >>> print(f"{float(acgan_generator_loss([[0.0, 0.0]], [1])):.4f}")  # log 2
        0.6931
    """
    reduction = check_reduction(reduction)
    values = _cross_entropy(fake_class_logits, labels, "fake_class_logits", "labels")
    return reduce(values, reduction)


def acgan_discriminator_loss(
    real_class_logits: Any,
    fake_class_logits: Any,
    labels: Any,
    fake_labels: Any = None,
    *,
    fake_weight: float = 1.0,
    reduction: str = "mean",
) -> tf.Tensor:
    """AC-GAN discriminator term: ``-E[log P(C = c | x)] - E[log P(C = c | G(z, c))]``.

    The auxiliary classifier is trained on both real and generated images (Odena et al. 2017,
    ``L_C``); add it to the discriminator's adversarial loss. ``fake_labels`` defaults to
    ``labels`` (generated images made for the real batch's classes, as in TF-GAN).
    ``fake_weight`` scales the generated images' term (1: the paper and TF-GAN; 0: the
    classifier learns from real images only).

    Args:
        real_class_logits: class logits on real images, ``(batch, ..., num_classes)``.
        fake_class_logits: class logits on generated images, the same shape.
        labels: classes of the real images, int ``(batch, ...)`` or one-hot.
        fake_labels: classes the generated images were made for (default: ``labels``).
        fake_weight: weight of the generated images' term, ``>= 0`` (default 1).
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import acgan_discriminator_loss
        >>> print(f"{float(acgan_discriminator_loss([[0.0, 0.0]], [[0.0, 0.0]], [0])):.4f}")
        1.3863
    """
    reduction = check_reduction(reduction)
    if isinstance(fake_weight, bool) or not float(fake_weight) >= 0:
        raise ValueError(f"`fake_weight` must be a number >= 0. Received: {fake_weight!r}")
    fake_labels = labels if fake_labels is None else fake_labels
    real = _cross_entropy(real_class_logits, labels, "real_class_logits", "labels")
    fake = _cross_entropy(fake_class_logits, fake_labels, "fake_class_logits", "fake_labels")
    check_same_batch(real, fake, "real_class_logits", "fake_class_logits")
    return reduce(real, reduction) + float(fake_weight) * reduce(fake, reduction)


def mutual_information_penalty(
    categorical_codes: Any = None,
    categorical_logits: Any = None,
    continuous_codes: Any = None,
    continuous_mean: Any = None,
    continuous_log_std: Any = None,
    *,
    reduction: str = "mean",
) -> tf.Tensor:
    """InfoGAN's term ``-E[log Q(c | G(z, c))]``, summed over the codes (Chen et al. 2016).

    Minimising it (for both G and the Q head) maximises the lower bound ``H(c) - this`` on
    the mutual information between the codes and the generated image.

    - categorical codes: int ids ``(batch,)`` or one-hot ``(batch, k)`` with Q's logits
      ``(batch, k)``: the softmax cross-entropy;
    - continuous codes ``(batch, m)`` with Q's Gaussian ``mean`` (and ``log_std``, default 0,
      i.e. unit variance): the Gaussian negative log-likelihood
      ``sum_j (c_j - mu_j)^2 / (2 sigma_j^2) + log sigma_j + log(2 pi) / 2``.

    TF-GAN's ``mutual_information_penalty`` averages the code terms instead of summing them:
    its published value 1.61610 (a categorical and a Gaussian code) is 3.23220 here.

    Args:
        categorical_codes: the categorical code given to G, or None.
        categorical_logits: Q's logits for it (required with ``categorical_codes``).
        continuous_codes: the continuous codes given to G, ``(batch, m)``, or None.
        continuous_mean: Q's predicted means, ``(batch, m)``.
        continuous_log_std: Q's predicted log standard deviations, or None for 0.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import mutual_information_penalty
        >>> value = mutual_information_penalty([1], [[1.0, 2.0]], [[2.0]], [[0.0]])
        >>> print(f"{float(value):.4f}")
        3.2322
    """
    reduction = check_reduction(reduction)
    if categorical_codes is None and continuous_codes is None:
        raise ValueError(
            "mutual_information_penalty needs `categorical_codes` and/or `continuous_codes`. "
            "Received: both None"
        )
    terms = []
    if categorical_codes is not None:
        if categorical_logits is None:
            raise ValueError("`categorical_logits` is required with `categorical_codes`.")
        values = _cross_entropy(
            categorical_logits, categorical_codes, "categorical_logits", "categorical_codes"
        )
        terms.append(reduce(values, "none"))
    if continuous_codes is not None:
        if continuous_mean is None:
            raise ValueError("`continuous_mean` is required with `continuous_codes`.")
        codes = as_float32(continuous_codes, "continuous_codes")
        mean = as_float32(continuous_mean, "continuous_mean")
        if not codes.shape.is_compatible_with(mean.shape):
            raise ValueError(
                "`continuous_codes` and `continuous_mean` must have the same shape. Received: "
                f"{tuple(codes.shape)} and {tuple(mean.shape)}"
            )
        log_std = (
            tf.zeros_like(mean)
            if continuous_log_std is None
            else as_float32(continuous_log_std, "continuous_log_std")
        )
        nll = 0.5 * tf.square((codes - mean) * tf.exp(-log_std)) + log_std + _HALF_LOG_2PI
        nll = tf.reshape(nll, [tf.shape(nll)[0], -1])
        terms.append(tf.reduce_sum(nll, axis=1))
    total = tf.add_n(terms) if len(terms) > 1 else terms[0]
    return reduce(total, reduction)
