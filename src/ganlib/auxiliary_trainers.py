"""AC-GAN and InfoGAN as thin `GANTrainer` subclasses over its loss-assembly methods.

Both use one discriminator whose output holds the adversarial logit in column 0 and the
auxiliary head's logits after it (`(batch, 1 + k)`), so any builder whose `head` returns
`1 + k` units works (see `auxiliary_head_discriminator`). Only `discriminate`,
`discriminator_loss`, `generator_loss` (and, for InfoGAN, `generate`) are overridden.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from ganlib._loss_terms import AdversarialLogit, add_penalties, adversarial_generator_loss, flat
from ganlib.losses import (
    acgan_discriminator_loss,
    acgan_generator_loss,
    mutual_information_penalty,
)
from ganlib.models.auxiliary_head import auxiliary_head_discriminator
from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator
from ganlib.models.infogan_latent import infogan_latent
from ganlib.sampling.truncation import truncated_normal
from ganlib.trainer import GANTrainer

__all__ = [
    "ACGANTrainer",
    "InfoGANDiscriminator",
    "InfoGANGenerator",
    "InfoGANTrainer",
    "auxiliary_head_discriminator",
]


def _accepting_labels(discriminator: keras.Model) -> keras.Model:
    """D itself when it takes `[images, labels]`, else a two-input view sharing its weights."""
    if len(discriminator.inputs) == 2:  # a projection discriminator: the label is used
        return discriminator
    if len(discriminator.inputs) != 1:
        raise ValueError(
            "The AC-GAN discriminator takes images (or `[images, labels]` for a projection "
            f"discriminator). Received a model with {len(discriminator.inputs)} inputs"
        )
    images = keras.Input(tuple(discriminator.inputs[0].shape[1:]), name="images")
    labels = keras.Input((), dtype="int32", name="labels")
    return keras.Model([images, labels], discriminator(images), name=discriminator.name)


class ACGANTrainer(GANTrainer):
    """AC-GAN (Odena et al. 2017): D also classifies, G is rewarded for its requested class.

    `generator` is conditional (`[z, labels]`, e.g. `DCGANGenerator(num_classes=10)`);
    `discriminator` returns `(batch, 1 + num_classes)`: the adversarial logit, then class
    logits. It takes images only, or `[images, labels]` when its adversarial logit is
    label-conditioned (a projection discriminator from `auxiliary_head_discriminator`; it
    gets the class each image is real for or was generated for). D loss: adversarial +
    `class_weight * acgan_discriminator_loss` (real and generated images classified;
    `fake_class_weight` scales the generated images' part: 1 as in the paper, 0 for a
    classifier that learns from real images only); G loss: adversarial + `class_weight *
    acgan_generator_loss`. Train with `fit(x, labels)`.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib import models
        >>> from ganlib.auxiliary_trainers import ACGANTrainer
        >>> g = models.MLPGenerator(latent_dim=8, output_shape=(4,), num_classes=3,
        ...                         hidden_units=(16,)).build()
        >>> d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1 + 3)])
        >>> trainer = ACGANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> x, y = np.zeros((16, 4), "float32"), np.arange(16) % 3
        >>> sorted(trainer.fit(x, y, batch_size=8, verbose=0).history)
        ['d_class', 'd_fake', 'd_loss', 'd_real', 'g_class', 'g_loss']
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        loss: Any = None,
        class_weight: float = 1.0,
        fake_class_weight: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(generator, _accepting_labels(discriminator), loss=loss, **kwargs)
        self.discriminator_takes_labels = len(discriminator.inputs) == 2
        assert self.num_classes is not None
        width = self.discriminator.outputs[0].shape[-1]
        if width != 1 + self.num_classes:
            raise ValueError(
                f"The discriminator must return 1 + num_classes = {1 + self.num_classes} "
                f"logits per sample (adversarial, then classes). Received width {width}"
            )
        for name, value in [
            ("class_weight", class_weight),
            ("fake_class_weight", fake_class_weight),
        ]:
            if isinstance(value, bool) or not value >= 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {value!r}")
        self.class_weight, self.fake_class_weight = float(class_weight), float(fake_class_weight)
        self.track_metric("d_class")
        self.track_metric("g_class")

    @property
    def penalized_discriminator(self) -> Any:
        """D's adversarial logit alone: penalties leave the class logits free."""
        return AdversarialLogit(self.discriminator)

    def discriminate(self, x: tf.Tensor, labels: Any = None, training: bool = True) -> tf.Tensor:
        """The adversarial logit `(batch, 1)` (all of D's output: `discriminate_all`)."""
        return self.discriminate_all(x, labels, training)[:, :1]

    def discriminate_all(
        self, x: tf.Tensor, labels: Any = None, training: bool = True
    ) -> tf.Tensor:
        """D's whole float32 output `(batch, 1 + num_classes)`.

        `labels` reach D only when it takes them (projection); otherwise they are ignored.
        """
        if not self.discriminator_takes_labels:
            labels = tf.zeros(tf.shape(x)[:1], "int32")
        elif labels is None:
            raise ValueError("This AC-GAN discriminator is label-conditioned: pass `labels`.")
        labels = self._labels_for(self.discriminator, labels)
        return tf.cast(self.discriminator([x, labels], training=training), "float32")

    def discriminator_loss(
        self, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None = None
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Adversarial D loss plus `class_weight` times the classifier's loss on both batches."""
        labels = tf.cast(tf.reshape(labels, [-1]), "int32")
        real, fake = self.discriminator_input(real), self.discriminator_input(fake)
        real_out, fake_out = (
            self.discriminate_all(real, labels),
            self.discriminate_all(fake, labels),
        )
        adv = self.loss_fn.discriminator(real_out[:, :1], fake_out[:, :1], reduction="none")
        cls = acgan_discriminator_loss(
            real_out[:, 1:],
            fake_out[:, 1:],
            labels,
            fake_weight=self.fake_class_weight,
            reduction="none",
        )
        logs = {"d_real": real_out[:, :1], "d_fake": fake_out[:, :1], "d_class": cls}
        return add_penalties(self, flat(adv) + self.class_weight * cls, logs, real, fake, labels)

    def generator_loss(
        self,
        fake: tf.Tensor,
        labels: tf.Tensor | None = None,
        real: tf.Tensor | None = None,
        real_labels: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Adversarial G loss plus `class_weight` times the classifier's loss on `fake`.

        One D pass on `fake` gives both terms (column 0 and the class logits).
        """
        labels = tf.cast(tf.reshape(labels, [-1]), "int32")
        fake_out = self.discriminate_all(self.discriminator_input(fake), labels)
        adv = adversarial_generator_loss(self, fake_out[:, :1], real, real_labels)
        cls = acgan_generator_loss(fake_out[:, 1:], labels, reduction="none")
        return adv + self.class_weight * cls, {"g_class": cls}


class _Codes:
    """Plain holder for the codes of the last `generate` call (not tracked by Keras)."""

    categorical: Any = None
    continuous: Any = None
    output: Any = None  # D's whole output on the last `discriminate` call


class InfoGANTrainer(GANTrainer):
    """InfoGAN (Chen et al. 2016): latent codes the discriminator's Q head must recover.

    The first `num_categories` latent entries define a categorical code (their argmax,
    uniform under N(0, I) noise) that the generator receives one-hot in their place; the
    next `num_continuous` entries are continuous codes (N(0, 1)). `discriminator` returns
    `(batch, 1 + num_categories + num_continuous)`: the adversarial logit, the code logits,
    the code means. Both D (with Q) and G add `info_weight * mutual_information_penalty`.
    The remaining (incompressible) noise reaches G multiplied by `noise_scale` (1: N(0, 1);
    Chen et al. 2016 draw it from U(-1, 1), standard deviation 0.58). A smaller scale makes
    the noise a weaker input than the code; with Adam it also learns proportionally slower.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.auxiliary_trainers import InfoGANTrainer
        >>> g = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])
        >>> d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1 + 3 + 1)])
        >>> trainer = InfoGANTrainer(g, d, num_categories=3, num_continuous=1, seed=0)
        >>> trainer.compile()
        >>> sorted(trainer.fit(np.zeros((16, 4), "float32"), batch_size=8, verbose=0).history)
        ['d_fake', 'd_info', 'd_loss', 'd_real', 'g_info', 'g_loss']
        >>> trainer.generate_codes([0, 2], seed=0).shape
        (2, 4)
        >>> trainer.generate_codes([1], [[0.5]], seed=0, truncation=0.5).shape
        (1, 4)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        loss: Any = None,
        num_categories: int = 10,
        num_continuous: int = 0,
        info_weight: float = 1.0,
        noise_scale: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(generator, discriminator, loss=loss, **kwargs)
        if self.conditional:
            raise ValueError("InfoGANTrainer takes unconditional models (the codes are latent).")
        if isinstance(num_categories, bool) or not isinstance(num_categories, int):
            raise TypeError(f"`num_categories` must be an int. Received: {num_categories!r}")
        if num_categories < 2 and num_categories != 0:
            raise ValueError(f"`num_categories` must be 0 or >= 2. Received: {num_categories}")
        if (
            isinstance(num_continuous, bool)
            or not isinstance(num_continuous, int)
            or (num_continuous < 0)
        ):
            raise ValueError(f"`num_continuous` must be an int >= 0. Received: {num_continuous!r}")
        if (
            num_categories + num_continuous == 0
            or num_categories + num_continuous > self.latent_dim
        ):
            raise ValueError(
                f"The codes (num_categories={num_categories}, num_continuous={num_continuous}) "
                f"must be at least one and fit in latent_dim={self.latent_dim}."
            )
        width = self.discriminator.outputs[0].shape[-1]
        if width != 1 + num_categories + num_continuous:
            raise ValueError(
                f"The discriminator must return 1 + num_categories + num_continuous = "
                f"{1 + num_categories + num_continuous} values per sample. Received {width}"
            )
        self.num_categories, self.num_continuous = num_categories, num_continuous
        self.info_weight = float(info_weight)
        if isinstance(noise_scale, bool) or not float(noise_scale) > 0:
            raise ValueError(f"`noise_scale` must be a number > 0. Received: {noise_scale!r}")
        self.noise_scale = float(noise_scale)
        self._codes = _Codes()
        self.track_metric("d_info")
        self.track_metric("g_info")

    def generate(self, z: tf.Tensor, labels: Any = None, training: bool = True) -> Any:
        """G on `z` with its first `num_categories` entries replaced by the one-hot code.

        The entries after the codes are multiplied by `noise_scale` (`infogan_latent`).
        """
        z, self._codes.categorical, self._codes.continuous = infogan_latent(
            z, self.num_categories, self.num_continuous, self.noise_scale
        )  # `InfoGANLatent` and `with_infogan_latent` compute the same input
        return self.generator(z, training=training)

    @property
    def penalized_discriminator(self) -> Any:
        """D's adversarial logit alone: penalties leave Q's code outputs free."""
        return AdversarialLogit(self.discriminator)

    def discriminate(self, x: tf.Tensor, labels: Any = None, training: bool = True) -> tf.Tensor:
        """The adversarial logit `(batch, 1)`; D's whole output is kept for Q's code loss."""
        self._codes.output = super().discriminate(x, labels, training)
        return self._codes.output[:, :1]

    def _info(self, out: tf.Tensor) -> tf.Tensor:
        """Q's code loss from D's whole output on the generated batch."""
        k, c = self.num_categories, self.num_continuous
        return mutual_information_penalty(
            self._codes.categorical if k else None,
            out[:, 1 : 1 + k] if k else None,
            self._codes.continuous if c else None,
            out[:, 1 + k : 1 + k + c] if c else None,
            reduction="none",
        )

    def discriminator_loss(
        self, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None = None
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Adversarial D loss plus `info_weight` times Q's code loss on `fake`.

        One D pass on `fake` gives both terms: the last `discriminate` call of the adversarial
        loss is on `fake` (or on `[real; fake]` when the passes are fused), and Q's logits are
        read from its generated rows.
        """
        loss, logs = super().discriminator_loss(real, fake, labels)
        out = self._codes.output
        info = self._info(out[tf.shape(out)[0] - tf.shape(fake)[0] :])
        return loss + self.info_weight * info, {**logs, "d_info": info}

    def generator_loss(
        self,
        fake: tf.Tensor,
        labels: tf.Tensor | None = None,
        real: tf.Tensor | None = None,
        real_labels: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Adversarial G loss plus `info_weight` times Q's code loss on `fake` (one D pass)."""
        fake_out = self.discriminate(self.discriminator_input(fake))
        info = self._info(self._codes.output)
        loss = adversarial_generator_loss(self, fake_out, real, real_labels)
        return loss + self.info_weight * info, {"g_info": info}

    def generate_codes(
        self,
        categories: Any,
        continuous: Any = None,
        seed: int | None = None,
        truncation: float | None = None,
        use_ema: bool = True,
    ) -> Any:
        """Images for chosen categorical codes (and continuous codes), other noise from `seed`.

        `truncation=psi` draws the other noise from N(0, 1) restricted to `[-psi, psi]`
        (`ganlib.sampling.truncated_normal`, as `sample(truncation=...)` does); `None` draws
        plain N(0, 1). G runs in inference mode, with the EMA weights when the trainer has them
        (`GeneratorEMA`) unless `use_ema=False`.
        """
        import numpy as np

        categories = np.asarray(categories, dtype="int64").reshape(-1)
        if categories.size and (categories.min() < 0 or categories.max() >= self.num_categories):
            raise ValueError(
                f"`categories` must be in [0, {self.num_categories}). Received: {categories}"
            )
        rng = np.random.default_rng(seed)
        z = truncated_normal(rng, (len(categories), self.latent_dim), truncation)
        k, c = self.num_categories, self.num_continuous
        z[:, :k] = -10.0
        z[np.arange(len(categories)), categories] = 10.0
        if continuous is not None:
            z[:, k : k + c] = np.asarray(continuous, dtype="float32").reshape(len(categories), c)
        with self.ema_swapped(use_ema):
            out = self.generate(tf.constant(z), training=False)
        return keras.ops.convert_to_numpy(out)
