"""`GANTrainer`: a `keras.Model` whose `train_step` runs the D update(s), then the G update.

Keras is the loop (`fit`, callbacks, `steps_per_execution`, `jit_compile`, `tf.distribute`).
Gradients are taken over explicit variable lists; no `trainable` flag is ever toggled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._compat import SymbolicBuildGuard
from ganlib._device_fit import attach_device_data, device_batch, is_marker, prepare_fit, use
from ganlib._entry_checks import (
    check_discriminator_output,
    check_sample_labels,
    empty_batch_errors,
    guard_empty_batches,
)
from ganlib._fast_defaults import pick_steps_per_execution, resolve_compile
from ganlib._fused_d import batch_independent, discriminate_pair
from ganlib._loss_terms import add_penalties, adversarial_generator_loss, flat
from ganlib._trainer_checkpoint import TrainerCheckpoint
from ganlib._trainer_checks import (
    check_array,
    check_init_args,
    check_models,
    check_optimizers,
    check_sample_args,
    loss_scaled,
    sample_labels,
    unpack_batch,
)
from ganlib._trainer_metrics import TrainerMetrics
from ganlib._trainer_quality import TrainerAugment, check_fit_batches, replica_share, sample_with
from ganlib._trainer_rng import TrainerRNG
from ganlib._validation import optional_positive_int
from ganlib.data.device import DeviceData
from ganlib.distribute import replica_rows
from ganlib.losses.lazy import check_every
from ganlib.models.packing import check_pack
from ganlib.sampling import check_truncation
from ganlib.state import TrainerState

__all__ = ["GANTrainer"]


class GANTrainer(
    TrainerRNG,
    TrainerMetrics,
    TrainerAugment,
    TrainerCheckpoint,
    TrainerState,
    SymbolicBuildGuard,
    keras.Model,
):
    """Trains a generator and a discriminator with Keras's own `fit`.

    One `train_step` (see docs/trainer.md) runs `d_steps` discriminator updates on the same
    real batch, each with fresh latent noise, then `g_steps` generator updates. Losses are
    averaged over the global batch, so results are the same under `tf.distribute`.

    Args:
        generator: a built `keras.Model`; input `z` (or `[z, labels]` when conditional).
        discriminator: a built `keras.Model`; input images (or `[images, labels]`), one
            logit (or probability) per sample.
        loss: a `ganlib.losses.GANLoss`; defaults to `losses.NonSaturating()`.
        penalties: `ganlib.losses.Penalty` objects added (weighted) to the D loss.
        d_steps: discriminator updates per step (e.g. 5 for WGAN-GP).
        g_steps: generator updates per step.
        latent_dim: checked against the generator input when given.
        num_classes: number of classes of a conditional GAN; read from the generator's
            `Embedding` layer when omitted.
        seed: seed of the trainer's latent/label RNG (its state is checkpointed).
        augment: a `ganlib.augment.DiffAugment` policy (or a policy string, or a callable
            `(x, seed) -> x`) applied to every discriminator input, real and generated, in
            both updates and under the penalties (docs/quality.md). Its probability is the
            trainer's state `augment_probability` (ADA's `p`), checkpointed.
        pack: PacGAN's pack size m: the discriminator judges m samples at once and must take
            packed inputs (a builder with `pack=m`); batches must divide by m.
        penalty_every: k > 1: lazy regularization, penalties only on steps 0, k, 2k, ... of
            `step_counter`, weighted (and logged) x k, else 0 (`losses.lazy_penalty`; `test_step`
            takes them every step). 1: every step.

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> x = keras.random.normal((64, 2), seed=1).numpy()
        >>> history = trainer.fit(x, batch_size=32, epochs=1, verbose=0)
        >>> sorted(history.history)
        ['d_fake', 'd_loss', 'd_real', 'g_loss']
        >>> trainer.sample(3, seed=0).shape
        (3, 2)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        loss: Any = None,
        penalties: Sequence[Any] = (),
        d_steps: int = 1,
        g_steps: int = 1,
        latent_dim: int | None = None,
        num_classes: int | None = None,
        seed: int | None = None,
        augment: Any = None,
        pack: int = 1,
        penalty_every: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        loss, penalties = check_init_args(
            generator, discriminator, loss, penalties, d_steps, g_steps, seed
        )
        self.generator = generator
        self.discriminator = discriminator
        self.loss_fn = loss
        self.penalties = penalties
        self.penalty_every = check_every(penalty_every, "penalty_every")
        self.d_steps = d_steps
        self.g_steps = g_steps
        self.pack = check_pack(pack, 2 if len(getattr(generator, "inputs", ())) == 2 else None)
        info = check_models(generator, discriminator, latent_dim, num_classes, pack=self.pack)
        check_discriminator_output(self, GANTrainer, discriminator, loss)
        self.conditional, self.latent_shape = info.conditional, info.latent_shape
        self.latent_dim, self.data_shape = info.latent_dim, info.data_shape
        self.num_classes: int | None = info.num_classes

        self._init_rng(seed)  # rng_state = [seed, counter] and step_counter
        self._init_metrics(["d_loss", "g_loss", "d_real", "d_fake"], self.penalties)
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.restored_epoch: int | None = None
        self._init_state()
        self._init_augment(augment)
        self.data_position = attach_device_data(self)  # tracked state "data_position"
        # One D pass on real+fake concatenated when no D layer mixes samples (docs/trainer.md).
        self.fuse_discriminator_passes = batch_independent(discriminator)
        self.built = True

    # ------------------------------------------------------------------- compile
    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        **kwargs: Any,
    ) -> None:
        """Sets the optimizers (default `ganlib.optimizers.dcgan()`) and Keras options.

        `kwargs` go to `keras.Model.compile` (`steps_per_execution`, `jit_compile`,
        `run_eagerly`). Left unset, `jit_compile` is on for large GANs on a CPU (convolutional
        ones only without AVX-512) and `fit` runs 10 steps per call unless a callback hooks batches
        (docs/performance.md, "Fast defaults"). Both optimizers are built on their variable
        lists here, which `tf.distribute` strategies need.
        """
        g_optimizer, d_optimizer = check_optimizers(g_optimizer, d_optimizer, kwargs)
        self.auto_steps_per_execution = resolve_compile(self, kwargs)  # docs/performance.md
        super().compile(optimizer=None, **kwargs)
        if kwargs.get("auto_scale_loss", True):  # as keras.Model.compile does for its own
            models = (self, self.generator, self.discriminator)
            g_optimizer, d_optimizer = loss_scaled(models, g_optimizer, d_optimizer)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        if not g_optimizer.built:
            g_optimizer.build(self.generator.trainable_variables)
        if not d_optimizer.built:
            d_optimizer.build(self.discriminator.trainable_variables)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Runs the generator (so the trainer works like a model under strategies)."""
        return self.generator(inputs, training=training)

    def _labels_for(self, model: keras.Model, labels: tf.Tensor) -> tf.Tensor:
        labels = tf.cast(tf.reshape(labels, [-1]), "int32")
        return labels[:, None] if len(model.inputs[1].shape) == 2 else labels

    def generate(self, z: tf.Tensor, labels: tf.Tensor | None = None, training: bool = True) -> Any:
        """The generator on latent `z` (and `labels` when conditional): every G call goes here."""
        if labels is None:
            return self.generator(z, training=training)
        return self.generator([z, self._labels_for(self.generator, labels)], training=training)

    def discriminate(
        self, x: tf.Tensor, labels: tf.Tensor | None = None, training: bool = True
    ) -> tf.Tensor:
        """The discriminator's float32 outputs on `x`: every D call of a step goes here."""
        if labels is None:
            out = self.discriminator(x, training=training)
        else:
            out = self.discriminator(
                [x, self._labels_for(self.discriminator, labels)], training=training
            )
        return tf.cast(out, "float32")

    def discriminator_loss(
        self, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None = None
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Per-example D loss on a real and a generated batch (both with `labels`), and logs.

        Returns `(loss, logs)`: `loss` is float32 `(batch,)` (or a scalar batch mean), the loss
        plus each `weight * penalty`; `logs` maps metric names (`d_real`, `d_fake`, each
        penalty's name) to values averaged into the epoch metrics. Override to change the D
        objective; `train_step` and `test_step` both call it.
        """
        real, fake = self.discriminator_input(real), self.discriminator_input(fake)
        real_out, fake_out = discriminate_pair(self, real, fake, labels)
        loss = flat(self.loss_fn.discriminator(real_out, fake_out, reduction="none"))
        logs = {"d_real": real_out, "d_fake": fake_out}
        if self.augment is not None:
            logs["d_real_sign"] = tf.sign(real_out)
        return add_penalties(self, loss, logs, real, fake, labels)

    @property
    def penalized_discriminator(self) -> Any:
        """What the `penalties` differentiate: D (auxiliary trainers: its adversarial logit)."""
        return self.discriminator

    def generator_loss(
        self,
        fake: tf.Tensor,
        labels: tf.Tensor | None = None,
        real: tf.Tensor | None = None,
        real_labels: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """Per-example G loss on generated samples `fake` (conditioned on `labels`), and logs.

        `real` (with `real_labels`) is the real batch, used when the loss has
        `generator_needs_real` (RelativisticAverage) or by an override (feature matching).
        Returns `(loss, logs)` like `discriminator_loss`; `train_step` and `test_step` both
        call it.
        """
        fake_out = self.discriminate(self.discriminator_input(fake), labels)
        return adversarial_generator_loss(self, fake_out, real, real_labels), {}

    def _unpack(self, data: Any) -> tuple[tf.Tensor, tf.Tensor | None]:
        if is_marker(data):  # fit(DeviceData): the batch is drawn here, in the step
            return device_batch(self, data["device_data"])
        return unpack_batch(data, self.conditional, self.compute_dtype)

    def _update(self, opt: Any, tape: tf.GradientTape, loss: tf.Tensor, variables: Any) -> None:
        opt.apply(tape.gradient(loss, variables), variables)

    def train_step(self, data: Any) -> dict[str, tf.Tensor]:
        """One GAN step: `d_steps` D updates, then `g_steps` G updates (docs/trainer.md)."""
        real, labels = self._unpack(data)
        batch = tf.shape(real)[0]
        rows = replica_rows(batch)  # (offset, global batch): one all_gather under a strategy
        assert self.g_optimizer is not None and self.d_optimizer is not None
        for _ in range(self.d_steps):
            fake = tf.stop_gradient(self.generate(self._noise(batch, rows), labels))
            with tf.GradientTape() as tape:
                d_loss, d_logs = self.discriminator_loss(real, fake, labels)
                scaled = self.d_optimizer.scale_loss(replica_share(d_loss, batch, rows[1]))
            self._update(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
        for _ in range(self.g_steps):
            g_labels = None
            if self.num_classes is not None:
                g_labels = self._labels(batch, self.num_classes, rows)
            z = self._noise(batch, rows)
            with tf.GradientTape() as tape:
                g_loss, g_logs = self.generator_loss(
                    self.generate(z, g_labels), g_labels, real, labels
                )
                scaled = self.g_optimizer.scale_loss(replica_share(g_loss, batch, rows[1]))
            self._update(self.g_optimizer, tape, scaled, self.generator.trainable_variables)
        self.step_counter.assign_add(1)
        return self._log(batch, {"d_loss": d_loss, "g_loss": g_loss, **d_logs, **g_logs})

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Evaluation (`evaluate`, `validation_data`): the step's losses without any update.

        Uses fixed noise seeds (the same for every batch and call), not the training RNG.
        """
        real, labels = self._unpack(data)
        batch = tf.shape(real)[0]
        with self._fixed_seeds():
            fake = self.generate(self._noise(batch), labels)
            d_loss, d_logs = self.discriminator_loss(real, fake, labels)
            g_loss, g_logs = self.generator_loss(fake, labels, real, labels)
        return self._log(batch, {"d_loss": d_loss, "g_loss": g_loss, **d_logs, **g_logs})

    def fit(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, **kwargs: Any
    ) -> Any:
        """`keras.Model.fit`, after checking numpy inputs (dtype, shape, labels).

        A `tf.data` stream is checked batch by batch: an empty batch raises `ValueError`.
        """
        if self.g_optimizer is None:
            raise RuntimeError("Call compile() before fit().")
        optional_positive_int(batch_size, "batch_size")
        device = isinstance(x, DeviceData)  # batches drawn in the step (ganlib.data)
        if device:
            x, y, batch_size = prepare_fit(self, x, y, batch_size, kwargs), None, None
        else:
            use(self, None)
        if isinstance(x, np.ndarray):
            check_array(x, y, self.data_shape, self.conditional, self.num_classes)
        check_fit_batches(self, x, batch_size)
        if isinstance(x, tf.data.Dataset) and not device:
            x = guard_empty_batches(x)
        pick_steps_per_execution(self, kwargs)
        with empty_batch_errors():
            return super().fit(x, y, batch_size=batch_size, **kwargs)

    def sample(
        self,
        n: int,
        labels: Any = None,
        seed: int | None = None,
        batch_size: int = 256,
        use_ema: bool = True,
        truncation: float | None = None,
        rejection: Any = None,
        temperature: float = 1.0,
    ) -> np.ndarray:
        """Generates `n` samples as a float32 array from the noise of `seed`.

        The same call (same `seed`, `n`, `labels` and `batch_size`) gives bit-identical samples;
        another `batch_size` gives the same samples within float rounding, since matrix kernels
        round differently for different batch shapes. The noise comes from
        `numpy.random.default_rng(seed)`, independent of the training RNG.
        A conditional GAN uses `labels` (length `n`) or, when omitted, classes `0, 1, 2, ...`
        in turn. When the trainer holds EMA weights (`GeneratorEMA`), they are used unless
        `use_ema=False`. `truncation=psi` redraws every latent value with `|z| > psi`
        (`ganlib.sampling.truncated_normal`), then `temperature=t` scales the latent by `t` (> 1:
        more variety, less fidelity; docs/quality.md); `rejection` is a discriminator-driven sampler
        (`ganlib.sampling.DiscriminatorRejectionSampler` or `MetropolisHastingsSampler`,
        unconditional GANs) that keeps or chains the generator's samples.
        """
        t = check_sample_args(n, batch_size, temperature)
        truncation = check_truncation(truncation)
        check_sample_labels(labels, self.num_classes)
        label_array = sample_labels(n, labels, self.conditional, self.num_classes)
        with self.ema_swapped(use_ema):
            return sample_with(self, n, label_array, seed, batch_size, truncation, rejection, t)
