"""`GANTrainer`'s augmentation, packing and sampling options (private helpers).

`GANTrainer(augment=..., pack=m)` routes every discriminator input through
`discriminator_input`: augment each sample (the trainer's counter-based seeds), then pack.
Penalties are taken on those prepared inputs. `sample_with` serves
`GANTrainer.sample(truncation=..., rejection=...)`.
"""

from __future__ import annotations

import inspect
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib.augment import DiffAugment
from ganlib.models.packing import check_pack, pack, packed_shape
from ganlib.sampling import truncated_normal
from ganlib.sampling.draw import generate as generate_samples

AUGMENT_STATE = "augment_probability"


def check_augment(augment: Any) -> Any:
    """None, a `DiffAugment`, a policy string (``"color,translation,cutout"``) or a callable."""
    if augment is None or isinstance(augment, DiffAugment):
        return augment
    if isinstance(augment, str):
        return DiffAugment(augment)
    if callable(augment):
        return augment
    raise TypeError(
        "`augment` must be None, a ganlib.augment.DiffAugment, a policy string such as "
        f"'color,translation,cutout', or a callable (x, seed) -> x. Received: augment={augment!r}"
    )


def augment_variable(augment: Any) -> keras.Variable:
    """The trainer-owned augmentation probability (ADA's ``p``), starting at the policy's."""
    start = float(getattr(augment, "probability", 1.0))
    return keras.Variable(
        start,
        dtype="float32",
        trainable=False,
        aggregation="only_first_replica",
        name=AUGMENT_STATE,
    )


def _takes_probability(fn: Any) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "probability" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def check_packed_models(
    generator: keras.Model, discriminator: keras.Model, pack_size: Any, conditional: bool
) -> int:
    """Validates `pack`; returns it. The discriminator must take packed generator outputs."""
    m = check_pack(pack_size, 2 if conditional else None)
    if m == 1:
        return m
    g_out = tuple(generator.output.shape[1:])
    d_in = tuple(discriminator.inputs[0].shape[1:])
    expected = packed_shape(g_out, m)
    if d_in != expected:
        raise ValueError(
            f"With pack={m} the discriminator must take packed inputs of shape {expected} "
            f"(the generator's {g_out} with the last axis x{m}, e.g. a builder with pack={m}). "
            f"Received a discriminator input of shape {d_in}"
        )
    return m


def discriminator_input(trainer: Any, x: tf.Tensor) -> tf.Tensor:
    """Augments each sample (fresh trainer seed), then packs: what the discriminator sees."""
    if trainer.augment is not None:
        if _takes_probability(trainer.augment):
            x = trainer.augment(x, trainer._seed(), probability=trainer.augment_probability)
        else:
            x = trainer.augment(x, trainer._seed())
    if trainer.pack > 1:
        batch = tf.shape(x)[0]
        if x.shape[0] is None:  # dynamic batch: checked when the step runs (not under XLA)
            check = tf.debugging.assert_equal(
                batch % trainer.pack,
                0,
                message=f"The batch size must be divisible by pack={trainer.pack}",
            )
            with tf.control_dependencies([check] if check is not None else []):
                x = tf.identity(x)
        x = pack(x, trainer.pack)
    return x


def check_fit_batches(trainer: Any, x: Any, batch_size: int | None) -> None:
    """Every batch `fit` will make from an array must split into whole packs on each replica."""
    m = getattr(trainer, "pack", 1)
    if m == 1 or not hasattr(x, "shape"):
        return
    replicas = trainer.distribute_strategy.num_replicas_in_sync
    size = 32 if batch_size is None else int(batch_size)
    last = int(x.shape[0]) % size
    for name, value in (("batch_size", size), ("the last batch", last)):
        if value and value % (m * replicas):
            raise ValueError(
                f"With pack={m} every batch must be divisible by {m * replicas} "
                f"(pack x {replicas} replica(s)). Received {name}={value} "
                f"(len(x)={int(x.shape[0])}, batch_size={size}); change batch_size or drop "
                "samples"
            )


def replica_share(value: tf.Tensor, batch: tf.Tensor, global_batch: tf.Tensor) -> tf.Tensor:
    """Per-replica share of the mean of per-example values over all replicas.

    A vector of ``k`` values from a batch of ``batch`` samples (``k = batch / m`` when packed)
    counts ``global_batch * k / batch`` values over all replicas.
    """
    value = tf.cast(value, "float32")
    if value.shape.rank:
        flat = tf.reshape(value, [-1])
        count = tf.cast(global_batch, "int64") * tf.cast(tf.size(flat), "int64")
        return tf.nn.compute_average_loss(flat, global_batch_size=count // tf.cast(batch, "int64"))
    return value * tf.cast(batch, "float32") / tf.cast(global_batch, "float32")


def sample_with(
    trainer: Any,
    n: int,
    labels: np.ndarray | None,
    seed: int | None,
    batch_size: int,
    truncation: float | None,
    rejection: Any,
    temperature: float = 1.0,
) -> np.ndarray:
    """`n` samples with truncated noise times `temperature` and, when given, a
    discriminator-driven sampler."""
    rng = np.random.default_rng(seed)

    traced = trainer._traced_generate()

    def call(zb: np.ndarray, lb: np.ndarray | None) -> Any:
        return traced(tf.constant(zb), None if lb is None else tf.constant(lb))

    def generate(z: np.ndarray, lab: np.ndarray | None) -> np.ndarray:
        """The one sampling path (`ganlib.sampling.generate`) through the trainer's hook."""
        samples, _ = generate_samples(
            trainer.generator,
            len(z),
            noise=z,
            labels=lab,
            num_classes=trainer.num_classes,
            batch_size=batch_size,
            call=call,
        )
        return samples

    def latent(k: int, latent_rng: np.random.Generator) -> np.ndarray:
        z = truncated_normal(latent_rng, (k, *trainer.latent_shape), truncation)
        return z if temperature == 1.0 else z * np.float32(temperature)

    if rejection is None:
        return generate(latent(int(n), rng), labels)
    if trainer.conditional:
        raise ValueError(
            "`rejection` sampling supports unconditional GANs only. Received a conditional one"
        )
    if not callable(getattr(rejection, "sample", None)):
        raise TypeError(
            "`rejection` must be a sampler with a sample(propose, n, seed) method, e.g. "
            f"ganlib.sampling.DiscriminatorRejectionSampler. Received: rejection={rejection!r}"
        )

    def propose(k: int, proposal_rng: np.random.Generator) -> np.ndarray:
        return generate(latent(k, proposal_rng), None)

    return np.asarray(rejection.sample(propose, int(n), seed=seed), dtype="float32")


class TrainerAugment:
    """Mixin of `GANTrainer`: the `augment` policy and its probability (trainer-owned state)."""

    augment: Any
    augment_probability: keras.Variable | None

    def _init_augment(self, augment: Any) -> None:
        self.augment = check_augment(augment)
        self.augment_probability = None
        if self.augment is not None:
            self.augment_probability = augment_variable(self.augment)
            self.track_state(AUGMENT_STATE, self.augment_probability)  # type: ignore[attr-defined]
            self.track_metric("d_real_sign")  # type: ignore[attr-defined]

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
