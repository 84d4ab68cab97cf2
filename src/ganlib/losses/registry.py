"""Lookup of losses and penalties by short name or by a saved ``{"name", "config"}`` dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ganlib.losses.objects import (
    GANLoss,
    Hinge,
    LeastSquares,
    Minimax,
    NonSaturating,
    RelativisticAverage,
    Wasserstein,
)
from ganlib.losses.penalties import GradientPenalty, Penalty, R1Penalty, R2Penalty
from ganlib.registry import Registry

__all__ = ["LOSSES", "PENALTIES", "get", "get_penalty", "register", "serialize"]

LOSSES: Registry[type[GANLoss]] = Registry("loss", GANLoss)
"""The loss classes by name (`ganlib.registry.Registry`)."""
PENALTIES: Registry[type[Penalty]] = Registry("penalty", Penalty)
"""The penalty classes by name (`ganlib.registry.Registry`)."""

T = TypeVar("T", bound=type)


def register(cls: T, *aliases: str) -> T:
    """Registers a :class:`GANLoss` or :class:`Penalty` subclass under ``cls.name``.

    The class name and any ``aliases`` are registered too; lookup ignores case, ``-`` and ``_``
    (`ganlib.registry.normalize_name`). Registered classes can be rebuilt by :func:`get` /
    :func:`get_penalty` from a saved config.

    Example:
        >>> class Tempered(NonSaturating):
        ...     name = "tempered_example"
        >>> _ = register(Tempered, "tempered")
        >>> get("tempered")
        Tempered(real_label=1.0, fake_label=0.0, from_logits=True)
    """
    if isinstance(cls, type) and issubclass(cls, GANLoss):
        table: Registry[Any] = LOSSES
    elif isinstance(cls, type) and issubclass(cls, Penalty):
        table = PENALTIES
    else:
        raise TypeError(f"`cls` must be a GANLoss or Penalty subclass. Received: cls={cls!r}")
    table.register(cls, str(getattr(cls, "name", "")), aliases=(cls.__name__, *aliases))
    return cls


register(NonSaturating, "ns")
register(Minimax)
register(LeastSquares, "lsgan", "ls")
register(Wasserstein, "wgan")
register(Hinge)
register(RelativisticAverage, "ra", "rasgan", "relativistic")
register(GradientPenalty, "wgan_gp", "gradient_penalty")
register(R1Penalty, "r1_penalty")
register(R2Penalty, "r2_penalty")


def get(identifier: str | Mapping[str, Any] | GANLoss) -> GANLoss:
    """Returns a loss object from a name, a ``{"name", "config"}`` dict or a loss (as is).

    Names: ``"non_saturating"``/``"ns"``, ``"minimax"``, ``"least_squares"``/``"lsgan"``,
    ``"wasserstein"``, ``"hinge"``, ``"relativistic_average"``/``"ra"`` (case, ``-`` and ``_``
    ignored), plus anything added with :func:`register`.

    Example:
        >>> get("ns")
        NonSaturating(real_label=1.0, fake_label=0.0, from_logits=True)
        >>> get({"name": "non_saturating", "config": {"real_label": 0.9}}).real_label
        0.9
    """
    loss: GANLoss = LOSSES.get(identifier)
    return loss


def get_penalty(identifier: str | Mapping[str, Any] | Penalty) -> Penalty:
    """Returns a penalty object from a name, a ``{"name", "config"}`` dict or a penalty.

    Names: ``"gp"``/``"gradient_penalty"``, ``"r1"``, ``"r2"`` (and registered ones).

    Example:
        >>> get_penalty({"name": "gp", "config": {"weight": 10.0}})
        GradientPenalty(weight=10.0, target=1.0)
        >>> get_penalty("r1")
        R1Penalty(weight=5.0)
    """
    penalty: Penalty = PENALTIES.get(identifier)
    return penalty


def serialize(obj: GANLoss | Penalty) -> dict[str, Any]:
    """``{"name": obj.name, "config": obj.get_config()}``, the JSON form :func:`get` reads.

    Example:
        >>> serialize(LeastSquares())
        {'name': 'least_squares', 'config': {'a': 0.0, 'b': 1.0, 'c': 1.0}}
    """
    if not isinstance(obj, (GANLoss, Penalty)):
        raise TypeError(f"`obj` must be a GANLoss or Penalty. Received: obj={obj!r}")
    return {"name": obj.name, "config": obj.get_config()}  # the name a loss declares
