"""Run-folder safety for `ganlib train`: what `--resume` may start from, which `--out` is safe.

Two promises (docs/reliability.md):

- `--resume` never throws away work. It continues from the newest checkpoint that verifies;
  when a run folder holds checkpoints and none verifies, or holds a trained generator or logged
  epochs but no checkpoint, it refuses with one line and changes nothing.
- A new run never writes where its files could destroy or be destroyed by other data: not
  inside its own data set, not inside another run's checkpoint folder, not over the files of an
  earlier run, and never into a silently chosen default when `--out` is empty.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from ganlib.cli._setup import CLIError
from ganlib.cli.config import CONFIG_FILE

__all__ = ["check_new_out", "check_out_text", "check_writable", "resume_point"]

# The names ganlib train writes inside a run folder (kept here to avoid importing cli.train).
_CHECKPOINTS, _GENERATOR, _METRICS, _SAMPLES = (
    "checkpoints",
    "generator.keras",
    "metrics.csv",
    "samples",
)
_CHECKPOINT_NAME = re.compile(r"^(ckpt-\d+|\.tmp-.*)$")
_NEW_RUN = "start a new run with another --out"


def check_out_text(out: str | None, flag: str = "--out") -> None:
    """Refuses an empty or blank `--out` (which would silently mean another folder)."""
    if out is not None and not out.strip():
        raise CLIError(f"{flag} must name a folder; received an empty string {out!r}")
    if out is not None and "\0" in out:
        raise CLIError(f"{flag} must not contain a NUL character; received {out!r}")


def check_writable(path: Path, flag: str = "--out") -> None:
    """Refuses a folder path whose nearest existing part is a file or not writable."""
    for existing in (path, *path.parents):
        if existing.exists() or existing.is_symlink():
            break
    else:  # pragma: no cover - Path(".") always exists
        return
    if not existing.is_dir():
        raise CLIError(f"{flag} {path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CLIError(f"{flag} {path}: cannot write in {existing} (permission denied)")


def _logged_epochs(path: Path) -> int:
    """Data rows of a `metrics.csv` (0 when absent or unreadable as text)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1 if path.exists() else 0  # present but unreadable: treat as holding work
    return sum(1 for line in lines[1:] if line.strip())


def _check_entry_kinds(out: Path) -> None:
    """Refuses run-folder entries of the wrong kind (they would fail after training)."""
    for name, want_dir in (
        (_CHECKPOINTS, True),
        (_SAMPLES, True),
        (_GENERATOR, False),
        (_METRICS, False),
    ):
        path = out / name
        if not path.exists() and not path.is_symlink():
            continue
        if path.is_symlink() and not path.exists():
            raise CLIError(f"{path} is a broken symbolic link; remove it or {_NEW_RUN}")
        if want_dir and not path.is_dir():
            raise CLIError(f"{path} must be a folder but is a file; move it away or {_NEW_RUN}")
        if not want_dir and path.is_dir():
            raise CLIError(f"{path} must be a file but is a folder; move it away or {_NEW_RUN}")


def _inside_checkpoints(out: Path) -> Path | None:
    """The other run's checkpoint folder that `out` lies in (or is), else None."""
    resolved = out.resolve()
    for folder in (resolved, *resolved.parents):
        if _CHECKPOINT_NAME.match(folder.name):
            return folder
        if folder.name == _CHECKPOINTS and (folder.parent / CONFIG_FILE).is_file():
            return folder
    return None


def _check_not_in_checkpoints(out: Path) -> None:
    inside = _inside_checkpoints(out)
    if inside is not None:
        raise CLIError(
            f"--out {out} lies inside the checkpoint folder {inside} of another run, whose "
            f"clean-up would delete it; {_NEW_RUN} outside it"
        )


def resume_point(out: Path) -> Path | None:
    """The verified checkpoint `--resume` continues from; None for a run with no output yet.

    Raises `CLIError` (nothing changed) when the folder holds checkpoints and none verifies,
    or a generator or logged epochs but no checkpoint. When the newest checkpoints are broken
    and an older one verifies, warns and returns the older one.
    """
    from ganlib.checkpoint import (
        CheckpointError,
        latest_checkpoint,
        list_checkpoints,
        read_checkpoint,
    )

    _check_not_in_checkpoints(out)
    _check_entry_kinds(out)
    directory = out / _CHECKPOINTS
    found = list_checkpoints(directory)
    if found:
        with warnings.catch_warnings(record=True) as skipped:
            warnings.simplefilter("always")
            latest = latest_checkpoint(directory)
        if latest is None:
            try:
                read_checkpoint(found[-1])
                reason = "it changed while being read"
            except CheckpointError as error:
                reason = str(error)
            raise CLIError(
                f"--resume: none of the {len(found)} checkpoint(s) in {directory} verifies, so "
                f"{out} cannot be continued and was left unchanged (newest: {reason}); restore "
                f"the checkpoints from a backup, or {_NEW_RUN}"
            )
        if skipped:
            warnings.warn(
                f"--resume: {len(skipped)} newer checkpoint(s) in {directory} do not verify; "
                f"continuing from {latest.name}, and the broken ones will be replaced as "
                f"training passes their steps (first: {skipped[0].message})",
                stacklevel=2,
            )
        return latest
    work = []
    if (out / _GENERATOR).exists():
        work.append(f"a trained generator ({_GENERATOR})")
    epochs = _logged_epochs(out / _METRICS)
    if epochs:
        work.append(f"{epochs} logged epoch(s) ({_METRICS})")
    if work:
        raise CLIError(
            f"--resume: {out} holds {' and '.join(work)} but no checkpoint in {directory} to "
            f"continue from, so it was left unchanged; use `ganlib sample {out}` for the "
            f"generator, or {_NEW_RUN}"
        )
    return None


def check_new_out(out: Path, kind: str, dataset: str) -> None:
    """Refuses an `--out` where a new run would lose data or be lost (see the module doc)."""
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out must be a folder; {out} is a file")
    check_writable(out)
    _check_not_in_checkpoints(out)
    if kind == "folder":
        data, resolved = Path(dataset).resolve(), out.resolve()
        if resolved == data or data in resolved.parents:
            raise CLIError(
                f"--out {out} lies inside the dataset folder {data}: the run's sample images "
                "would become training data; choose an --out outside it"
            )
        if resolved in data.parents:
            raise CLIError(
                f"the dataset folder {data} lies inside --out {out}: the run's files would mix "
                "with the data; choose another --out"
            )
    if out.is_dir():
        earlier = [
            name
            for name in (_GENERATOR, _METRICS)
            if (out / name).exists() or (out / name).is_symlink()
        ]
        from ganlib.checkpoint import list_checkpoints

        if (out / _CHECKPOINTS).exists() and (
            not (out / _CHECKPOINTS).is_dir() or list_checkpoints(out / _CHECKPOINTS)
        ):
            earlier.append(_CHECKPOINTS + "/")
        if earlier:
            raise CLIError(
                f"{out} holds files of an earlier run ({', '.join(earlier)}) but no "
                f"{CONFIG_FILE}: a new run would overwrite them; {_NEW_RUN}"
            )
