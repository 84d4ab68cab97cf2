"""Adapters that bring a user loss or penalty under the trainer's contract, checked once.

`GANTrainer` calls `loss.discriminator(real_out, fake_out, reduction="none")`,
`loss.generator(fake_out[, real_out], reduction="none")` and
`penalty(discriminator, real, fake, labels, seed=..., reduction="none")`. A `GANLoss` or
`Penalty` subclass already has these signatures. Any other object is adapted here, at
construction: every argument the trainer passes is either accepted by the user function or
declared unneeded (`mean_only=True`: the function returns the batch mean; `deterministic=True`:
the penalty draws no random numbers); otherwise a `TypeError` says what is missing. Nothing is
inspected or dropped while training.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import tensorflow as tf

from ganlib.losses.objects import GANLoss
from ganlib.losses.penalties import Penalty

__all__ = ["adapt_loss", "adapt_penalty", "check_loss", "check_penalty"]


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    """True when `fn` takes the keyword `name` (or `**kwargs`)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature: assume nothing
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _require(fn: Callable[..., Any], what: str, name: str, excuse: str) -> None:
    if not _accepts(fn, name):
        raise TypeError(
            f"`{what}` does not accept the keyword argument `{name}`, which the trainer passes. "
            f"Add `{name}` to its signature, or declare {excuse}. Received: {fn!r}"
        )


class _AdaptedLoss(GANLoss):
    """A `GANLoss` around an object with `generator`/`discriminator` methods."""

    name: ClassVar[str] = "adapted"

    def __init__(self, loss: Any, generator_needs_real: bool, mean_only: bool) -> None:
        self.wrapped = loss
        self.needs_real = generator_needs_real
        self.mean_only = mean_only

    @property
    def generator_needs_real(self) -> bool:  # type: ignore[override]  # set per instance
        return self.needs_real

    def generator(
        self, fake_logits: Any, real_logits: Any = None, *, reduction: str = "mean"
    ) -> tf.Tensor:
        args = (fake_logits, real_logits) if self.needs_real else (fake_logits,)
        if self.mean_only:
            return self.wrapped.generator(*args)
        return self.wrapped.generator(*args, reduction=reduction)

    def discriminator(
        self, real_logits: Any, fake_logits: Any, *, reduction: str = "mean"
    ) -> tf.Tensor:
        if self.mean_only:
            return self.wrapped.discriminator(real_logits, fake_logits)
        return self.wrapped.discriminator(real_logits, fake_logits, reduction=reduction)

    def get_config(self) -> dict[str, Any]:
        get_config = getattr(self.wrapped, "get_config", None)
        return {"wrapped": type(self.wrapped).__name__, **(get_config() if get_config else {})}

    def __repr__(self) -> str:
        return f"adapt_loss({self.wrapped!r})"


def adapt_loss(
    loss: Any, *, generator_needs_real: bool = False, mean_only: bool = False
) -> GANLoss:
    """Wraps an object with `generator(fake[, real])` and `discriminator(real, fake)` methods.

    Both methods must accept `reduction` (`"none"` gives per-example values, which the trainer
    averages over the global batch), unless `mean_only=True` declares that they return the
    batch mean (a scalar: correct on one device and under `tf.distribute`, since the trainer
    weights it by the replica's share of the global batch). `generator_needs_real=True` passes
    the discriminator outputs on the real batch as the generator's second argument.
    A `GANLoss` is returned unchanged (after `check_loss`).

    Raises:
        TypeError: a method is missing or cannot take an argument the trainer passes.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib import losses
        >>> class Softplus:
        ...     def generator(self, fake):
        ...         return tf.reduce_mean(tf.nn.softplus(-fake))
        ...     def discriminator(self, real, fake):
        ...         return tf.reduce_mean(tf.nn.softplus(-real) + tf.nn.softplus(fake))
        >>> loss = losses.adapt_loss(Softplus(), mean_only=True)
        >>> print(f"{float(loss.generator(tf.zeros((2, 1)), reduction='none')):.4f}")
        0.6931
    """
    if isinstance(loss, GANLoss):
        return check_loss(loss)
    for method in ("generator", "discriminator"):
        if not callable(getattr(loss, method, None)):
            raise TypeError(
                f"`loss` must have `generator` and `discriminator` methods (or be a "
                f"ganlib.losses.GANLoss). Received: loss={loss!r}"
            )
    if not mean_only:
        excuse = "`mean_only=True` to adapt_loss when it returns the batch mean"
        _require(loss.generator, "loss.generator", "reduction", excuse)
        _require(loss.discriminator, "loss.discriminator", "reduction", excuse)
    return _AdaptedLoss(loss, bool(generator_needs_real), bool(mean_only))


def check_loss(loss: GANLoss) -> GANLoss:
    """Checks once that a `GANLoss`'s methods take `reduction`; returns `loss`.

    Example:
        >>> from ganlib import losses
        >>> losses.check_loss(losses.Hinge())
        Hinge()
    """
    if not isinstance(loss, GANLoss):
        raise TypeError(f"`loss` must be a ganlib.losses.GANLoss. Received: loss={loss!r}")
    excuse = "it with the base class's signature"
    _require(loss.generator, f"{type(loss).__name__}.generator", "reduction", excuse)
    _require(loss.discriminator, f"{type(loss).__name__}.discriminator", "reduction", excuse)
    return loss


class _AdaptedPenalty(Penalty):
    """A `Penalty` around a callable `fn(discriminator, real, fake, labels=None, ...)`."""

    def __init__(
        self, fn: Callable[..., Any], name: str, weight: float, uses_seed: bool, mean_only: bool
    ) -> None:
        super().__init__(weight)
        self.fn, self.uses_seed, self.mean_only = fn, uses_seed, mean_only
        self.penalty_name = name

    @property
    def name(self) -> str:  # type: ignore[override]  # set per instance
        return self.penalty_name

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
        kwargs: dict[str, Any] = {} if self.mean_only else {"reduction": reduction}
        if self.uses_seed:
            kwargs["seed"] = seed
        return self.fn(discriminator, real, fake, labels=labels, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.penalty_name, "weight": self.weight}

    def __repr__(self) -> str:
        return f"adapt_penalty({self.fn!r}, name={self.penalty_name!r}, weight={self.weight})"


def adapt_penalty(
    fn: Callable[..., Any],
    *,
    name: str | None = None,
    weight: float | None = None,
    deterministic: bool = False,
    mean_only: bool = False,
) -> Penalty:
    """Wraps `fn(discriminator, real, fake, labels=None, *, seed, reduction)` as a `Penalty`.

    `fn` must accept `seed` (a stateless seed from the trainer's RNG, so the run stays
    reproducible and resumes exactly) unless `deterministic=True` declares it draws no random
    numbers, and `reduction` unless `mean_only=True` declares it returns the batch mean.
    `name` (the logged metric) and `weight` default to `fn.name` / `fn.weight` when `fn` has
    them. A `Penalty` is returned unchanged (after `check_penalty`).

    Raises:
        TypeError: `fn` is not callable, has no name/weight, or cannot take `seed`/`reduction`.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib import losses
        >>> def logit_l2(discriminator, real, fake, labels=None):
        ...     return tf.reduce_mean(tf.square(discriminator(real)))
        >>> p = losses.adapt_penalty(logit_l2, name="l2", weight=0.1, deterministic=True,
        ...                          mean_only=True)
        >>> p.name, p.weight
        ('l2', 0.1)
    """
    if isinstance(fn, Penalty):
        return check_penalty(fn)
    if not callable(fn):
        raise TypeError(f"A penalty must be callable. Received: {fn!r}")
    name = getattr(fn, "name", None) if name is None else name
    weight = getattr(fn, "weight", None) if weight is None else weight
    if not isinstance(name, str) or not name:
        raise TypeError(f"A penalty needs a `name` (its metric). Received: name={name!r}")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise TypeError(f"A penalty needs a numeric `weight`. Received: weight={weight!r}")
    if not deterministic:
        excuse = "`deterministic=True` to adapt_penalty when it draws no random numbers"
        _require(fn, f"penalty {name!r}", "seed", excuse)
    if not mean_only:
        excuse = "`mean_only=True` to adapt_penalty when it returns the batch mean"
        _require(fn, f"penalty {name!r}", "reduction", excuse)
    return _AdaptedPenalty(fn, name, float(weight), not deterministic, mean_only)


def check_penalty(penalty: Penalty) -> Penalty:
    """Checks once that a `Penalty` takes `seed` and `reduction`; returns `penalty`.

    Example:
        >>> from ganlib import losses
        >>> losses.check_penalty(losses.R1Penalty(weight=1.0)).name
        'r1'
    """
    if not isinstance(penalty, Penalty):
        raise TypeError(f"Expected a ganlib.losses.Penalty. Received: {penalty!r}")
    for keyword in ("seed", "reduction"):
        _require(penalty, type(penalty).__name__, keyword, "it with the base class's signature")
    return penalty
