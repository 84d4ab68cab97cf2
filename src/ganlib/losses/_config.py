"""Config round-trip, ``repr`` and equality shared by loss and penalty objects (private)."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def from_config(cls: type[T], config: dict[str, Any]) -> T:
    """``cls(**config)``; a TypeError names the class and the config."""
    try:
        return cls(**config)
    except TypeError as error:
        raise TypeError(
            f"Invalid config for {cls.__name__}: {error}. Received: config={config!r}"
        ) from error


class ConfigMixin:
    """A ``repr`` and an ``==`` built from ``get_config()``; instances are unhashable.

    Two objects are equal when they are of the same type with equal configs.
    """

    def get_config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, ConfigMixin)
        return self.get_config() == other.get_config()

    __hash__ = None  # type: ignore[assignment]
