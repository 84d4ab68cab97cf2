"""Differentiable augmentation of discriminator inputs: DiffAugment and ADA.

Pure TensorFlow functions with explicit stateless seeds (`brightness`, `saturation`,
`contrast`, `translation`, `cutout`), a policy object applying a list of them (`DiffAugment`),
and ADA's two formulas (`overfitting_heuristic`, `adjust_probability`). Use them in your own
loop, or pass a policy to ``GANTrainer(augment=...)``; see docs/quality.md.

Example:
    >>> import tensorflow as tf
    >>> from ganlib import augment
    >>> x = tf.zeros((2, 8, 8, 1))
    >>> augment.DiffAugment()(x, seed=[0, 1]).shape
    TensorShape([2, 8, 8, 1])
"""

from __future__ import annotations

from ganlib.augment.ops import brightness, contrast, cutout, saturation, translation
from ganlib.augment.policy import (
    OPERATIONS,
    DiffAugment,
    adjust_probability,
    overfitting_heuristic,
)

__all__ = [
    "OPERATIONS",
    "DiffAugment",
    "adjust_probability",
    "brightness",
    "contrast",
    "cutout",
    "overfitting_heuristic",
    "saturation",
    "translation",
]
