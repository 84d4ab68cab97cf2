"""The checkpoint file format: one directory per checkpoint, written atomically, verified on load.

This module imports nothing else from ganlib: it stores named numpy arrays and JSON metadata.
The mapping of a trainer to those arrays is `ganlib.checkpoint.mapping`.

Layout of a run directory::

    run/ckpt-000000500/state.npz       every array (np.savez; loaded with allow_pickle=False)
    run/ckpt-000000500/manifest.json   format, epoch, step, compatibility config, sha256 of
                                       state.npz, name/shape/dtype of every array

A checkpoint is first written to a hidden temporary directory in the same parent (`.tmp-*`),
its files fsync'ed, then renamed to `ckpt-{step:09d}` in one `os.replace`. A kill at any
moment therefore leaves either the previous checkpoints alone, or a new complete one; temporary
directories are ignored. `latest_checkpoint` verifies the manifest and checksum and falls back to
the previous complete checkpoint with a warning; `read_checkpoint` raises `CheckpointError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "FORMAT_VERSION",
    "CheckpointError",
    "latest_checkpoint",
    "list_checkpoints",
    "read_checkpoint",
    "read_latest_checkpoint",
    "write_checkpoint",
]

FORMAT_VERSION = 1
"""Version of the checkpoint layout written by this ganlib; newer versions are refused."""
CHECKPOINT_NAME = re.compile(r"^ckpt-(\d{9,})$")
"""Folder name of one checkpoint: `ckpt-` and the step, at least 9 digits."""


class CheckpointError(ValueError):
    """A checkpoint is missing, incomplete, corrupted or incompatible with the trainer.

    Example:
        >>> from ganlib.checkpoint import CheckpointError, read_checkpoint
        >>> try:
        ...     read_checkpoint("no/such/ckpt-000000001")
        ... except CheckpointError as error:
        ...     print("refused")
        refused
    """


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_checkpoints(directory: str | Path) -> list[Path]:
    """Checkpoint folders (`ckpt-{step:09d}`) in `directory`, oldest step first, unverified.

    A same-step re-save moves the old folder into `.tmp-old-*/` before renaming the new one
    into place; if a kill struck between the two renames, that old folder is listed instead.

    Example:
        >>> from ganlib.checkpoint import list_checkpoints
        >>> list_checkpoints("no/such/dir")
        []
    """
    root = Path(directory)
    if not root.is_dir():
        return []
    found = {
        int(m.group(1)): p
        for p in root.iterdir()
        if (m := CHECKPOINT_NAME.match(p.name)) and p.is_dir()
    }
    for trash in root.glob(".tmp-old-*"):
        if trash.is_symlink():  # never follow a link out of the run directory
            continue
        for p in trash.iterdir() if trash.is_dir() else ():
            m = CHECKPOINT_NAME.match(p.name)
            if m and p.is_dir() and not p.is_symlink() and int(m.group(1)) not in found:
                found[int(m.group(1))] = p
    return [found[step] for step in sorted(found)]


def _tidy(root: Path, step: int) -> None:
    """Puts back old folders stranded by a killed same-step re-save; removes stale temp folders.

    Runs in the writer after its own rename succeeded: temp folders of steps <= `step` can only
    be left over by killed writers.
    """
    for trash in root.glob(".tmp-old-*"):
        if trash.is_symlink():  # not ours: never act through a link out of the run directory
            continue
        for p in trash.iterdir() if trash.is_dir() else ():
            m = CHECKPOINT_NAME.match(p.name)
            if m and p.is_dir() and not p.is_symlink() and not (root / p.name).exists():
                os.replace(p, root / p.name)
        shutil.rmtree(trash, ignore_errors=True)
    for tmp in root.glob(".tmp-ckpt-*"):
        m = re.match(r"^\.tmp-ckpt-(\d+)-", tmp.name)
        if m and int(m.group(1)) <= step:
            shutil.rmtree(tmp, ignore_errors=True)


def write_checkpoint(
    directory: str | Path,
    arrays: dict[str, np.ndarray],
    *,
    step: int,
    metadata: dict[str, Any] | None = None,
    keep: int | None = None,
) -> Path:
    """Atomically writes `arrays` (+ JSON `metadata`) as `directory/ckpt-{step:09d}`.

    Keeps only the newest `keep` checkpoints when `keep` is given.

    Example:
        >>> import tempfile, numpy as np
        >>> from ganlib.checkpoint import read_checkpoint, write_checkpoint
        >>> path = write_checkpoint(tempfile.mkdtemp(), {"w": np.ones(3)}, step=7)
        >>> path.name
        'ckpt-000000007'
        >>> manifest, arrays = read_checkpoint(path)
        >>> manifest["step"], arrays["w"].tolist()
        (7, [1.0, 1.0, 1.0])
    """
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"`step` must be a non-negative integer. Received: step={step!r}")
    if keep is not None and keep < 1:
        raise ValueError(f"`keep` must be >= 1 or None. Received: keep={keep}")
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"ckpt-{int(step):09d}"
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=root))
    try:
        state = tmp / "state.npz"
        with open(state, "wb") as f:
            np.savez(f, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
        manifest = {
            "format": "ganlib-checkpoint",
            "format_version": FORMAT_VERSION,
            "step": int(step),
            **(metadata or {}),
            "state_sha256": _sha256(state),
            "arrays": {
                k: {"shape": list(np.shape(v)), "dtype": str(np.asarray(v).dtype)}
                for k, v in arrays.items()
            },
        }
        with open(tmp / "manifest.json", "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        _fsync_dir(tmp)
        if final.exists():  # same step saved twice: move the old one aside first
            trash = Path(tempfile.mkdtemp(prefix=".tmp-old-", dir=root))
            os.replace(final, trash / final.name)
            try:
                os.replace(tmp, final)
            except BaseException:
                os.replace(trash / final.name, final)
                raise
        else:
            os.replace(tmp, final)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _tidy(root, int(step))
    if keep is not None:
        for old in list_checkpoints(root)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return final


def read_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Reads and verifies one checkpoint folder; returns `(manifest, arrays)`.

    Raises `CheckpointError` when the manifest is missing, unreadable or has a field of the
    wrong type, the checksum of `state.npz` differs, or the arrays differ from the manifest's
    list (name, shape, dtype). Arrays are loaded with `allow_pickle=False`.

    Example:
        >>> import tempfile, numpy as np
        >>> from ganlib.checkpoint import read_checkpoint, write_checkpoint
        >>> path = write_checkpoint(tempfile.mkdtemp(), {"w": np.arange(3)}, step=1)
        >>> manifest, arrays = read_checkpoint(path)
        >>> manifest["arrays"]["w"], arrays["w"].tolist()
        ({'dtype': 'int64', 'shape': [3]}, [0, 1, 2])
    """
    folder = Path(path)
    manifest_path, state = folder / "manifest.json", folder / "state.npz"
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        raise CheckpointError(
            f"Checkpoint {folder} has no readable manifest.json (incomplete?): {error}"
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != "ganlib-checkpoint":
        raise CheckpointError(f"{manifest_path} is not a ganlib checkpoint manifest.")
    _check_manifest(manifest, folder)
    if not state.is_file():
        raise CheckpointError(f"Checkpoint {folder} has no state.npz.")
    digest = _sha256(state)
    if digest != manifest.get("state_sha256"):
        raise CheckpointError(
            f"Checkpoint {folder}: state.npz checksum {digest[:12]}... does not match the "
            f"manifest ({str(manifest.get('state_sha256'))[:12]}...): truncated or modified."
        )
    try:
        with np.load(state, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"Checkpoint {folder}: cannot read state.npz: {error}") from error
    expected = manifest["arrays"]
    if set(arrays) != set(expected):
        raise CheckpointError(
            f"Checkpoint {folder}: state.npz holds {sorted(set(arrays) ^ set(expected))} "
            "not both in the manifest and the file."
        )
    for name, info in expected.items():
        if list(arrays[name].shape) != info["shape"] or str(arrays[name].dtype) != info["dtype"]:
            raise CheckpointError(
                f"Checkpoint {folder}: array {name!r} is {arrays[name].dtype}"
                f"{list(arrays[name].shape)}, the manifest says {info['dtype']}{info['shape']}."
            )
    return manifest, arrays


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_manifest(manifest: dict[str, Any], folder: Path) -> None:
    """Refuses manifest fields of the wrong type (the checksum covers state.npz only)."""

    def bad(field: str, value: Any, expected: str) -> CheckpointError:
        return CheckpointError(
            f"Checkpoint {folder}: manifest field `{field}` must be {expected}. "
            f"Received: {field}={value!r}"
        )

    version: Any = manifest.get("format_version")
    if not _is_count(version) or version < 1:
        raise bad("format_version", version, "a positive integer")
    if version > FORMAT_VERSION:
        raise CheckpointError(
            f"Checkpoint {folder} has format_version {version}; this ganlib reads up to "
            f"{FORMAT_VERSION}."
        )
    for field in ("step", "epoch"):
        if (field == "step" or field in manifest) and not _is_count(manifest.get(field)):
            raise bad(field, manifest.get(field), "a non-negative integer")
    digest = manifest.get("state_sha256")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise bad("state_sha256", digest, "a sha256 hex digest")
    if "config" in manifest and not isinstance(manifest["config"], dict):
        raise bad("config", manifest["config"], "an object")
    arrays = manifest.get("arrays")
    if not isinstance(arrays, dict):
        raise bad("arrays", arrays, "an object of {name: {shape, dtype}}")
    for name, info in arrays.items():
        shape = info.get("shape") if isinstance(info, dict) else None
        dtype = info.get("dtype") if isinstance(info, dict) else None
        if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
            raise bad(f"arrays.{name}.shape", shape, "a list of non-negative integers")
        if not isinstance(dtype, str):
            raise bad(f"arrays.{name}.dtype", dtype, "a dtype name")


def latest_checkpoint(directory: str | Path) -> Path | None:
    """The newest checkpoint in `directory` that verifies, or None.

    Broken checkpoints (no manifest, bad checksum, truncated file) are skipped with a warning;
    temporary `.tmp-*` folders left by a killed writer are ignored.

    Example:
        >>> from ganlib.checkpoint import latest_checkpoint
        >>> latest_checkpoint("no/such/dir") is None
        True
    """
    found = read_latest_checkpoint(directory, stacklevel=3)
    return None if found is None else found[0]


def read_latest_checkpoint(
    directory: str | Path, *, stacklevel: int = 2
) -> tuple[Path, dict[str, Any], dict[str, np.ndarray]] | None:
    """`(folder, manifest, arrays)` of the newest checkpoint that verifies, or None.

    Like `latest_checkpoint` followed by `read_checkpoint`, with one checksum verification.

    Example:
        >>> import tempfile, numpy as np
        >>> from ganlib.checkpoint import read_latest_checkpoint, write_checkpoint
        >>> run = tempfile.mkdtemp()
        >>> _ = write_checkpoint(run, {"w": np.zeros(2)}, step=3)
        >>> folder, manifest, arrays = read_latest_checkpoint(run)
        >>> folder.name, manifest["step"], arrays["w"].tolist()
        ('ckpt-000000003', 3, [0.0, 0.0])
    """
    for candidate in reversed(list_checkpoints(directory)):
        try:
            manifest, arrays = read_checkpoint(candidate)
        except CheckpointError as error:
            warnings.warn(f"Skipping broken checkpoint: {error}", stacklevel=stacklevel)
            continue
        return candidate, manifest, arrays
    return None
