"""Gradient penalties on the discriminator: WGAN-GP, R1 and R2.

Each penalty differentiates the discriminator with respect to its *input* with a
``tf.GradientTape``; called inside an outer tape that watches the discriminator's variables
(as the trainer does) it is differentiable again (double backpropagation). The gradient of
``D`` is taken per sample, which assumes samples do not interact inside ``D`` (no BatchNorm in
training mode; use layer normalization or none, as Gulrajani et al. 2017 advise).
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar

import keras
import tensorflow as tf

from ganlib.losses import _config
from ganlib.losses._checks import (
    as_float32,
    check_number,
    check_reduction,
    check_weight,
    reduce,
)

__all__ = [
    "GradientPenalty",
    "Penalty",
    "R1Penalty",
    "R2Penalty",
    "gradient_penalty",
    "r1_penalty",
    "r2_penalty",
]

_NORM_EPSILON = 1e-12


def _check_discriminator(discriminator: Any, labels: Any) -> None:
    if not callable(discriminator):
        raise TypeError(
            "`discriminator` must be callable, e.g. a keras.Model. "
            f"Received: discriminator={discriminator!r}"
        )
    try:
        inputs = discriminator.inputs
    except Exception:  # unbuilt or subclassed model: nothing to check statically
        return
    if not isinstance(inputs, (list, tuple)):
        return
    if len(inputs) == 2 and labels is None:
        raise ValueError(
            "`labels` is required: the discriminator is conditional (it has 2 inputs). "
            "Received: labels=None"
        )
    if len(inputs) == 1 and labels is not None:
        raise ValueError(
            "`labels` must be None: the discriminator is unconditional (it has 1 input). "
            f"Received: labels of type {type(labels).__name__}"
        )


def _input_gradients(discriminator: Any, x: tf.Tensor, labels: Any, training: bool) -> tf.Tensor:
    """Per-sample gradients of the discriminator output with respect to ``x``."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = discriminator(x if labels is None else [x, labels], training=training)
        outputs = tf.cast(outputs, tf.float32)
    grads = tape.gradient(outputs, x)
    if grads is None:  # the output does not depend on the input at all
        return tf.zeros_like(x)
    return tf.cast(grads, tf.float32)


def _squared_norms(grads: tf.Tensor) -> tf.Tensor:
    """Squared L2 norm of each sample's gradient over all non-batch axes: shape (batch,)."""
    flat = tf.reshape(grads, [tf.shape(grads)[0], -1])
    return tf.reduce_sum(tf.square(flat), axis=1)


def _uniform(shape: tf.Tensor, seed: Any) -> tf.Tensor:
    """U(0, 1) draws; stateless when ``seed`` is an int or a (2,) tensor."""
    if seed is None:
        return tf.random.uniform(shape, dtype=tf.float32)
    if isinstance(seed, keras.random.SeedGenerator):
        return tf.cast(keras.random.uniform(shape, seed=seed), tf.float32)
    if isinstance(seed, int) and not isinstance(seed, bool):
        return tf.random.stateless_uniform(shape, seed=tf.constant([seed, 0], tf.int64))
    seed_tensor = tf.convert_to_tensor(seed)
    if not seed_tensor.dtype.is_integer or seed_tensor.shape.as_list() != [2]:
        raise TypeError(
            "`seed` must be None, an int, a keras.random.SeedGenerator or an integer tensor of "
            f"shape (2,). Received: seed={seed!r}"
        )
    return tf.random.stateless_uniform(shape, seed=tf.cast(seed_tensor, tf.int64))


def gradient_penalty(
    discriminator: Any,
    real: Any,
    fake: Any,
    *,
    labels: Any = None,
    target: float = 1.0,
    seed: Any = None,
    training: bool = True,
    reduction: str = "mean",
) -> tf.Tensor:
    """WGAN-GP gradient penalty: ``E[(||grad_x D(x_hat)||_2 - target)^2]`` (Gulrajani 2017).

    ``x_hat = real + u * (fake - real)`` with ``u ~ U(0, 1)`` drawn once per sample and
    broadcast over the other axes; the norm runs over all non-batch axes and is computed as
    ``sqrt(sum(g^2) + 1e-12)``, so the penalty and its gradient stay finite at a zero gradient.
    Multiply by the weight (10 in the paper) before adding it to the critic loss.

    Args:
        discriminator: a callable ``D(x, training=...)``, or ``D([x, labels], training=...)``
            when ``labels`` is given; usually a ``keras.Model`` returning ``(batch, 1)``.
        real: real samples, shape ``(batch, ...)``, float.
        fake: generated samples, same shape as ``real``.
        labels: class labels for a conditional discriminator (passed through unchanged).
        target: the gradient norm aimed at (1 for WGAN-GP; 0 gives a zero-centred penalty).
        seed: ``None`` (stateful random op), an ``int`` or an integer tensor of shape ``(2,)``
            (stateless: the same seed gives the same interpolation; pass e.g.
            ``tf.stack([seed, step])`` to vary per step), or a ``keras.random.SeedGenerator``.
        training: the ``training`` flag passed to the discriminator.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per-example, shape ``(batch,)``).

    Example:
        >>> import keras
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> _ = d.layers[0].kernel.assign([[3.0], [4.0]])  # grad_x D = w, ||w|| = 5
        >>> gp = gradient_penalty(d, tf.zeros((4, 2)), tf.ones((4, 2)), seed=0)
        >>> print(f"{float(gp):.4f}")  # (5 - 1)^2
        16.0000
    """
    reduction = check_reduction(reduction)
    target = check_number(target, "target")
    _check_discriminator(discriminator, labels)
    real = as_float32(real, "real")
    fake = as_float32(fake, "fake")
    if not real.shape.is_compatible_with(fake.shape):
        raise ValueError(
            "`real` and `fake` must have the same shape. "
            f"Received: real.shape={tuple(real.shape)}, fake.shape={tuple(fake.shape)}"
        )
    rank = real.shape.rank
    if rank is None:
        raise ValueError("`real` must have a known rank. Received: real with unknown rank")
    real, fake = tf.stop_gradient(real), tf.stop_gradient(fake)
    alpha_shape = tf.concat([tf.shape(real)[:1], tf.ones([rank - 1], tf.int32)], axis=0)
    alpha = _uniform(alpha_shape, seed)
    interpolated = real + alpha * (fake - real)
    grads = _input_gradients(discriminator, interpolated, labels, training)
    norms = tf.sqrt(_squared_norms(grads) + _NORM_EPSILON)
    return reduce(tf.square(norms - target), reduction)


def _zero_centred_penalty(
    discriminator: Any, samples: Any, name: str, labels: Any, training: bool, reduction: str
) -> tf.Tensor:
    """``||grad_x D(x)||^2`` at ``samples`` (named ``name`` in errors): R1 and R2's body."""
    reduction = check_reduction(reduction)
    _check_discriminator(discriminator, labels)
    samples = tf.stop_gradient(as_float32(samples, name))
    grads = _input_gradients(discriminator, samples, labels, training)
    return reduce(_squared_norms(grads), reduction)


def r1_penalty(
    discriminator: Any,
    real: Any,
    *,
    labels: Any = None,
    training: bool = True,
    reduction: str = "mean",
) -> tf.Tensor:
    """R1 penalty: ``E_x[||grad_x D(x)||^2]`` on real data (Mescheder et al. 2018).

    The paper writes the regulariser as ``gamma/2 * E||grad D(x)||^2``; this function returns
    the unweighted expectation, so use weight ``gamma / 2`` (``R1Penalty(weight=5.0)`` is
    ``gamma = 10``).

    Example:
        >>> import keras
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> _ = d.layers[0].kernel.assign([[3.0], [4.0]])
        >>> print(f"{float(r1_penalty(d, tf.zeros((4, 2)))):.1f}")  # ||w||^2
        25.0
    """
    return _zero_centred_penalty(discriminator, real, "real", labels, training, reduction)


def r2_penalty(
    discriminator: Any,
    fake: Any,
    *,
    labels: Any = None,
    training: bool = True,
    reduction: str = "mean",
) -> tf.Tensor:
    """R2 penalty: ``E_z[||grad_x D(G(z))||^2]`` on generated data (Mescheder et al. 2018).

    Same as :func:`r1_penalty` evaluated at generated samples; weight ``gamma / 2``.

    Example:
        >>> import keras
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> _ = d.layers[0].kernel.assign([[3.0], [4.0]])
        >>> print(f"{float(r2_penalty(d, tf.ones((4, 2)))):.1f}")
        25.0
    """
    return _zero_centred_penalty(discriminator, fake, "fake", labels, training, reduction)


class Penalty(_config.ConfigMixin, abc.ABC):
    """Base class of discriminator penalties: a weight plus an unweighted penalty term.

    ``penalty(discriminator, real, fake, labels=None)`` returns the *unweighted* value; the
    trainer adds ``penalty.weight * value`` to the discriminator loss and logs the value under
    ``penalty.name``. Subclasses set ``name`` and implement ``__call__``; ``seed`` is accepted
    by every penalty so callers can use one signature (deterministic penalties ignore it).

    Example:
        >>> p = GradientPenalty(weight=10.0)
        >>> p.name, p.weight, p.get_config()
        ('gp', 10.0, {'weight': 10.0, 'target': 1.0})
    """

    name: ClassVar[str] = "penalty"

    def __init__(self, weight: float) -> None:
        self.weight = check_weight(weight, "weight")

    @abc.abstractmethod
    def __call__(
        self,
        discriminator: Any,
        real: Any,
        fake: Any,
        labels: Any = None,
        *,
        seed: Any = None,
        reduction: str = "mean",
    ) -> tf.Tensor:
        """Returns the unweighted penalty (a scalar, or ``(batch,)`` with ``"none"``)."""

    def get_config(self) -> dict[str, Any]:
        """JSON-able constructor arguments: ``type(p).from_config(p.get_config())`` rebuilds it."""
        return {"weight": self.weight}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Penalty:
        """Builds a penalty from :meth:`get_config`'s output."""
        return _config.from_config(cls, config)


class GradientPenalty(Penalty):
    """WGAN-GP penalty object (Gulrajani et al. 2017): :func:`gradient_penalty` with a weight.

    Args:
        weight: multiplier ``lambda`` (10 in the paper); must be >= 0.
        target: the gradient norm aimed at (1 in the paper).

    Example:
        >>> GradientPenalty(weight=10.0)
        GradientPenalty(weight=10.0, target=1.0)
    """

    name: ClassVar[str] = "gp"

    def __init__(self, weight: float = 10.0, target: float = 1.0) -> None:
        super().__init__(weight)
        self.target = check_number(target, "target")

    def __call__(
        self,
        discriminator: Any,
        real: Any,
        fake: Any,
        labels: Any = None,
        *,
        seed: Any = None,
        reduction: str = "mean",
    ) -> tf.Tensor:
        return gradient_penalty(
            discriminator,
            real,
            fake,
            labels=labels,
            target=self.target,
            seed=seed,
            reduction=reduction,
        )

    def get_config(self) -> dict[str, Any]:
        return {"weight": self.weight, "target": self.target}


class _ZeroCentredPenalty(Penalty):
    """R1 / R2 penalty objects: :func:`_zero_centred_penalty` on ``real`` or ``fake``."""

    _on: ClassVar[str] = "real"  # which samples the gradient is taken at: "real" or "fake"

    def __init__(self, weight: float = 5.0) -> None:
        super().__init__(weight)

    def __call__(
        self,
        discriminator: Any,
        real: Any,
        fake: Any,
        labels: Any = None,
        *,
        seed: Any = None,
        reduction: str = "mean",
    ) -> tf.Tensor:
        samples = real if self._on == "real" else fake
        return _zero_centred_penalty(discriminator, samples, self._on, labels, True, reduction)


class R1Penalty(_ZeroCentredPenalty):
    """R1 penalty object (Mescheder et al. 2018): :func:`r1_penalty` on real samples.

    Args:
        weight: ``gamma / 2`` in the paper's notation; the default 5.0 is ``gamma = 10``.

    Example:
        >>> R1Penalty(weight=5.0).name
        'r1'
    """

    name: ClassVar[str] = "r1"
    _on: ClassVar[str] = "real"


class R2Penalty(_ZeroCentredPenalty):
    """R2 penalty object (Mescheder et al. 2018): :func:`r2_penalty` on generated samples.

    Args:
        weight: ``gamma / 2`` in the paper's notation; the default 5.0 is ``gamma = 10``.

    Example:
        >>> R2Penalty(weight=1.0).name
        'r2'
    """

    name: ClassVar[str] = "r2"
    _on: ClassVar[str] = "fake"
