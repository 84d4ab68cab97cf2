"""`GANTrainer`: a `keras.Model` whose `train_step` runs the D update(s), then the G update.

Keras is the loop: `fit`, `History`, callbacks, `steps_per_execution`, `jit_compile` and
`tf.distribute` strategies all come from Keras and TensorFlow. Gradients are taken over explicit
variable lists (`discriminator.trainable_variables`, `generator.trainable_variables`); no
`trainable` flag is ever toggled.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._trainer_checks import (
    DATA_HINT,
    check_array,
    check_init_args,
    check_models,
    check_optimizers,
    check_sample_args,
    sample_labels,
)
from ganlib.distribute import is_multi_worker, replica_draw, replica_rows, strategy_logs

__all__ = ["GANTrainer"]


class GANTrainer(keras.Model):
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
        info = check_models(generator, discriminator, latent_dim, num_classes)
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
        self.ema: Any = None  # set by ganlib.callbacks.GeneratorEMA
        self.restored_epoch: int | None = None
        self._eval_draws: int | None = None
        self._restored_ema: dict[str, np.ndarray] | None = None
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

    def _generate(self, z: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        if labels is None:
            return self.generator(z, training=True)
        return self.generator([z, self._labels_for(self.generator, labels)], training=True)

    def _discriminate(self, x: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        if labels is None:
            out = self.discriminator(x, training=True)
        else:
            out = self.discriminator(
                [x, self._labels_for(self.discriminator, labels)], training=True
            )
        return tf.cast(out, "float32")

    @staticmethod
    def _replica_mean(value: tf.Tensor, batch: tf.Tensor, global_batch: tf.Tensor) -> tf.Tensor:
        """Per-replica share of a global-batch mean: sums over replicas to the global mean."""
        value = tf.cast(value, "float32")
        if value.shape.rank:
            return tf.nn.compute_average_loss(
                tf.reshape(value, [-1]), global_batch_size=global_batch
            )
        return value * tf.cast(batch, "float32") / tf.cast(global_batch, "float32")

    @staticmethod
    def _apply(opt: Any, tape: tf.GradientTape, loss: tf.Tensor, variables: list[Any]) -> None:
        grads = tape.gradient(loss, variables)
        opt.apply(grads, variables)

    def _unpack(self, data: Any) -> tuple[tf.Tensor, tf.Tensor | None]:
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

    def _penalty(self, p: Any, real: tf.Tensor, fake: tf.Tensor, labels: Any) -> tf.Tensor:
        if labels is not None:
            labels = self._labels_for(self.discriminator, labels)
        kwargs = _supported(p.__call__, reduction="none", seed=self._seed())
        return _flat(p(self.discriminator, real, fake, labels=labels, **kwargs))

    def train_step(self, data: Any) -> dict[str, tf.Tensor]:
        """One GAN step: `d_steps` D updates, then `g_steps` G updates (docs/trainer.md)."""
        real, labels = self._unpack(data)
        batch = tf.shape(real)[0]
        rows = replica_rows(batch)  # (offset, global batch): one all_gather under a strategy
        assert self.g_optimizer is not None and self.d_optimizer is not None
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        loss = self.loss_fn
        d_kwargs = _supported(loss.discriminator, reduction="none")
        g_kwargs = _supported(loss.generator, reduction="none")
        for _ in range(self.d_steps):
            fake = tf.stop_gradient(self._generate(self._noise(batch, rows), labels))
            with tf.GradientTape() as tape:
                real_out = self._discriminate(real, labels)
                fake_out = self._discriminate(fake, labels)
                d_loss = _flat(loss.discriminator(real_out, fake_out, **d_kwargs))
                penalty_values = [self._penalty(p, real, fake, labels) for p in self.penalties]
                for p, value in zip(self.penalties, penalty_values, strict=True):
                    d_loss = d_loss + p.weight * value
                scaled = self.d_optimizer.scale_loss(self._replica_mean(d_loss, batch, rows[1]))
            self._apply(self.d_optimizer, tape, scaled, d_vars)
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
                g_fake_out = self._discriminate(self._generate(z, g_labels), g_labels)
                if getattr(loss, "generator_needs_real", False):
                    real_again = self._discriminate(real, labels)
                    g_loss = loss.generator(g_fake_out, real_again, **g_kwargs)
                else:
                    g_loss = loss.generator(g_fake_out, **g_kwargs)
                g_loss = _flat(g_loss)
                scaled = self.g_optimizer.scale_loss(self._replica_mean(g_loss, batch, rows[1]))
            self._apply(self.g_optimizer, tape, scaled, g_vars)
        self.step_counter.assign_add(1)
        values = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_real": real_out,
            "d_fake": fake_out,
        }
        values.update({p.name: v for p, v in zip(self.penalties, penalty_values, strict=True)})
        for name, value in values.items():
            self._trackers[name].update_state(tf.reduce_mean(value), sample_weight=batch)
        return strategy_logs({name: t.result() for name, t in self._trackers.items()})

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Evaluation (`evaluate`, `validation_data`): the step's losses without any update.

        Uses fixed noise seeds (the same for every batch and call), not the training RNG.
        """
        real, labels = self._unpack(data)
        batch = tf.shape(real)[0]
        self._eval_draws = 0
        try:
            loss = self.loss_fn
            fake = self._generate(self._noise(batch), labels)
            real_out = self._discriminate(real, labels)
            fake_out = self._discriminate(fake, labels)
            d_kwargs = _supported(loss.discriminator, reduction="none")
            d_loss = _flat(loss.discriminator(real_out, fake_out, **d_kwargs))
            values = {"d_real": real_out, "d_fake": fake_out}
            for p in self.penalties:
                values[p.name] = self._penalty(p, real, fake, labels)
                d_loss = d_loss + p.weight * values[p.name]
            g_kwargs = _supported(loss.generator, reduction="none")
            if getattr(loss, "generator_needs_real", False):
                g_loss = loss.generator(fake_out, real_out, **g_kwargs)
            else:
                g_loss = loss.generator(fake_out, **g_kwargs)
        finally:
            self._eval_draws = None
        values.update(d_loss=d_loss, g_loss=_flat(g_loss))
        for name, value in values.items():
            self._trackers[name].update_state(tf.reduce_mean(value), sample_weight=batch)
        return strategy_logs({name: t.result() for name, t in self._trackers.items()})

    # ---------------------------------------------------------------- fit / sample
    def fit(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, **kwargs: Any
    ) -> Any:
        """`keras.Model.fit`, after checking numpy inputs (dtype, shape, labels)."""
        if self.g_optimizer is None:
            raise RuntimeError("Call compile() before fit().")
        if batch_size is not None and (isinstance(batch_size, bool) or batch_size <= 0):
            raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size}")
        if isinstance(x, np.ndarray):
            check_array(x, y, self.data_shape, self.conditional, self.num_classes)
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def sample(
        self,
        n: int,
        labels: Any = None,
        seed: int | None = None,
        batch_size: int = 256,
        use_ema: bool = True,
    ) -> np.ndarray:
        """Generates `n` samples as a float32 array from the noise of `seed`.

        The same call (same `seed`, `n`, `labels` and `batch_size`) gives bit-identical samples;
        another `batch_size` gives the same samples within float rounding, since matrix kernels
        round differently for different batch shapes. The noise comes from
        `numpy.random.default_rng(seed)`, independent of the training RNG.
        A conditional GAN uses `labels` (length `n`) or, when omitted, classes `0, 1, 2, ...`
        in turn. With a `GeneratorEMA` callback attached, its averaged weights are used.
        """
        check_sample_args(n, batch_size)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((int(n), *self.latent_shape)).astype("float32")
        label_array = sample_labels(n, labels, self.conditional, self.num_classes)
        ema = self.ema if use_ema else None
        with ema.swapped() if ema is not None else contextlib.nullcontext():
            parts = []
            for start in range(0, int(n), batch_size):
                zb = tf.constant(z[start : start + batch_size])
                if label_array is None:
                    out = self.generator(zb, training=False)
                else:
                    lb = tf.constant(label_array[start : start + batch_size])
                    out = self.generator([zb, self._labels_for(self.generator, lb)], training=False)
                parts.append(keras.ops.convert_to_numpy(out).astype("float32"))
        if not parts:
            return np.zeros((0, *self.data_shape), dtype="float32")
        return np.concatenate(parts)

    # ------------------------------------------------------------- checkpoints
    def compat_config(self) -> dict[str, Any]:
        """JSON-able description checked when a checkpoint is restored into this trainer."""
        from ganlib.trainer_state import compat_config

        return compat_config(self)

    def restore(self, path: str | Path, strict: bool = True) -> int:
        """Restores a `GANCheckpoint` (a run directory or one `ckpt-*` folder).

        Restores both networks, both optimizers, the RNG state and EMA weights; returns the
        epoch to pass to `fit(..., initial_epoch=...)` (also kept as `restored_epoch`).
        `strict=False` allows a different loss configuration; shapes must always match.
        """
        from ganlib.trainer_state import restore_trainer

        if self.g_optimizer is None or self.d_optimizer is None:
            raise RuntimeError("Call compile() before restore(): optimizer state is restored too.")
        epoch = restore_trainer(self, path, strict=strict)
        self.restored_epoch = epoch
        return epoch


def _flat(value: Any) -> tf.Tensor:
    """float32; per-example values flattened to `(batch,)` so terms add without broadcasting."""
    value = tf.cast(value, "float32")
    return tf.reshape(value, [-1]) if value.shape.rank else value


def _supported(fn: Any, **kwargs: Any) -> dict[str, Any]:
    """The subset of `kwargs` that `fn` accepts (user losses may lack `reduction`/`seed`)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}
