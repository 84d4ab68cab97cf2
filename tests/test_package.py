"""The top-level package: lazy submodules and public names."""

from __future__ import annotations

import pytest

import ganlib


def test_version_is_a_string() -> None:
    assert isinstance(ganlib.__version__, str)
    assert ganlib.__version__.count(".") == 2


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        ganlib.no_such_name  # noqa: B018
