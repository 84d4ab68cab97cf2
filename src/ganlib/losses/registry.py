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

__all__ = ["get", "get_penalty", "register", "serialize"]

_LOSSES: dict[str, type[GANLoss]] = {}
_PENALTIES: dict[str, type[Penalty]] = {}

T = TypeVar("T", bound=type)


def _key(name: str) -> str:
    """Case-, hyphen- and underscore-insensitive key: "Non-Saturating" -> "nonsaturating"."""
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


def register(cls: T, *aliases: str) -> T:
    """Registers a :class:`GANLoss` or :class:`Penalty` subclass under ``cls.name``.

    The class name and any ``aliases`` are registered too; lookup ignores case, ``-`` and ``_``.
    Registered classes can be rebuilt by :func:`get` / :func:`get_penalty` from a saved config.

    Example:
        >>> class Tempered(NonSaturating):
        ...     name = "tempered_example"
        >>> _ = register(Tempered, "tempered")
        >>> get("tempered")
        Tempered(real_label=1.0, fake_label=0.0, from_logits=True)
    """
    if isinstance(cls, type) and issubclass(cls, GANLoss):
        table: dict[str, Any] = _LOSSES
    elif isinstance(cls, type) and issubclass(cls, Penalty):
        table = _PENALTIES
    else:
        raise TypeError(f"`cls` must be a GANLoss or Penalty subclass. Received: cls={cls!r}")
    names = (str(getattr(cls, "name", "")), cls.__name__, *aliases)
    for name in names:  # check every name before registering any
        key = _key(name)
        if table.get(key, cls) is not cls:
            raise ValueError(
                f"The name {name!r} is already registered for {table[key].__name__}. "
                f"Received: cls={cls.__name__}"
            )
    table.update({_key(name): cls for name in names})
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


def _lookup(identifier: Any, table: Mapping[str, type], kind: str, argument: str) -> Any:
    if isinstance(identifier, str):
        cls = table.get(_key(identifier))
        if cls is None:
            known = sorted({str(getattr(c, "name", c.__name__)) for c in table.values()})
            raise ValueError(
                f"Unknown {kind} {identifier!r}; known: {', '.join(known)}. "
                f"Received: {argument}={identifier!r}"
            )
        return cls()
    if isinstance(identifier, Mapping):
        extra = set(identifier) - {"name", "config"}
        if "name" not in identifier or extra:
            raise ValueError(
                f'A {kind} config must be {{"name": ..., "config": {{...}}}}. '
                f"Received: {argument}={dict(identifier)!r}"
            )
        cls = _lookup(identifier["name"], table, kind, argument).__class__
        return cls.from_config(dict(identifier.get("config") or {}))
    raise TypeError(
        f"`{argument}` must be a {kind} object, a name or a config dict. "
        f"Received: {argument}={identifier!r}"
    )


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
    if isinstance(identifier, GANLoss):
        return identifier
    loss: GANLoss = _lookup(identifier, _LOSSES, "loss", "identifier")
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
    if isinstance(identifier, Penalty):
        return identifier
    penalty: Penalty = _lookup(identifier, _PENALTIES, "penalty", "identifier")
    return penalty


def serialize(obj: GANLoss | Penalty) -> dict[str, Any]:
    """``{"name": obj.name, "config": obj.get_config()}``, the JSON form :func:`get` reads.

    Example:
        >>> serialize(LeastSquares())
        {'name': 'least_squares', 'config': {'a': 0.0, 'b': 1.0, 'c': 1.0}}
    """
    if not isinstance(obj, (GANLoss, Penalty)):
        raise TypeError(f"`obj` must be a GANLoss or Penalty. Received: obj={obj!r}")
    return {"name": obj.name, "config": obj.get_config()}
