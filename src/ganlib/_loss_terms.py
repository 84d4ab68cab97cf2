"""Pieces of the loss assembly shared by `GANTrainer` and its subclasses (private)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from ganlib.losses.lazy import lazy_penalty


def flat(value: Any) -> tf.Tensor:
    """float32; per-example values flattened to `(batch,)` so terms add without broadcasting."""
    value = tf.cast(value, "float32")
    return tf.reshape(value, [-1]) if value.shape.rank else value


def add_penalties(
    trainer: Any, loss: tf.Tensor, logs: dict[str, Any], real: Any, fake: Any, labels: Any
) -> tuple[tf.Tensor, dict[str, Any]]:
    """`loss` plus each of `trainer.penalties` (weighted, lazily every `penalty_every` steps)
    on the D inputs `real`/`fake`, through `trainer.penalized_discriminator`; each logged."""
    d_labels = None if labels is None else trainer._labels_for(trainer.discriminator, labels)
    every = 1 if trainer._seeds_fixed else trainer.penalty_every  # test_step: every step
    for p in trainer.penalties:
        seed = trainer._seed()

        def value(p: Any = p, seed: Any = seed) -> tf.Tensor:
            d = trainer.penalized_discriminator
            return flat(p(d, real, fake, labels=d_labels, seed=seed, reduction="none"))

        logs[p.name] = lazy_penalty(value, trainer.step_counter, every, tf.shape(loss))
        loss = loss + p.weight * logs[p.name]
    return loss, logs


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


class AdversarialLogit:
    """A discriminator with extra outputs (AC-GAN classes, InfoGAN codes) seen through its
    adversarial logit alone, column 0: what gradient penalties (GP, R1) must differentiate."""

    def __init__(self, discriminator: Any) -> None:
        self.discriminator = discriminator
        self.inputs = discriminator.inputs  # penalties check the label input against it

    def __call__(self, inputs: Any, training: bool = True) -> tf.Tensor:
        return self.discriminator(inputs, training=training)[:, :1]
