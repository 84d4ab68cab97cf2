"""`Registry`: the one name-to-class table behind losses, penalties, model builders and optimizer
presets, so a CLI or a saved JSON config can name them.

One name rule everywhere (`normalize_name`): case, `-`, `_` and spaces are ignored, so
`"Non-Saturating"`, `"non_saturating"` and `"nonsaturating"` are the same name. Every entry has
one canonical name (what `serialize` writes and `names()` lists) plus aliases.

Example:
    >>> from ganlib.registry import Registry
    >>> shapes = Registry("shape")
    >>> @shapes.register("unit_circle", aliases=("circle",))
    ... class UnitCircle:
    ...     def get_config(self):
    ...         return {}
    >>> type(shapes.get("Unit-Circle")).__name__, shapes.names()
    ('UnitCircle', ['unit_circle'])
    >>> shapes.serialize(shapes.get("circle"))
    {'name': 'unit_circle', 'config': {}}
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

__all__ = ["Registry", "normalize_name"]

T = TypeVar("T")


def normalize_name(name: str) -> str:
    """The lookup key of a name: lower case without `-`, `_` and spaces.

    Example:
        >>> from ganlib.registry import normalize_name
        >>> normalize_name("Non-Saturating"), normalize_name("wgan_gp")
        ('nonsaturating', 'wgangp')
    """
    if not isinstance(name, str):
        raise TypeError(f"A registry name must be a string. Received: {name!r}")
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


class Registry(Generic[T]):
    """Named entries (classes or factories) of one kind, looked up by `normalize_name`.

    `register` adds an entry under a canonical name and aliases (a name taken by another entry
    raises `ValueError`); `lookup` returns the entry; `get` builds an object from a name, a
    `{"name", "config"}` dict (via the entry's `from_config`, or its constructor) or returns an
    instance as is; `serialize` is the inverse for objects with `get_config()`.

    Example:
        >>> from ganlib.registry import Registry
        >>> colors = Registry("color")
        >>> _ = colors.register(dict, "plain_dict")
        >>> colors.lookup("Plain-Dict") is dict
        True
    """

    def __init__(
        self,
        kind: str,
        base: type | tuple[type, ...] | None = None,
        *,
        base_name: str | None = None,
    ) -> None:
        self.kind = kind
        self.base = base
        self.base_name = base_name  # what the refusal of another class calls `base`
        self._entries: dict[str, T] = {}
        self._canonical: dict[int, str] = {}

    def register(
        self,
        entry: T | str | None = None,
        name: str | None = None,
        *,
        aliases: tuple[str, ...] = (),
    ) -> Any:
        """Registers `entry` as `name` (default: its `name` attribute, else `__name__`).

        Call it directly (`register(cls, "name")`) or as a decorator (`@register("name")`).
        """
        if isinstance(entry, str) or entry is None:  # decorator form
            label = entry if isinstance(entry, str) else name

            def decorator(target: T) -> T:
                registered: T = self.register(target, label, aliases=aliases)
                return registered

            return decorator
        if self.base is not None and not (isinstance(entry, type) and issubclass(entry, self.base)):
            raise TypeError(
                f"Only {self._base_names()} can be registered as a {self.kind}. Received: {entry!r}"
            )
        canonical = name or str(getattr(entry, "name", "") or getattr(entry, "__name__", ""))
        names = (canonical, *aliases)
        for item in names:  # check every name before registering any
            known = self._entries.get(normalize_name(item))
            if known is not None and known is not entry and not _same_class(known, entry):
                raise ValueError(
                    f"A {self.kind} is already registered as {item!r}: {_label(known)}. "
                    f"Received: {_label(entry)}"
                )
        for item in names:
            self._entries[normalize_name(item)] = entry
        self._canonical.setdefault(id(entry), canonical)
        return entry

    def _base_names(self) -> str:
        if self.base_name:
            return self.base_name
        bases = self.base if isinstance(self.base, tuple) else (self.base,)
        return " or ".join(f"{b.__name__} subclasses" for b in bases if b is not None)

    def canonical_name(self, entry: T) -> str:
        """The name `entry` was registered under (the one `serialize` writes)."""
        if id(entry) not in self._canonical:
            raise ValueError(f"{_label(entry)} is not a registered {self.kind}.")
        return self._canonical[id(entry)]

    def names(self) -> list[str]:
        """The canonical names, sorted (aliases left out)."""
        return sorted({self._canonical[id(e)] for e in self._entries.values()})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._entries

    def lookup(self, name: str) -> T:
        """The entry registered as `name` (any spelling `normalize_name` maps to it)."""
        if not isinstance(name, str):
            raise TypeError(f"A {self.kind} name must be a string. Received: {name!r}")
        entry = self._entries.get(normalize_name(name))
        if entry is None:
            raise ValueError(
                f"Unknown {self.kind} {name!r}; known: {', '.join(self.names())}. "
                f"Received: name={name!r}"
            )
        return entry

    def get(self, identifier: Any, argument: str = "identifier", **kwargs: Any) -> Any:
        """An object from a name (built with `kwargs`), a `{"name", "config"}` dict, or an
        instance of `base` (returned as is)."""
        if self.base is not None and isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, str):
            return _build(self.lookup(identifier), kwargs)
        if isinstance(identifier, Mapping):
            extra = set(identifier) - {"name", "config"}
            config = identifier.get("config") or {}
            if "name" not in identifier or extra or not isinstance(config, Mapping):
                raise ValueError(
                    f'A {self.kind} config must be {{"name": ..., "config": {{...}}}}. '
                    f"Received: {argument}={dict(identifier)!r}"
                )
            entry: Any = self.lookup(identifier["name"])
            from_config = getattr(entry, "from_config", None)
            return from_config(dict(config)) if from_config else entry(**config)
        raise TypeError(
            f"`{argument}` must be a {self.kind} object, a name or a config dict. "
            f"Received: {argument}={identifier!r}"
        )

    @contextlib.contextmanager
    def temporary(self) -> Iterator[Registry[T]]:
        """A `with` block whose registrations are undone when it ends (tests, examples).

        Example:
            >>> from ganlib.registry import Registry
            >>> colors = Registry("color")
            >>> with colors.temporary():
            ...     _ = colors.register(dict, "plain_dict")
            ...     "plain_dict" in colors
            True
            >>> "plain_dict" in colors
            False
        """
        entries, canonical = dict(self._entries), dict(self._canonical)
        try:
            yield self
        finally:
            self._entries.clear()
            self._entries.update(entries)
            self._canonical.clear()
            self._canonical.update(canonical)

    def serialize(self, obj: Any) -> dict[str, Any]:
        """`{"name": <canonical name>, "config": obj.get_config()}` for a registered class."""
        entry = type(obj)
        if id(entry) not in self._canonical or self.lookup(self._canonical[id(entry)]) is not entry:
            raise ValueError(
                f"Only objects of registered {self.kind} classes can be serialized. "
                f"Received: {obj!r}"
            )
        return {"name": self._canonical[id(entry)], "config": obj.get_config()}


def _build(entry: Any, kwargs: dict[str, Any]) -> Any:
    return entry(**kwargs) if callable(entry) else entry


def _label(entry: Any) -> str:
    return str(getattr(entry, "__name__", entry))


def _same_class(a: Any, b: Any) -> bool:
    """A class defined again (a re-run doctest or module reload) replaces its old self."""
    return isinstance(a, type) and isinstance(b, type) and a.__qualname__ == b.__qualname__
