"""Reconstruction losses for image-to-image translation, as plain functions of tensors.

Every function takes images (or any ``(batch, ...)`` tensors), casts them to float32 and returns
the batch mean as a float32 scalar, or per-example values of shape ``(batch,)`` with
``reduction="none"`` (each example's values are averaged over its non-batch axes).

- :func:`l1_loss` / :func:`l2_loss`: ``E|y - G(x)|`` and ``E(y - G(x))^2`` (pix2pix uses L1,
  Isola et al. 2017, arXiv:1611.07004);
- :func:`cycle_consistency_loss`: ``E|x - F(G(x))| + E|y - G(F(y))|`` (Zhu et al. 2017,
  arXiv:1703.10593, eq. 2);
- :func:`identity_loss`: ``E|y - G(y)|``, CycleGAN's identity mapping term;
- :func:`combine_adversarial_loss`: ``adversarial + weight * reconstruction`` (pix2pix's
  ``L_cGAN + lambda * L_L1`` with ``lambda = 100``).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from ganlib.losses._checks import (
    as_float32,
    check_reduction,
    check_same_batch,
    check_weight,
    reduce,
)

__all__ = [
    "combine_adversarial_loss",
    "cycle_consistency_loss",
    "identity_loss",
    "l1_loss",
    "l2_loss",
]


def _pair(target: Any, output: Any, name_t: str, name_o: str) -> tuple[tf.Tensor, tf.Tensor]:
    t = as_float32(target, name_t)
    o = as_float32(output, name_o)
    if t.shape.rank is not None and o.shape.rank is not None:
        check_same_batch(t, o, name_t, name_o)
        if not t.shape[1:].is_compatible_with(o.shape[1:]):
            raise ValueError(
                f"`{name_t}` and `{name_o}` must have the same shape. "
                f"Received: {name_t}.shape={tuple(t.shape)}, {name_o}.shape={tuple(o.shape)}"
            )
    return t, o


def l1_loss(target: Any, output: Any, *, reduction: str = "mean") -> tf.Tensor:
    """Mean absolute error ``E|target - output|`` (pix2pix's L1 term, Isola et al. 2017).

    Args:
        target: the reference images, shape ``(batch, ...)``.
        output: the generated images, the same shape.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import l1_loss
        >>> print(f"{float(l1_loss([[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [4.0, 4.0]])):.2f}")
        0.75
    """
    reduction = check_reduction(reduction)
    t, o = _pair(target, output, "target", "output")
    return reduce(tf.abs(t - o), reduction)


def l2_loss(target: Any, output: Any, *, reduction: str = "mean") -> tf.Tensor:
    """Mean squared error ``E(target - output)^2``.

    Args:
        target: the reference images, shape ``(batch, ...)``.
        output: the generated images, the same shape.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import l2_loss
        >>> print(f"{float(l2_loss([[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [4.0, 4.0]])):.2f}")
        1.25
    """
    reduction = check_reduction(reduction)
    t, o = _pair(target, output, "target", "output")
    return reduce(tf.square(t - o), reduction)


def cycle_consistency_loss(
    real_a: Any,
    cycled_a: Any,
    real_b: Any,
    cycled_b: Any,
    *,
    reduction: str = "mean",
) -> tf.Tensor:
    """Cycle consistency ``E|a - F(G(a))| + E|b - G(F(b))|`` (Zhu et al. 2017, eq. 2).

    The sum of both directions, as in the paper (whose ``lambda = 10`` multiplies this sum).
    TF-GAN's ``cycle_consistency_loss`` returns half of it (the mean of the two directions):
    its published test value 5.25 is 10.5 here.

    Args:
        real_a: images of domain A, shape ``(batch, ...)``.
        cycled_a: ``F(G(real_a))``, the same shape.
        real_b: images of domain B, the same batch size as ``real_a``.
        cycled_b: ``G(F(real_b))``, the shape of ``real_b``.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example sums, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import cycle_consistency_loss
        >>> a, b = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0], [9.0]]
        >>> a_cycled, b_cycled = [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]], [[-2.0], [3.0]]
        >>> print(f"{float(cycle_consistency_loss(a, a_cycled, b, b_cycled)):.2f}")
        10.50
    """
    reduction = check_reduction(reduction)
    a, a_cycled = _pair(real_a, cycled_a, "real_a", "cycled_a")
    b, b_cycled = _pair(real_b, cycled_b, "real_b", "cycled_b")
    check_same_batch(a, b, "real_a", "real_b")
    return reduce(tf.abs(a - a_cycled), reduction) + reduce(tf.abs(b - b_cycled), reduction)


def identity_loss(real: Any, mapped: Any, *, reduction: str = "mean") -> tf.Tensor:
    """Identity mapping loss ``E|y - G(y)|``: a generator fed its own target domain.

    CycleGAN (Zhu et al. 2017, sec. 5.2) adds it, weighted ``0.5 * lambda``, to keep colours
    and content when a real image of the target domain goes through the generator.

    Args:
        real: images of the generator's target domain, shape ``(batch, ...)``.
        mapped: the generator applied to them, the same shape.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> from ganlib.losses import identity_loss
        >>> print(f"{float(identity_loss([[0.5, -0.5]], [[0.5, 0.5]])):.2f}")
        0.50
    """
    reduction = check_reduction(reduction)
    r, m = _pair(real, mapped, "real", "mapped")
    return reduce(tf.abs(r - m), reduction)


def combine_adversarial_loss(
    adversarial_loss: Any, reconstruction_loss: Any, *, weight: float = 100.0
) -> tf.Tensor:
    """``adversarial_loss + weight * reconstruction_loss`` (pix2pix: ``lambda = 100``).

    A fixed weight, as pix2pix and CycleGAN use. Both terms must have the same shape (two
    scalars, or two per-example ``(batch,)`` vectors from ``reduction="none"``). TF-GAN's
    ``combine_adversarial_loss`` also offers a gradient-ratio weighting; ganlib leaves it out
    (docs/translation.md explains why).

    Args:
        adversarial_loss: the generator's adversarial loss.
        reconstruction_loss: e.g. :func:`l1_loss` of target and output.
        weight: the reconstruction weight, a finite number >= 0.

    Example:
        >>> from ganlib.losses import combine_adversarial_loss
        >>> print(f"{float(combine_adversarial_loss(0.7, 0.02, weight=100.0)):.2f}")
        2.70
    """
    weight = check_weight(weight, "weight")
    adversarial = tf.cast(tf.convert_to_tensor(adversarial_loss), tf.float32)
    reconstruction = tf.cast(tf.convert_to_tensor(reconstruction_loss), tf.float32)
    if not adversarial.shape.is_compatible_with(reconstruction.shape):
        raise ValueError(
            "`adversarial_loss` and `reconstruction_loss` must have the same shape. Received: "
            f"{tuple(adversarial.shape)} and {tuple(reconstruction.shape)}"
        )
    return adversarial + weight * reconstruction
