"""`TranslationTrainer`: paired image-to-image translation (pix2pix, Isola et al. 2017).

A `keras.Model` trained with Keras's `fit` on `(inputs, targets)` pairs. Each step runs the
generator once, then updates D on `(x, y)` vs `(x, G(x))` and G on the adversarial loss plus
`reconstruction_weight * L1(y, G(x))` (pix2pix, eq. 4 with `lambda = 100`).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._trainer_checkpoint import core_groups
from ganlib._translation_common import (
    UNPAIRED_HINT,
    TranslationBase,
    architecture,
    check_loss,
    check_weight,
    image_shape,
)
from ganlib.distribute import replica_rows
from ganlib.losses import NonSaturating, l1_loss, l2_loss

__all__ = ["TranslationTrainer"]

_RECONSTRUCTIONS = {"l1": l1_loss, "l2": l2_loss}


class TranslationTrainer(TranslationBase):
    """Trains a paired translator `x -> y` with an adversarial loss plus `lambda * L1`.

    The discriminator sees the input and an output image concatenated on the channel axis
    (pix2pix's conditional D) when its input has `C_in + C_out` channels, or the output alone
    when it has `C_out`; any D output shape works (a PatchGAN grid is averaged per example).
    `fit(inputs, targets)` or a `tf.data.Dataset` of `(inputs, targets)` batches.

    Args:
        generator: a built `keras.Model`, images `(H, W, C_in)` -> images `(H, W, C_out)`.
        discriminator: a built `keras.Model` on `(H, W, C_in + C_out)` or `(H, W, C_out)`.
        loss: a `ganlib.losses.GANLoss` (default `NonSaturating()`, as pix2pix).
        reconstruction_weight: `lambda` of the reconstruction term (pix2pix: 100); 0 trains a
            plain conditional GAN, and a very large value approaches an L1-only regression.
        reconstruction: `"l1"` (pix2pix) or `"l2"`.
        seed: seed of the trainer's RNG (checkpointed).

    Example:
        >>> import numpy as np
        >>> from ganlib import TranslationTrainer, models
        >>> g = models.UNetGenerator(input_shape=(28, 28, 1), base_filters=4).build()
        >>> d = models.PatchGANDiscriminator(input_shape=(28, 28, 2), base_filters=4).build()
        >>> trainer = TranslationTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> x = np.zeros((8, 28, 28, 1), "float32")
        >>> history = trainer.fit(x, x, batch_size=4, verbose=0)
        >>> sorted(history.history)
        ['d_fake', 'd_loss', 'd_real', 'g_adversarial', 'g_loss', 'reconstruction']
        >>> trainer.translate(x[:2]).shape
        (2, 28, 28, 1)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        loss: Any = None,
        reconstruction_weight: float = 100.0,
        reconstruction: str = "l1",
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.input_shape_ = image_shape(generator, "input", "generator")
        self.output_shape_ = image_shape(generator, "output", "generator")
        if self.input_shape_[:2] != self.output_shape_[:2]:
            raise ValueError(
                "The generator must keep height and width: input "
                f"{self.input_shape_}, output {self.output_shape_}."
            )
        d_shape = image_shape(discriminator, "input", "discriminator")
        joint = (*self.output_shape_[:2], self.input_shape_[2] + self.output_shape_[2])
        if d_shape == joint:
            self.conditional_discriminator = True
        elif d_shape == self.output_shape_:
            self.conditional_discriminator = False
        else:
            raise ValueError(
                f"The discriminator's input must be {joint} (input and output concatenated, as "
                f"pix2pix) or {self.output_shape_} (the output alone). Received: {d_shape}"
            )
        if reconstruction not in _RECONSTRUCTIONS:
            raise ValueError(
                '`reconstruction` must be "l1" or "l2". '
                f"Received: reconstruction={reconstruction!r}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.loss_fn = check_loss(loss, NonSaturating())
        self.reconstruction_weight = check_weight(reconstruction_weight, "reconstruction_weight")
        self.reconstruction = reconstruction
        names = ["d_loss", "g_loss", "g_adversarial", "reconstruction", "d_real", "d_fake"]
        self._init_common(seed, names)

    def _networks(self) -> list[keras.Model]:
        return [self.generator, self.discriminator]

    def _g_variables(self) -> list[Any]:
        return list(self.generator.trainable_variables)

    def _d_variables(self) -> list[Any]:
        return list(self.discriminator.trainable_variables)

    # ----------------------------------------------------------------------- the step
    def _unpack(self, data: Any) -> tuple[tf.Tensor, tf.Tensor]:
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(x, dict) or y is None:
            raise ValueError(
                "TranslationTrainer needs paired batches (inputs, targets): fit(inputs, targets) "
                f"or a dataset of (inputs, targets) tuples; {UNPAIRED_HINT}."
            )
        x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        for name, t, shape in (
            ("inputs", x, self.input_shape_),
            ("targets", y, self.output_shape_),
        ):
            if not t.dtype.is_floating:
                raise TypeError(f"`{name}` must be floating-point images. Received: {t.dtype.name}")
            if t.shape.rank is not None and tuple(t.shape[1:]) != shape:
                raise ValueError(
                    f"`{name}` batches must have shape (batch, {', '.join(map(str, shape))}). "
                    f"Received: {tuple(t.shape)}"
                )
        return tf.cast(x, "float32"), tf.cast(y, "float32")

    def discriminate(self, x: tf.Tensor, image: tf.Tensor, training: bool = True) -> tf.Tensor:
        """D's float32 outputs on `image` (joined to its input `x` when D is conditional)."""
        if self.conditional_discriminator:
            image = tf.concat([tf.cast(x, image.dtype), image], axis=-1)
        return tf.cast(self.discriminator(image, training=training), "float32")

    def translation_losses(
        self, x: tf.Tensor, y: tf.Tensor, fake: tf.Tensor, training: bool = True
    ) -> tuple[tf.Tensor, tf.Tensor, dict[str, tf.Tensor]]:
        """Per-example `(d_loss, g_loss, logs)` for inputs `x`, targets `y`, outputs `fake`.

        `train_step` and `test_step` both call it; override to change the objective.
        """
        fake = tf.cast(fake, "float32")
        real_out = self.discriminate(x, y, training)
        d_fake_out = self.discriminate(x, tf.stop_gradient(fake), training)
        d_loss = self.loss_fn.discriminator(real_out, d_fake_out, reduction="none")
        g_fake_out = self.discriminate(x, fake, training)
        if getattr(self.loss_fn, "generator_needs_real", False):
            g_adv = self.loss_fn.generator(g_fake_out, real_out, reduction="none")
        else:
            g_adv = self.loss_fn.generator(g_fake_out, reduction="none")
        rec = _RECONSTRUCTIONS[self.reconstruction](y, fake, reduction="none")
        g_loss = g_adv + self.reconstruction_weight * rec
        logs = {"g_adversarial": g_adv, "reconstruction": rec}
        logs.update(d_real=real_out, d_fake=d_fake_out)
        return d_loss, g_loss, logs

    def train_step(self, data: Any) -> dict[str, tf.Tensor]:
        """One step: G forward once; D and G updated from the same batch."""
        x, y = self._unpack(data)
        batch = tf.shape(x)[0]
        global_batch = replica_rows(batch)[1]
        assert self.g_optimizer is not None and self.d_optimizer is not None
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(x, training=True)
            d_loss, g_loss, logs = self.translation_losses(x, y, fake)
            d_scaled = self.d_optimizer.scale_loss(self._replica_mean(d_loss, global_batch))
            g_scaled = self.g_optimizer.scale_loss(self._replica_mean(g_loss, global_batch))
        self._update(self.d_optimizer, d_tape, d_scaled, self._d_variables())
        self._update(self.g_optimizer, g_tape, g_scaled, self._g_variables())
        self.step_counter.assign_add(1)
        return self._log({"d_loss": d_loss, "g_loss": g_loss, **logs}, batch)

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Evaluation (`evaluate`, `validation_data`): the step's losses without any update."""
        x, y = self._unpack(data)
        fake = self.generator(x, training=False)
        d_loss, g_loss, logs = self.translation_losses(x, y, fake, training=False)
        return self._log({"d_loss": d_loss, "g_loss": g_loss, **logs}, tf.shape(x)[0])

    # --------------------------------------------------------------- fit / translate
    def fit(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, **kwargs: Any
    ) -> Any:
        """`keras.Model.fit`, after checking numpy inputs and targets (shapes, pairing)."""
        self._check_compiled()
        self._check_batch_size(batch_size)
        if isinstance(x, np.ndarray):
            if y is None:
                raise ValueError(
                    f"TranslationTrainer.fit needs targets: fit(inputs, targets); {UNPAIRED_HINT}."
                )
            y = np.asarray(y)
            if len(x) != len(y):
                raise ValueError(
                    f"`x` and `y` must be pairs: {len(x)} inputs but {len(y)} targets; "
                    f"{UNPAIRED_HINT}."
                )
            for name, a, shape in (("x", x, self.input_shape_), ("y", y, self.output_shape_)):
                if a.shape[1:] != shape:
                    raise ValueError(
                        f"`{name}` must have shape (n, {', '.join(map(str, shape))}) for this "
                        f"generator. Received: {name}.shape={a.shape}"
                    )
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def translate(self, x: Any, batch_size: int = 256, use_ema: bool = True) -> np.ndarray:
        """Translates images `x` `(n, H, W, C_in)` (numpy, [-1, 1]) to float32 outputs.

        Uses the EMA weights when a `GeneratorEMA` callback created them (`use_ema=False`
        for the raw weights).
        """
        return self._run(self.generator, x, batch_size, use_ema, self.input_shape_)

    # ------------------------------------------------------------------- checkpoints
    def core_checkpoint_groups(self) -> dict[str, list[Any]]:
        """Networks, optimizers, RNG state and step counter, by group."""
        self._check_compiled()
        return core_groups(self, {"generator": self.generator, "discriminator": self.discriminator})

    def compat_config(self) -> dict[str, Any]:
        """JSON-able description checked when a checkpoint is restored into this trainer."""
        return {
            "trainer": "TranslationTrainer",
            "generator": architecture(self.generator),
            "discriminator": architecture(self.discriminator),
            "loss": {
                **self._loss_config(),
                "reconstruction": self.reconstruction,
                "reconstruction_weight": self.reconstruction_weight,
            },
            "g_optimizer": type(self.g_optimizer).__name__,
            "d_optimizer": type(self.d_optimizer).__name__,
        }
