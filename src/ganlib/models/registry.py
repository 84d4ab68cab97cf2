"""Builders by name, so a CLI or checkpoint can rebuild an architecture from JSON.

The serialized form of a builder is ``{"name": <registered name>, "config": {...}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from ganlib.models.base import DiscriminatorBuilder, GeneratorBuilder, _Builder
from ganlib.registry import Registry

__all__ = ["BUILDERS", "available", "from_config", "get", "register", "serialize"]

Builder = GeneratorBuilder | DiscriminatorBuilder | _Builder
B = TypeVar("B", bound=type)

BUILDERS: Registry[type] = Registry(
    "builder",
    _Builder,
    base_name="GeneratorBuilder, DiscriminatorBuilder or TranslatorBuilder subclasses",
)
"""The builder classes by name (`ganlib.registry.Registry`; case, `-` and `_` ignored):
noise-to-image generators, discriminators and image-to-image translators."""


def register(name: str) -> Callable[[B], B]:
    """Class decorator: make a builder class available to ``get`` and ``from_config``.

    Example:
        >>> from ganlib import models
        >>> @models.register("my_mlp_generator")
        ... class MyGenerator(models.MLPGenerator):
        ...     pass
        >>> type(models.get("my_mlp_generator", latent_dim=8)).__name__
        'MyGenerator'
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"`name` must be a non-empty string. Received: name={name!r}")

    def decorator(cls: B) -> B:
        BUILDERS.register(cls, name)
        cast(Any, cls).registered_name = name  # the name `serialize` writes
        return cls

    return decorator


def available() -> list[str]:
    """The registered builder names, sorted.

    Example:
        >>> from ganlib import models
        >>> "mlp_generator" in models.available()
        True
    """
    return BUILDERS.names()


def get(name: str, /, **kwargs: Any) -> Any:
    """A builder instance from its registered name and constructor arguments.

    ``name`` is positional-only, so ``name=`` in ``kwargs`` sets the model name.

    Example:
        >>> from ganlib import models
        >>> models.get("mlp_discriminator", input_shape=(2,)).input_shape
        (2,)
    """
    return BUILDERS.lookup(name)(**kwargs)


def serialize(builder: Builder) -> dict[str, Any]:
    """``{"name": ..., "config": ...}`` for a registered builder (JSON-able).

    Example:
        >>> from ganlib import models
        >>> models.serialize(models.MLPGenerator(latent_dim=8))["name"]
        'mlp_generator'
    """
    name = getattr(type(builder), "registered_name", None)
    if (
        not isinstance(name, str)
        or name not in BUILDERS
        or BUILDERS.lookup(name) is not type(builder)
    ):
        raise ValueError(
            "Only builders of registered classes can be serialized (use models.register). "
            f"Received: builder={builder!r}"
        )
    return {"name": name, "config": builder.get_config()}


def from_config(config: Mapping[str, Any]) -> Any:
    """Rebuild a builder from ``serialize``'s dict ``{"name": ..., "config": {...}}``.

    Example:
        >>> from ganlib import models
        >>> spec = {"name": "mlp_generator", "config": {"latent_dim": 8, "output_shape": [2]}}
        >>> models.from_config(spec).build().output_shape
        (None, 2)
    """
    if not isinstance(config, Mapping) or "name" not in config:
        raise ValueError(
            "`config` must be a dict {'name': ..., 'config': {...}}. "
            f"Received: config={config!r}"
        )
    kwargs = config.get("config") or {}
    if not isinstance(kwargs, Mapping):
        raise ValueError(f"`config['config']` must be a dict. Received: config={config!r}")
    return get(config["name"], **kwargs)
