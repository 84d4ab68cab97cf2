"""Private helpers shared by several modules: atomic writes and positive-integer checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ganlib._atomic import atomic_path, write_bytes, write_text
from ganlib._validation import optional_positive_int, positive_int


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    write_text(target, "old")
    assert write_bytes(target, b"new") == target and target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "2", None])
def test_positive_int_refuses_non_positive_and_non_integers(value: object) -> None:
    expected = re.escape(f"`n` must be a positive integer. Received: n={value!r}")
    with pytest.raises(ValueError, match=expected):
        positive_int(value, "n")


def test_positive_int_accepts_numpy_integers_and_optional_none() -> None:
    assert positive_int(np.int64(3), "n") == 3 and isinstance(positive_int(np.int64(3), "n"), int)
    assert optional_positive_int(None, "keep") is None
    with pytest.raises(ValueError, match=re.escape("or None. Received: keep=0")):
        optional_positive_int(0, "keep")
