"""What the translation trainers share with each other (private): compile, RNG, logs, resume.

`TranslationTrainer` and `CycleGANTrainer` follow `GANTrainer`'s conventions: two optimizers
built on explicit variable lists at `compile`, dynamic loss scaling under a mixed precision
policy, losses averaged over the global batch, a counter-based RNG and a step counter that
checkpoints save, and the checkpoint protocol of `ganlib.state.TrainerState`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._trainer_checks import check_optimizers
from ganlib._trainer_rng import rng_variables
from ganlib.distribute import strategy_logs
from ganlib.losses import GANLoss
from ganlib.state import TrainerState

UNPAIRED_HINT = (
    "for unpaired domains use ganlib.CycleGANTrainer (data.unpaired_arrays / "
    "data.unpaired_folders give its batches)"
)


def image_shape(model: Any, what: str, name: str) -> tuple[int, int, int]:
    """The `(H, W, C)` of a model's single input or output; TypeError/ValueError otherwise."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"`{name}` must be a built keras.Model. Received: {model!r}")
    tensors = model.inputs if what == "input" else model.outputs
    if not tensors or len(tensors) != 1:
        raise ValueError(
            f"`{name}` must have exactly one {what} (an image batch). "
            f"Received: {len(tensors or [])} {what}s"
        )
    shape = tuple(tensors[0].shape[1:])
    if len(shape) != 3 or any(s is None for s in shape):
        raise ValueError(
            f"`{name}`'s {what} must be images (height, width, channels) with known sizes. "
            f"Received: {what} shape {shape}"
        )
    return int(shape[0]), int(shape[1]), int(shape[2])


def check_loss(loss: Any, default: GANLoss) -> GANLoss:
    if loss is None:
        return default
    if not isinstance(loss, GANLoss):
        raise TypeError(f"`loss` must be a ganlib.losses.GANLoss. Received: loss={loss!r}")
    return loss


def check_weight(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"`{name}` must be a number >= 0. Received: {name}={value!r}")
    return float(value)


def architecture(model: keras.Model) -> dict[str, Any]:
    from ganlib.checkpoint.mapping import _architecture

    return _architecture(model)


class TranslationBase(TrainerState, keras.Model):
    """Base of the translation trainers (private): subclasses set the networks, then call
    `_init_common`, and implement `_g_variables`, `_d_variables` and `core_checkpoint_groups`."""

    generator: keras.Model
    loss_fn: GANLoss

    def _init_common(self, seed: int | None, metric_names: list[str]) -> None:
        self._init_state()
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.seed, self.rng_state, self.step_counter = rng_variables(seed)
        self._trackers = {n: keras.metrics.Mean(name=n) for n in metric_names}
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.restored_epoch: int | None = None
        self.built = True

    def _g_variables(self) -> list[Any]:
        raise NotImplementedError

    def _d_variables(self) -> list[Any]:
        raise NotImplementedError

    def _networks(self) -> list[keras.Model]:
        raise NotImplementedError

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        **kwargs: Any,
    ) -> None:
        """Sets the optimizers (default `ganlib.optimizers.dcgan()`) and Keras options.

        `kwargs` go to `keras.Model.compile` (`steps_per_execution`, `jit_compile`,
        `run_eagerly`). Both optimizers are built on their variable lists here.
        """
        g_optimizer, d_optimizer = check_optimizers(g_optimizer, d_optimizer, kwargs)
        super().compile(optimizer=None, **kwargs)
        policies = {m.dtype_policy.name for m in [self, *self._networks()]}
        if kwargs.get("auto_scale_loss", True) and "mixed_float16" in policies:
            scaler = keras.optimizers.LossScaleOptimizer
            if not isinstance(g_optimizer, scaler):
                g_optimizer = scaler(g_optimizer, name="g_loss_scale_optimizer")
            if not isinstance(d_optimizer, scaler):
                d_optimizer = scaler(d_optimizer, name="d_loss_scale_optimizer")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        if not g_optimizer.built:
            g_optimizer.build(self._g_variables())
        if not d_optimizer.built:
            d_optimizer.build(self._d_variables())

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self._trackers.values())

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Runs the generator (so the trainer works like a model under strategies)."""
        return self.generator(inputs, training=training)

    def _next_seed(self) -> tf.Tensor:
        seed = self.rng_state.value
        self.rng_state.assign_add(tf.constant([0, 1], dtype="int64"))
        return seed

    @staticmethod
    def _replica_mean(value: tf.Tensor, global_batch: tf.Tensor) -> tf.Tensor:
        """Per-replica share of a global-batch mean of per-example values `(batch,)`."""
        value = tf.reshape(tf.cast(value, "float32"), [-1])
        return tf.nn.compute_average_loss(value, global_batch_size=global_batch)

    def _update(
        self, opt: Any, tape: tf.GradientTape, loss: tf.Tensor, variables: list[Any]
    ) -> None:
        grads = tape.gradient(loss, variables)
        opt.apply(grads, variables)

    def _log(self, values: dict[str, tf.Tensor], batch: tf.Tensor) -> dict[str, tf.Tensor]:
        for name, value in values.items():
            self._trackers[name].update_state(tf.reduce_mean(value), sample_weight=batch)
        return strategy_logs({name: t.result() for name, t in self._trackers.items()})

    def _loss_config(self) -> dict[str, Any]:
        get_config = getattr(self.loss_fn, "get_config", None)
        config = get_config() if callable(get_config) else {}
        return {
            "class": type(self.loss_fn).__name__,
            "config": json.loads(json.dumps(config, default=str)),
        }

    def _check_compiled(self) -> None:
        if self.g_optimizer is None or self.d_optimizer is None:
            raise RuntimeError("Call compile() before fit() or restore().")

    @staticmethod
    def _check_batch_size(batch_size: Any) -> None:
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0
        ):
            raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")

    def _run(
        self, model: keras.Model, x: Any, batch_size: int, use_ema: bool, shape: tuple[int, ...]
    ) -> np.ndarray:
        """`model` on numpy images `x` in batches, float32; EMA weights when asked and held."""
        self._check_batch_size(batch_size)
        x = np.asarray(x, dtype="float32")
        if x.ndim == 3 and len(shape) == 3:
            x = x[None]
        if x.shape[1:] != shape:
            raise ValueError(
                f"`x` must have shape (n, {', '.join(map(str, shape))}). Received: {x.shape}"
            )
        ema = use_ema and model is self.generator
        parts = []
        with self.ema_swapped(ema):
            for start in range(0, len(x), batch_size):
                out = model(tf.constant(x[start : start + batch_size]), training=False)
                parts.append(keras.ops.convert_to_numpy(out).astype("float32"))
        out_shape = tuple(int(s) for s in model.outputs[0].shape[1:])
        return np.concatenate(parts) if parts else np.zeros((0, *out_shape), "float32")

    def restore(self, path: str | Path, strict: bool = True) -> int:
        """Restores a `GANCheckpoint` (a run directory or one `ckpt-*` folder).

        Restores every network, both optimizers, the RNG state, step, image pools and EMA
        weights; returns the epoch to pass to `fit(..., initial_epoch=...)`.
        """
        from ganlib.checkpoint import restore_trainer

        self._check_compiled()
        epoch = restore_trainer(self, path, strict=strict)
        self.restored_epoch = epoch
        return epoch
