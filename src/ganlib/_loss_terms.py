"""Pieces of the loss assembly shared by `GANTrainer` and its subclasses (private)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf


def flat(value: Any) -> tf.Tensor:
    """float32; per-example values flattened to `(batch,)` so terms add without broadcasting."""
    value = tf.cast(value, "float32")
    return tf.reshape(value, [-1]) if value.shape.rank else value


def adversarial_generator_loss(
    trainer: Any, fake_out: tf.Tensor, real: Any = None, real_labels: Any = None
) -> tf.Tensor:
    """The per-example adversarial G loss from D's outputs `fake_out` on generated samples.

    D runs again only on `real`, and only for a loss with `generator_needs_real`
    (RelativisticAverage). A subclass whose D returns more than the adversarial logit (AC-GAN,
    InfoGAN) passes its first column, so one D pass on the generated batch serves every term.
    """
    if not trainer.loss_fn.generator_needs_real:
        return flat(trainer.loss_fn.generator(fake_out, reduction="none"))
    if real is None:
        raise ValueError(f"{trainer.loss_fn!r} needs the real batch: pass `real`.")
    real_out = trainer.discriminate(trainer.discriminator_input(real), real_labels)
    return flat(trainer.loss_fn.generator(fake_out, real_out, reduction="none"))
