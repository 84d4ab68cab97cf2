"""`CycleGANTrainer`: unpaired image-to-image translation (CycleGAN, Zhu et al. 2017).

Two generators `G: A -> B`, `F: B -> A` and two discriminators `D_A`, `D_B`, trained with
Keras's `fit` on batches of unpaired images `(a, b)`. The generators minimise the adversarial
losses plus `cycle_weight * (|a - F(G(a))| + |b - G(F(b))|)` plus
`identity_weight * cycle_weight * (|b - G(b)| + |a - F(a)|)`; each discriminator sees its
domain's real images against generated ones drawn through an `ImagePool` of past fakes.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganlib._trainer_checkpoint import core_groups
from ganlib._translation_common import TranslationBase, architecture, check_loss, check_weight
from ganlib._translation_common import image_shape as _image_shape
from ganlib.distribute import replica_rows
from ganlib.image_pool import ImagePool
from ganlib.losses import LeastSquares, cycle_consistency_loss, identity_loss

__all__ = ["CycleGANTrainer"]

_DIRECTIONS = ("a_to_b", "b_to_a")


class CycleGANTrainer(TranslationBase):
    """Trains two translators between unpaired domains A and B with cycle consistency.

    Data: a `tf.data.Dataset` of `{"a": ..., "b": ...}` batches (what `data.unpaired_arrays`
    and `data.unpaired_folders` give) or of `(a, b)` tuples, or `fit(a, b)` with two numpy
    arrays of the same length (their rows are not treated as pairs).
    `generator` is `generator_ab` (the one `GeneratorEMA` averages).

    Args:
        generator_ab: `G`, images of A `(H, W, C_a)` -> images of B `(H, W, C_b)`.
        generator_ba: `F`, B -> A.
        discriminator_a: `D_A` on images of A; any output shape (PatchGAN grids averaged).
        discriminator_b: `D_B` on images of B.
        loss: a `ganlib.losses.GANLoss` (default `LeastSquares()`, as CycleGAN).
        cycle_weight: `lambda` of the cycle term (CycleGAN: 10).
        identity_weight: identity term weight relative to `cycle_weight` (CycleGAN: 0.5 on
            some tasks, 0 on others); needs `C_a == C_b`.
        pool_size: past fakes each discriminator draws from (CycleGAN: 50; 0 turns it off).
        seed: seed of the trainer's RNG (checkpointed, with the pools).

    Example:
        >>> import numpy as np
        >>> from ganlib import CycleGANTrainer, models
        >>> def g():
        ...     return models.ResNetGenerator(base_filters=4, num_blocks=1).build()
        >>> def d():
        ...     return models.PatchGANDiscriminator(base_filters=4).build()
        >>> trainer = CycleGANTrainer(g(), g(), d(), d(), pool_size=8, seed=0)
        >>> trainer.compile()
        >>> a, b = np.zeros((8, 28, 28, 1), "float32"), np.ones((8, 28, 28, 1), "float32")
        >>> history = trainer.fit(a, b, batch_size=4, verbose=0)
        >>> sorted(history.history)[:4]
        ['cycle', 'd_a_loss', 'd_b_loss', 'd_loss']
        >>> trainer.translate(a[:2], direction="a_to_b").shape
        (2, 28, 28, 1)
    """

    def __init__(
        self,
        generator_ab: keras.Model,
        generator_ba: keras.Model,
        discriminator_a: keras.Model,
        discriminator_b: keras.Model,
        loss: Any = None,
        cycle_weight: float = 10.0,
        identity_weight: float = 0.5,
        pool_size: int = 50,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        shape_a = _image_shape(generator_ab, "input", "generator_ab")
        shape_b = _image_shape(generator_ab, "output", "generator_ab")
        expected = {
            "generator_ba input": (_image_shape(generator_ba, "input", "generator_ba"), shape_b),
            "generator_ba output": (_image_shape(generator_ba, "output", "generator_ba"), shape_a),
            "discriminator_a input": (
                _image_shape(discriminator_a, "input", "discriminator_a"),
                shape_a,
            ),
            "discriminator_b input": (
                _image_shape(discriminator_b, "input", "discriminator_b"),
                shape_b,
            ),
        }
        for what, (got, want) in expected.items():
            if got != want:
                raise ValueError(
                    f"Shapes do not chain: generator_ab maps {shape_a} -> {shape_b}, so the "
                    f"{what} must be {want}. Received: {got}"
                )
        self.shape_a, self.shape_b = shape_a, shape_b
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.generator = generator_ab
        self.loss_fn = check_loss(loss, LeastSquares())
        self.cycle_weight = check_weight(cycle_weight, "cycle_weight")
        self.identity_weight = check_weight(identity_weight, "identity_weight")
        if self.identity_weight and shape_a != shape_b:
            raise ValueError(
                f"`identity_weight` needs both domains to have one shape ({shape_a} vs "
                f"{shape_b}); pass identity_weight=0."
            )
        names = ["d_loss", "g_loss", "d_a_loss", "d_b_loss", "g_adversarial", "cycle"]
        self._init_common(seed, [*names, "identity"])
        with self.distribute_strategy.scope():
            self.pool_a = ImagePool(pool_size, shape_a, name="pool_a")
            self.pool_b = ImagePool(pool_size, shape_b, name="pool_b")
        self.pool_size = self.pool_a.size
        for name, pool in (("pool_a", self.pool_a), ("pool_b", self.pool_b)):
            self.track_state(f"{name}_images", pool.images)
            self.track_state(f"{name}_count", pool.count)

    def _networks(self) -> list[keras.Model]:
        return [self.generator_ab, self.generator_ba, self.discriminator_a, self.discriminator_b]

    def _g_variables(self) -> list[Any]:
        return [*self.generator_ab.trainable_variables, *self.generator_ba.trainable_variables]

    def _d_variables(self) -> list[Any]:
        return [
            *self.discriminator_a.trainable_variables,
            *self.discriminator_b.trainable_variables,
        ]

    # ----------------------------------------------------------------------- the step
    def _unpack(self, data: Any) -> tuple[tf.Tensor, tf.Tensor]:
        if isinstance(data, dict):
            if set(data) != {"a", "b"}:
                raise ValueError(
                    'Unpaired batches must be dicts with keys "a" and "b". '
                    f"Received: {sorted(data)}"
                )
            a, b = data["a"], data["b"]
        else:
            a, b, _ = keras.utils.unpack_x_y_sample_weight(data)
            if isinstance(a, dict):
                return self._unpack(a)
            if b is None:
                raise ValueError(
                    "CycleGANTrainer needs images of both domains: fit(a, b) or a dataset of "
                    '{"a": ..., "b": ...} batches (data.unpaired_arrays).'
                )
        a, b = tf.convert_to_tensor(a), tf.convert_to_tensor(b)
        for name, t, shape in (("a", a, self.shape_a), ("b", b, self.shape_b)):
            if not t.dtype.is_floating:
                raise TypeError(f"`{name}` must be floating-point images. Received: {t.dtype.name}")
            if t.shape.rank is not None and tuple(t.shape[1:]) != shape:
                raise ValueError(
                    f"Domain {name.upper()} batches must have shape (batch, "
                    f"{', '.join(map(str, shape))}). Received: {tuple(t.shape)}"
                )
        return tf.cast(a, "float32"), tf.cast(b, "float32")

    def _d(self, model: keras.Model, x: tf.Tensor, training: bool) -> tf.Tensor:
        return tf.cast(model(x, training=training), "float32")

    def _adversarial(self, d: keras.Model, real: tf.Tensor, fake: tf.Tensor, training: bool) -> Any:
        fake_out = self._d(d, fake, training)
        if getattr(self.loss_fn, "generator_needs_real", False):
            return self.loss_fn.generator(fake_out, self._d(d, real, training), reduction="none")
        return self.loss_fn.generator(fake_out, reduction="none")

    def cycle_losses(
        self, a: tf.Tensor, b: tf.Tensor, training: bool = True
    ) -> tuple[tf.Tensor, tf.Tensor, dict[str, tf.Tensor]]:
        """Per-example `(d_loss, g_loss, logs)` on unpaired batches `a`, `b` (same size).

        Runs the generators once; the discriminators see real images against pooled fakes
        (training) or the current fakes (evaluation). `train_step` and `test_step` call it.
        """
        ab = tf.cast(self.generator_ab(a, training=training), "float32")
        ba = tf.cast(self.generator_ba(b, training=training), "float32")
        aba = tf.cast(self.generator_ba(ab, training=training), "float32")
        bab = tf.cast(self.generator_ab(ba, training=training), "float32")
        g_adv = self._adversarial(self.discriminator_b, b, ab, training)
        g_adv += self._adversarial(self.discriminator_a, a, ba, training)
        cycle = cycle_consistency_loss(a, aba, b, bab, reduction="none")
        g_loss = g_adv + self.cycle_weight * cycle
        logs = {"g_adversarial": g_adv, "cycle": cycle}
        if self.identity_weight:
            same_b = tf.cast(self.generator_ab(b, training=training), "float32")
            same_a = tf.cast(self.generator_ba(a, training=training), "float32")
            ident = identity_loss(b, same_b, reduction="none")
            ident += identity_loss(a, same_a, reduction="none")
            g_loss += self.identity_weight * self.cycle_weight * ident
            logs["identity"] = ident
        fake_b, fake_a = tf.stop_gradient(ab), tf.stop_gradient(ba)
        if training:
            fake_b = self.pool_b.query(fake_b, self._next_seed())
            fake_a = self.pool_a.query(fake_a, self._next_seed())
        d_a = self.loss_fn.discriminator(
            self._d(self.discriminator_a, a, training),
            self._d(self.discriminator_a, fake_a, training),
            reduction="none",
        )
        d_b = self.loss_fn.discriminator(
            self._d(self.discriminator_b, b, training),
            self._d(self.discriminator_b, fake_b, training),
            reduction="none",
        )
        logs.update(d_a_loss=d_a, d_b_loss=d_b)
        return d_a + d_b, g_loss, logs

    def train_step(self, data: Any) -> dict[str, tf.Tensor]:
        """One step: both generators, then both discriminators, updated from one batch."""
        a, b = self._unpack(data)
        batch = tf.shape(a)[0]
        global_batch = replica_rows(batch)[1]
        assert self.g_optimizer is not None and self.d_optimizer is not None
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            d_loss, g_loss, logs = self.cycle_losses(a, b)
            d_scaled = self.d_optimizer.scale_loss(self._replica_mean(d_loss, global_batch))
            g_scaled = self.g_optimizer.scale_loss(self._replica_mean(g_loss, global_batch))
        self._update(self.g_optimizer, g_tape, g_scaled, self._g_variables())
        self._update(self.d_optimizer, d_tape, d_scaled, self._d_variables())
        self.step_counter.assign_add(1)
        return self._log({"d_loss": d_loss, "g_loss": g_loss, **logs}, batch)

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Evaluation: the step's losses on the current fakes, without updates or pool changes."""
        a, b = self._unpack(data)
        d_loss, g_loss, logs = self.cycle_losses(a, b, training=False)
        return self._log({"d_loss": d_loss, "g_loss": g_loss, **logs}, tf.shape(a)[0])

    # --------------------------------------------------------------- fit / translate
    def fit(
        self, x: Any = None, y: Any = None, batch_size: int | None = None, **kwargs: Any
    ) -> Any:
        """`keras.Model.fit`; `fit(a, b)` with numpy arrays needs them of equal length."""
        self._check_compiled()
        self._check_batch_size(batch_size)
        if isinstance(x, np.ndarray) and y is not None and len(x) != len(np.asarray(y)):
            raise ValueError(
                f"fit(a, b) with arrays needs equal lengths ({len(x)} vs {len(y)}); for "
                "domains of different sizes use data.unpaired_arrays(a, b, batch_size)."
            )
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    def translate(
        self, x: Any, direction: str = "a_to_b", batch_size: int = 256, use_ema: bool = True
    ) -> np.ndarray:
        """Translates numpy images `x` with `G` (`"a_to_b"`) or `F` (`"b_to_a"`), float32.

        `G` uses the EMA weights when a `GeneratorEMA` callback created them.
        """
        if direction not in _DIRECTIONS:
            raise ValueError(
                f"`direction` must be one of {_DIRECTIONS}. Received: direction={direction!r}"
            )
        if direction == "a_to_b":
            return self._run(self.generator_ab, x, batch_size, use_ema, self.shape_a)
        return self._run(self.generator_ba, x, batch_size, use_ema, self.shape_b)

    # ------------------------------------------------------------------- checkpoints
    def core_checkpoint_groups(self) -> dict[str, list[Any]]:
        """The four networks, both optimizers, RNG state and step counter, by group."""
        self._check_compiled()
        names = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
        return core_groups(self, {name: getattr(self, name) for name in names})

    def compat_config(self) -> dict[str, Any]:
        """JSON-able description checked when a checkpoint is restored into this trainer."""
        names = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
        loss = {**self._loss_config(), "cycle_weight": self.cycle_weight}
        loss["identity_weight"] = self.identity_weight
        return {
            "trainer": "CycleGANTrainer",
            **{n: architecture(m) for n, m in zip(names, self._networks(), strict=True)},
            "loss": loss,
            "pool_size": self.pool_size,
            "g_optimizer": type(self.g_optimizer).__name__,
            "d_optimizer": type(self.d_optimizer).__name__,
        }
