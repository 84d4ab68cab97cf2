"""Helpers of the bad-input tests: folder snapshots, one-line CLI failures, the input count.

Not a test file. Every bad input a test tries is `record`ed under a kind (`cli`, `config`,
`run-folder`, `loader`, `trainer`, `loss`, `metric`); `pytest` prints the number of distinct
inputs tried at the end of the session (tests/conftest.py) and `BAD_INPUTS_FILE`, when set,
receives them as JSON lines.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from ganlib.cli import main

SEEN: set[tuple[str, str]] = set()


def record(kind: str, value: object) -> None:
    """Counts one distinct bad input (`kind`, `repr(value)`)."""
    key = (kind, repr(value))
    if key not in SEEN:
        SEEN.add(key)
        target = os.environ.get("BAD_INPUTS_FILE")
        if target:
            with open(target, "a", encoding="utf-8") as f:
                f.write(json.dumps({"kind": kind, "input": key[1]}) + "\n")


def snapshot(root: Path) -> dict[str, str]:
    """`{relative path: sha256 | 'dir' | 'link:target'}` of everything under `root`."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = f"link:{path.readlink()}"
        elif path.is_dir():
            found[key] = "dir"
        else:
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def one_error_line(err: str) -> str:
    """The single `ganlib ...: error: ...` line of `err`; fails on tracebacks or several."""
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert "Traceback" not in err, err[-3000:]
    assert len(lines) == 1, err[-3000:]
    return lines[0]


def fails_cleanly(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    *,
    watch: Path,
    expect: str = "",
    kind: str = "cli",
) -> str:
    """Runs `ganlib argv` in-process; asserts exit 2, one stderr line, nothing under `watch`
    changed, and `expect` (case-insensitive) in the message. Returns the message."""
    record(kind, tuple(argv) if kind == "cli" else argv[-1])
    capsys.readouterr()
    before = snapshot(watch)
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, (argv, code, captured.err[-2000:])
    line = one_error_line(captured.err)
    assert snapshot(watch) == before, f"{argv} changed files under {watch}"
    assert expect.lower() in line.lower(), (expect, line)
    return line


def train_tiny_run(folder: Path) -> Path:
    """A finished 4-step run on 32 ring points (2 steps per epoch, checkpoints at 2 and 4)."""
    from ganlib.data import ring

    np.save(folder / "points.npy", ring(32, seed=0))
    run = folder / "run"
    argv = ["train", str(folder / "points.npy"), "--steps", "4", "--batch-size", "16"]
    assert main([*argv, "--out", str(run)]) == 0
    return run
