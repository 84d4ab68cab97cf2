"""Atomic file writes (private): write a hidden temporary file beside the target, then rename.

A reader sees either the old file or the new one, never a torn one; a failed write leaves no
temporary file behind. (Checkpoint folders use the same idea at folder level in
`ganlib.checkpoint.format`, which imports nothing else from ganlib.)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yields a temporary path to write; on success it replaces `path` in one `os.replace`."""
    target = Path(path)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Writes `data` to `path` atomically; returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Writes UTF-8 `text` to `path` atomically; returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
