"""Loss objects: a generator/discriminator loss pair bundled with its settings.

These are what ``GANTrainer`` takes. Each returns the batch mean (a float32 scalar) by default;
``reduction="none"`` gives per-example values, shape ``(batch,)``, for global-batch averaging
under ``tf.distribute``. ``get_config()`` is JSON-able and ``from_config`` rebuilds the object.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar

import tensorflow as tf

from ganlib.losses import _config
from ganlib.losses import functional as F
from ganlib.losses._checks import check_label, check_number

__all__ = [
    "GANLoss",
    "Hinge",
    "LeastSquares",
    "Minimax",
    "NonSaturating",
    "RelativisticAverage",
    "Wasserstein",
]


class GANLoss(_config.ConfigMixin, abc.ABC):
    """Base class of GAN losses: a pair of functions of discriminator outputs.

    Subclasses set ``name`` (the registry key), implement :meth:`generator` and
    :meth:`discriminator` and, when they take arguments, :meth:`get_config`. Both methods
    return values to *minimise*.

    Attributes:
        name: short name used by :func:`ganlib.losses.get` and in saved configs.
        generator_needs_real: ``True`` when :meth:`generator` needs ``real_logits``.
        from_logits: ``True`` when the inputs are logits / raw scores, ``False`` for
            probabilities.

    Example:
        >>> class Softplus(GANLoss):
        ...     name = "softplus_example"
        ...     def generator(self, fake_logits, real_logits=None, *, reduction="mean"):
        ...         return tf.reduce_mean(tf.nn.softplus(-fake_logits))
        ...     def discriminator(self, real_logits, fake_logits, *, reduction="mean"):
        ...         real_term = tf.nn.softplus(-real_logits)
        ...         return tf.reduce_mean(real_term + tf.nn.softplus(fake_logits))
        >>> print(f"{float(Softplus().generator(tf.zeros((2, 1)))):.4f}")
        0.6931
    """

    name: ClassVar[str] = "gan_loss"
    generator_needs_real: ClassVar[bool] = False
    from_logits: bool = True

    @abc.abstractmethod
    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        """Generator loss from the discriminator's outputs on generated samples."""

    @abc.abstractmethod
    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        """Discriminator loss from its outputs on real and generated samples."""

    def get_config(self) -> dict[str, Any]:
        """JSON-able constructor arguments: ``type(l).from_config(l.get_config())`` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GANLoss:
        """Builds a loss from :meth:`get_config`'s output."""
        return _config.from_config(cls, config)


class NonSaturating(GANLoss):
    """Non-saturating GAN loss (Goodfellow et al. 2014) with explicit soft labels.

    Generator: :func:`~ganlib.losses.non_saturating_generator_loss`; discriminator:
    :func:`~ganlib.losses.non_saturating_discriminator_loss` with targets ``real_label`` and
    ``fake_label``. ``real_label=0.9`` is one-sided label smoothing (Salimans et al. 2016);
    Keras's two-sided ``label_smoothing=ls`` is ``real_label=1 - ls/2, fake_label=ls/2``;
    TF-GAN's ``label_smoothing=0.25`` is ``real_label=0.875``.

    Example:
        >>> loss = NonSaturating(real_label=0.9)
        >>> print(f"{float(loss.discriminator([[2.0]], [[-2.0]])):.4f}")
        0.4539
    """

    name: ClassVar[str] = "non_saturating"

    def __init__(
        self, real_label: float = 1.0, fake_label: float = 0.0, from_logits: bool = True
    ) -> None:
        self.real_label = check_label(real_label, "real_label")
        self.fake_label = check_label(fake_label, "fake_label")
        if not isinstance(from_logits, bool):
            raise TypeError(f"`from_logits` must be a bool. Received: from_logits={from_logits!r}")
        self.from_logits = from_logits

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.non_saturating_generator_loss(
            fake_logits, from_logits=self.from_logits, reduction=reduction
        )

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.non_saturating_discriminator_loss(
            real_logits,
            fake_logits,
            real_label=self.real_label,
            fake_label=self.fake_label,
            from_logits=self.from_logits,
            reduction=reduction,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "real_label": self.real_label,
            "fake_label": self.fake_label,
            "from_logits": self.from_logits,
        }


class Minimax(NonSaturating):
    """Minimax (saturating) GAN loss (Goodfellow et al. 2014): the original zero-sum game.

    Generator ``E[log(1 - D(G(z)))]``; the discriminator loss and its options are those of
    :class:`NonSaturating`.

    Example:
        >>> print(f"{float(Minimax().generator([[0.0]])):.4f}")
        -0.6931
    """

    name: ClassVar[str] = "minimax"

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.minimax_generator_loss(
            fake_logits, from_logits=self.from_logits, reduction=reduction
        )


class LeastSquares(GANLoss):
    """Least-squares GAN loss (Mao et al. 2017, LSGAN) on raw discriminator outputs.

    Discriminator ``1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]``, generator
    ``1/2 E[(D(G(z)) - c)^2]``.

    Args:
        a: target for generated samples. b: target for real samples. c: the value the
            generator wants for its samples.

    Example:
        >>> loss = LeastSquares()
        >>> print(f"{float(loss.generator([[10.0], [4.4], [-5.5], [3.6]])):.5f}")
        17.69625
    """

    name: ClassVar[str] = "least_squares"

    def __init__(self, a: float = 0.0, b: float = 1.0, c: float = 1.0) -> None:
        self.a = check_number(a, "a")
        self.b = check_number(b, "b")
        self.c = check_number(c, "c")

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.least_squares_generator_loss(fake_logits, c=self.c, reduction=reduction)

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.least_squares_discriminator_loss(
            real_logits, fake_logits, a=self.a, b=self.b, reduction=reduction
        )

    def get_config(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "c": self.c}


class Wasserstein(GANLoss):
    """Wasserstein GAN loss (Arjovsky et al. 2017) on raw critic outputs.

    Critic ``E[D(G(z))] - E[D(x)]``, generator ``-E[D(G(z))]``. Needs a Lipschitz constraint:
    combine with ``GradientPenalty(weight=10.0)`` and ``optimizers.wgan_gp()`` (WGAN-GP).

    Example:
        >>> loss = Wasserstein()
        >>> print(f"{float(loss.discriminator([[1.0]], [[-1.0]])):.1f}")
        -2.0
    """

    name: ClassVar[str] = "wasserstein"

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.wasserstein_generator_loss(fake_logits, reduction=reduction)

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.wasserstein_discriminator_loss(real_logits, fake_logits, reduction=reduction)


class Hinge(GANLoss):
    """Hinge GAN loss (Lim & Ye 2017; SN-GAN, Miyato et al. 2018) on raw outputs.

    Discriminator ``E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]``, generator ``-E[D(G(z))]``.

    Example:
        >>> loss = Hinge()
        >>> print(f"{float(loss.discriminator([[1.0]], [[-1.0]])):.1f}")
        0.0
    """

    name: ClassVar[str] = "hinge"

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.hinge_generator_loss(fake_logits, reduction=reduction)

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.hinge_discriminator_loss(real_logits, fake_logits, reduction=reduction)


class RelativisticAverage(GANLoss):
    """Relativistic average GAN loss (RaSGAN; Jolicoeur-Martineau 2018) on logits.

    The generator loss needs the real logits too: ``loss.generator(fake_logits, real_logits)``.

    Example:
        >>> loss = RelativisticAverage()
        >>> loss.generator_needs_real
        True
        >>> print(f"{float(loss.generator([[0.0], [1.0]], [[1.0], [2.0]])):.4f}")
        2.6755
    """

    name: ClassVar[str] = "relativistic_average"
    generator_needs_real: ClassVar[bool] = True

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        if real_logits is None:
            raise ValueError(
                "RelativisticAverage.generator needs `real_logits` (the discriminator's "
                "outputs on real samples). Received: real_logits=None"
            )
        return F.relativistic_average_generator_loss(fake_logits, real_logits, reduction=reduction)

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        return F.relativistic_average_discriminator_loss(
            real_logits, fake_logits, reduction=reduction
        )
