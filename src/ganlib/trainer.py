"""`GANTrainer`: a `keras.Model` whose `train_step` runs the D update(s), then the G update.

Keras is the loop: `fit`, `History`, callbacks, `steps_per_execution`, `jit_compile` and
`tf.distribute` strategies all come from Keras and TensorFlow. Gradients are taken over explicit
variable lists (`discriminator.trainable_variables`, `generator.trainable_variables`); no
`trainable` flag is ever toggled.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._device_fit import attach_device_data, device_batch, is_marker, prepare_fit, use
from ganlib._entry_checks import (
    check_discriminator_output,
    check_sample_labels,
    empty_batch_errors,
    guard_empty_batches,
)
from ganlib._fused_d import batch_independent, discriminate_pair
from ganlib._trainer_checks import (
    DATA_HINT,
    check_array,
    check_init_args,
    check_models,
    check_optimizers,
    check_sample_args,
    sample_labels,
)
from ganlib._trainer_quality import (
    AUGMENT_STATE,
    augment_variable,
    check_augment,
    check_fit_batches,
    discriminator_input,
    replica_share,
    sample_with,
)
from ganlib.data.device import DeviceData
from ganlib.distribute import is_multi_worker, replica_draw, replica_rows, strategy_logs
from ganlib.models.packing import check_pack
from ganlib.sampling import check_truncation
from ganlib.state import TrainerState

__all__ = ["GANTrainer"]


class GANTrainer(TrainerState, keras.Model):
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
        self.d_steps = d_steps
        self.g_steps = g_steps
        self.pack = check_pack(pack, 2 if len(getattr(generator, "inputs", ())) == 2 else None)
        info = check_models(generator, discriminator, latent_dim, num_classes, pack=self.pack)
        check_discriminator_output(self, GANTrainer, discriminator, loss)
        self.conditional, self.latent_shape = info.conditional, info.latent_shape
        self.latent_dim, self.data_shape = info.latent_dim, info.data_shape
        self.num_classes: int | None = info.num_classes

        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        self.seed = int(seed)
        # Counter-based RNG state [seed, counter]; "only_first_replica" keeps replicas in sync.
        self.rng_state = keras.Variable(
            np.array([self.seed, 0], dtype="int64"),
            dtype="int64",
            trainable=False,
            aggregation="only_first_replica",
            name="rng_state",
        )
        self.step_counter = keras.Variable(
            0, dtype="int64", trainable=False, aggregation="only_first_replica", name="step"
        )
        names = ["d_loss", "g_loss", "d_real", "d_fake"] + [p.name for p in self.penalties]
        if len(set(names)) != len(names):
            raise ValueError(f"Metric names must be unique. Received penalties named {names[4:]}")
        self._trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.restored_epoch: int | None = None
        self._eval_draws: int | None = None
        self._init_state()
        self.augment = check_augment(augment)
        self.augment_probability: keras.Variable | None = None
        if self.augment is not None:
            self.augment_probability = augment_variable(self.augment)
            self.track_state(AUGMENT_STATE, self.augment_probability)
            self.track_metric("d_real_sign")
        self.data_position = attach_device_data(self)  # tracked state "data_position"
        # One D pass on real+fake concatenated when no D layer mixes samples (docs/trainer.md).
        self.fuse_discriminator_passes = batch_independent(discriminator)
        self.built = True

    def track_metric(self, name: str) -> None:
        """Adds an epoch metric (a batch-weighted mean) that the loss methods' logs may fill.

        A subclass calls it in `__init__` for each extra value its `discriminator_loss` or
        `generator_loss` override returns in `logs`.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"`name` must be a non-empty string. Received: name={name!r}")
        if name in self._trackers:
            raise ValueError(f"A metric named {name!r} is already tracked.")
        self._trackers[name] = keras.metrics.Mean(name=name)

    def set_augment_probability(self, p: float) -> None:
        """Sets the augmentation probability (ADA's `p`, in [0, 1]) of the `augment` policy."""
        if self.augment_probability is None:
            raise ValueError("This trainer has no `augment` policy: pass GANTrainer(augment=...).")
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"`p` must be a number in [0, 1]. Received: p={p!r}")
        self.augment_probability.assign(float(p))

    def discriminator_input(self, x: tf.Tensor) -> tf.Tensor:
        """What the discriminator sees of a batch: `augment`ed, then packed in m-tuples."""
        return discriminator_input(self, x)

    # ------------------------------------------------------------------- compile
    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        **kwargs: Any,
    ) -> None:
        """Sets the optimizers (default `ganlib.optimizers.dcgan()`) and Keras options.

        `kwargs` go to `keras.Model.compile` (`steps_per_execution`, `jit_compile`,
        `run_eagerly`). Both optimizers are built on their variable lists here, which
        `tf.distribute` strategies need.
        """
        g_optimizer, d_optimizer = check_optimizers(g_optimizer, d_optimizer, kwargs)
        super().compile(optimizer=None, **kwargs)
        if kwargs.get("auto_scale_loss", True) and "mixed_float16" in {
            m.dtype_policy.name for m in (self, self.generator, self.discriminator)
        }:  # as keras.Model.compile does for its own optimizer: dynamic loss scaling
            scaler = keras.optimizers.LossScaleOptimizer
            if not isinstance(g_optimizer, scaler):
                g_optimizer = scaler(g_optimizer, name="g_loss_scale_optimizer")
            if not isinstance(d_optimizer, scaler):
                d_optimizer = scaler(d_optimizer, name="d_loss_scale_optimizer")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        if not g_optimizer.built:
            g_optimizer.build(self.generator.trainable_variables)
        if not d_optimizer.built:
            d_optimizer.build(self.discriminator.trainable_variables)

    def _maybe_symbolic_build(self, iterator: Any = None, data_batch: Any = None) -> None:
        # Keras 3.15 first reduces a batch with `strategy.reduce`, which fails for `(x, y)` data
        # under MultiWorkerMirroredStrategy; nothing needs it: compile() built everything.
        if not is_multi_worker(self.distribute_strategy):
            super()._maybe_symbolic_build(iterator, data_batch)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self._trackers.values())

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Runs the generator (so the trainer works like a model under strategies)."""
        return self.generator(inputs, training=training)

    # ---------------------------------------------------------------- the step
    def _next_seed(self) -> tf.Tensor:
        """The next stateless seed, the same on every replica."""
        if self._eval_draws is not None:  # evaluation: fixed seeds, training RNG untouched
            self._eval_draws += 1
            return tf.constant([self.seed, -self._eval_draws], dtype="int64")
        seed = self.rng_state.value
        self.rng_state.assign_add(tf.constant([0, 1], dtype="int64"))
        return seed

    def _seed(self) -> tf.Tensor:
        """The next stateless seed, folded with the replica id (for per-replica draws)."""
        seed = self._next_seed()
        replica = tf.distribute.get_replica_context()
        if replica is not None and replica.num_replicas_in_sync > 1:
            seed = tf.random.experimental.stateless_fold_in(seed, replica.replica_id_in_sync_group)
        return seed

    def _noise(self, batch: tf.Tensor, rows: Any = None) -> tf.Tensor:
        """This replica's rows of one global-batch draw: N replicas train like 1 device."""
        return replica_draw(
            tf.random.stateless_normal, batch, self._next_seed(), self.latent_shape, rows=rows
        )

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
        loss = _flat(self.loss_fn.discriminator(real_out, fake_out, reduction="none"))
        logs = {"d_real": real_out, "d_fake": fake_out}
        if self.augment is not None:
            logs["d_real_sign"] = tf.sign(real_out)
        d_labels = None if labels is None else self._labels_for(self.discriminator, labels)
        for p in self.penalties:
            value = p(
                self.discriminator, real, fake, labels=d_labels, seed=self._seed(), reduction="none"
            )
            logs[p.name] = _flat(value)
            loss = loss + p.weight * logs[p.name]
        return loss, logs

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
        if self.loss_fn.generator_needs_real:
            if real is None:
                raise ValueError(f"{self.loss_fn!r} needs the real batch: pass `real`.")
            real_out = self.discriminate(self.discriminator_input(real), real_labels)
            loss = self.loss_fn.generator(fake_out, real_out, reduction="none")
        else:
            loss = self.loss_fn.generator(fake_out, reduction="none")
        return _flat(loss), {}

    def _log(self, batch: tf.Tensor, values: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        for name, value in values.items():
            if name not in self._trackers:
                raise KeyError(
                    f"{name!r} is not a metric of this trainer: register it with "
                    f"track_metric({name!r}) in __init__. Known: {sorted(self._trackers)}"
                )
            self._trackers[name].update_state(tf.reduce_mean(value), sample_weight=batch)
        return strategy_logs({name: t.result() for name, t in self._trackers.items()})

    @staticmethod
    def _replica_mean(value: tf.Tensor, batch: tf.Tensor, global_batch: tf.Tensor) -> tf.Tensor:
        """Per-replica share of a global-batch mean: sums over replicas to the global mean.

        Per-example vectors may be shorter than the batch (one value per pack with `pack`).
        """
        return replica_share(value, batch, global_batch)

    def _unpack(self, data: Any) -> tuple[tf.Tensor, tf.Tensor | None]:
        if is_marker(data):  # fit(DeviceData): the batch is drawn here, in the step
            return device_batch(self, data["device_data"])
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        x = tf.convert_to_tensor(x)
        if not x.dtype.is_floating:
            raise TypeError(
                f"Training data must be floating point; got {x.dtype.name}: {DATA_HINT}."
            )
        if self.conditional and y is None:
            raise ValueError("This GAN is conditional: pass labels, e.g. fit(x, y).")
        if not self.conditional and y is not None:
            raise ValueError("Labels were given but the models are unconditional: call fit(x).")
        return tf.cast(x, self.compute_dtype), y

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
                scaled = self.d_optimizer.scale_loss(self._replica_mean(d_loss, batch, rows[1]))
            self._update(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
        for _ in range(self.g_steps):
            g_labels = None
            if self.num_classes is not None:
                g_labels = replica_draw(
                    tf.random.stateless_uniform,
                    batch,
                    self._next_seed(),
                    minval=0,
                    maxval=self.num_classes,
                    dtype="int32",
                    rows=rows,
                )
            z = self._noise(batch, rows)
            with tf.GradientTape() as tape:
                g_loss, g_logs = self.generator_loss(
                    self.generate(z, g_labels), g_labels, real, labels
                )
                scaled = self.g_optimizer.scale_loss(self._replica_mean(g_loss, batch, rows[1]))
            self._update(self.g_optimizer, tape, scaled, self.generator.trainable_variables)
        self.step_counter.assign_add(1)
        return self._log(batch, {"d_loss": d_loss, "g_loss": g_loss, **d_logs, **g_logs})

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Evaluation (`evaluate`, `validation_data`): the step's losses without any update.

        Uses fixed noise seeds (the same for every batch and call), not the training RNG.
        """
        real, labels = self._unpack(data)
        batch = tf.shape(real)[0]
        self._eval_draws = 0
        try:
            fake = self.generate(self._noise(batch), labels)
            d_loss, d_logs = self.discriminator_loss(real, fake, labels)
            g_loss, g_logs = self.generator_loss(fake, labels, real, labels)
        finally:
            self._eval_draws = None
        return self._log(batch, {"d_loss": d_loss, "g_loss": g_loss, **d_logs, **g_logs})

    # ---------------------------------------------------------------- fit / sample
    def fit(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, **kwargs: Any
    ) -> Any:
        """`keras.Model.fit`, after checking numpy inputs (dtype, shape, labels).

        A `tf.data` stream is checked batch by batch: an empty batch raises `ValueError`.
        """
        if self.g_optimizer is None:
            raise RuntimeError("Call compile() before fit().")
        if batch_size is not None and (isinstance(batch_size, bool) or batch_size <= 0):
            raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size}")
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
    ) -> np.ndarray:
        """Generates `n` samples as a float32 array from the noise of `seed`.

        The same call (same `seed`, `n`, `labels` and `batch_size`) gives bit-identical samples;
        another `batch_size` gives the same samples within float rounding, since matrix kernels
        round differently for different batch shapes. The noise comes from
        `numpy.random.default_rng(seed)`, independent of the training RNG.
        A conditional GAN uses `labels` (length `n`) or, when omitted, classes `0, 1, 2, ...`
        in turn. When the trainer holds EMA weights (`GeneratorEMA`), they are used unless
        `use_ema=False`. `truncation=psi` redraws every latent value with `|z| > psi`
        (`ganlib.sampling.truncated_normal`); `rejection` is a discriminator-driven sampler
        (`ganlib.sampling.DiscriminatorRejectionSampler` or `MetropolisHastingsSampler`,
        unconditional GANs) that keeps or chains the generator's samples.
        """
        check_sample_args(n, batch_size)
        truncation = check_truncation(truncation)
        check_sample_labels(labels, self.num_classes)
        label_array = sample_labels(n, labels, self.conditional, self.num_classes)
        with self.ema_swapped(use_ema):
            return sample_with(self, n, label_array, seed, batch_size, truncation, rejection)

    # ------------------------------------------------------------- checkpoints
    def core_checkpoint_groups(self) -> dict[str, list[Any]]:
        """Networks, optimizers and the trainer's RNG state and step counter, by group."""
        if self.g_optimizer is None or self.d_optimizer is None:
            raise ValueError("The trainer must be compiled before its state can be saved.")
        return {
            "generator": list(self.generator.weights),
            "discriminator": list(self.discriminator.weights),
            "g_optimizer": list(self.g_optimizer.variables),
            "d_optimizer": list(self.d_optimizer.variables),
            "trainer": [self.rng_state, self.step_counter],
        }

    @property
    def ema(self) -> Any:
        """Deprecated: use `ema_weights`, `ema_swapped()` and `swap_ema_weights()`."""
        warnings.warn(
            "GANTrainer.ema is deprecated: the trainer owns the EMA weights; use "
            "trainer.ema_weights, trainer.ema_swapped() or trainer.swap_ema_weights().",
            DeprecationWarning,
            stacklevel=2,
        )
        return None if self.ema_weights is None else _EMAView(self)

    def compat_config(self) -> dict[str, Any]:
        """JSON-able description checked when a checkpoint is restored into this trainer."""
        from ganlib.checkpoint import compat_config

        return compat_config(self)

    def restore(self, path: str | Path, strict: bool = True) -> int:
        """Restores a `GANCheckpoint` (a run directory or one `ckpt-*` folder).

        Restores both networks, both optimizers, the RNG state and EMA weights; returns the
        epoch to pass to `fit(..., initial_epoch=...)` (also kept as `restored_epoch`).
        `strict=False` allows a different loss configuration; shapes must always match.
        """
        from ganlib.checkpoint import restore_trainer

        if self.g_optimizer is None or self.d_optimizer is None:
            raise RuntimeError("Call compile() before restore(): optimizer state is restored too.")
        epoch = restore_trainer(self, path, strict=strict)
        self.restored_epoch = epoch
        return epoch


def _flat(value: Any) -> tf.Tensor:
    """float32; per-example values flattened to `(batch,)` so terms add without broadcasting."""
    value = tf.cast(value, "float32")
    return tf.reshape(value, [-1]) if value.shape.rank else value


class _EMAView:
    """What `GANTrainer.ema` used to return (a `GeneratorEMA`), kept for old call shapes."""

    def __init__(self, trainer: GANTrainer) -> None:
        self._trainer = trainer
        self.built = True

    @property
    def variables(self) -> list[keras.Variable]:
        return self._trainer.create_ema_weights()

    def swap(self) -> None:
        self._trainer.swap_ema_weights()

    @contextlib.contextmanager
    def swapped(self) -> Iterator[None]:
        with self._trainer.ema_swapped():
            yield
