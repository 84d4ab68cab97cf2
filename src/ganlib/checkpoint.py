"""Crash-safe GAN checkpoints: one directory per checkpoint, written atomically, verified on load.

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
    "compat_config",
    "is_chief",
    "latest_checkpoint",
    "list_checkpoints",
    "read_checkpoint",
    "restore_trainer",
    "save_trainer",
    "trainer_arrays",
    "write_checkpoint",
]

FORMAT_VERSION = 1
"""Version of the checkpoint layout written by this ganlib; newer versions are refused."""
_NAME = re.compile(r"^ckpt-(\d{9,})$")


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
        int(m.group(1)): p for p in root.iterdir() if (m := _NAME.match(p.name)) and p.is_dir()
    }
    for trash in root.glob(".tmp-old-*"):
        if trash.is_symlink():  # never follow a link out of the run directory
            continue
        for p in trash.iterdir() if trash.is_dir() else ():
            m = _NAME.match(p.name)
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
            m = _NAME.match(p.name)
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
    for candidate in reversed(list_checkpoints(directory)):
        try:
            read_checkpoint(candidate)
        except CheckpointError as error:
            warnings.warn(f"Skipping broken checkpoint: {error}", stacklevel=2)
            continue
        return candidate
    return None


def _architecture(model: Any) -> dict[str, Any]:
    classes = [type(layer).__name__ for layer in model._flatten_layers(include_self=False)]
    return {
        "inputs": [list(t.shape[1:]) for t in getattr(model, "inputs", None) or []],
        "outputs": [list(t.shape[1:]) for t in getattr(model, "outputs", None) or []],
        "params": int(sum(int(np.prod(w.shape)) for w in model.weights)),
        "layers_sha256": hashlib.sha256("/".join(classes).encode()).hexdigest()[:16],
    }


def compat_config(trainer: Any) -> dict[str, Any]:
    """What a checkpoint must share with the trainer it is restored into (JSON-able).

    Per network: input/output shapes, parameter count, a hash of the layer class list; plus
    latent size, number of classes, the loss class and config and the optimizer classes.

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import compat_config
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> config = compat_config(trainer)
        >>> config["latent_dim"], config["generator"]["params"], config["loss"]["class"]
        (4, 10, 'NonSaturating')
    """
    get_config = getattr(trainer.loss_fn, "get_config", None)
    loss_config = get_config() if callable(get_config) else {}
    return {
        "generator": _architecture(trainer.generator),
        "discriminator": _architecture(trainer.discriminator),
        "latent_dim": trainer.latent_dim,
        "num_classes": trainer.num_classes,
        "loss": {
            "class": type(trainer.loss_fn).__name__,
            "config": json.loads(json.dumps(loss_config, default=str)),
        },
        "g_optimizer": type(trainer.g_optimizer).__name__,
        "d_optimizer": type(trainer.d_optimizer).__name__,
    }


def _groups(trainer: Any) -> dict[str, list[Any]]:
    groups = {
        "generator": list(trainer.generator.weights),
        "discriminator": list(trainer.discriminator.weights),
        "g_optimizer": list(trainer.g_optimizer.variables),
        "d_optimizer": list(trainer.d_optimizer.variables),
        "trainer": [trainer.rng_state, trainer.step_counter],
    }
    if trainer.ema is not None and trainer.ema.built:
        groups["ema"] = list(trainer.ema.variables)
    return groups


def trainer_arrays(trainer: Any) -> dict[str, np.ndarray]:
    """All state of a compiled `GANTrainer` as named numpy arrays (`group/0000`, ...).

    Groups: generator, discriminator, g_optimizer, d_optimizer, trainer (RNG state and step
    counter) and ema (when a built `GeneratorEMA` is attached).

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import trainer_arrays
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> arrays = trainer_arrays(trainer)
        >>> arrays["generator/0000"].shape, arrays["trainer/0000"].tolist()
        ((4, 2), [0, 0])
    """
    if trainer.g_optimizer is None:
        raise ValueError("The trainer must be compiled before its state can be saved.")
    return {
        f"{group}/{i:04d}": np.array(v.numpy())
        for group, variables in _groups(trainer).items()
        for i, v in enumerate(variables)
    }


def save_trainer(
    trainer: Any,
    directory: str | Path,
    *,
    epoch: int,
    keep: int | None = None,
    arrays: dict[str, np.ndarray] | None = None,
) -> Path:
    """Writes a checkpoint of `trainer` after `epoch` completed epochs (see `write_checkpoint`).

    `arrays` (from `trainer_arrays`) avoids a second copy when the caller already holds them.

    Example:
        >>> import keras, tempfile
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import restore_trainer, save_trainer
        >>> def tiny():
        ...     g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        ...     d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        ...     trainer = GANTrainer(g, d, seed=0)
        ...     trainer.compile()
        ...     return trainer
        >>> run = tempfile.mkdtemp()
        >>> save_trainer(tiny(), run, epoch=3).name
        'ckpt-000000000'
        >>> restore_trainer(tiny(), run)
        3
    """
    if arrays is None:
        arrays = trainer_arrays(trainer)
    metadata = {"epoch": int(epoch), "config": trainer.compat_config()}
    step = int(trainer.step_counter.numpy())
    return write_checkpoint(directory, arrays, step=step, metadata=metadata, keep=keep)


def _differences(saved: Any, current: Any, prefix: str = "") -> list[str]:
    if isinstance(saved, dict) and isinstance(current, dict):
        out: list[str] = []
        for key in sorted(set(saved) | set(current)):
            out += _differences(saved.get(key), current.get(key), f"{prefix}{key}.")
        return out
    return [] if saved == current else [f"{prefix[:-1]}: checkpoint {saved!r}, trainer {current!r}"]


def _names(arrays: dict[str, np.ndarray], group: str) -> list[str]:
    found = [k for k in arrays if k.startswith(group + "/")]
    return sorted(found, key=lambda k: int(k.split("/", 1)[1]))


def is_chief(model: Any) -> bool:
    """True unless `model` trains under a multi-worker strategy on a non-chief worker.

    Callbacks that write files call it so that only one worker writes.

    Example:
        >>> import keras
        >>> from ganlib.checkpoint import is_chief
        >>> is_chief(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
        True
    """
    strategy = getattr(model, "distribute_strategy", None)
    extended = getattr(strategy, "extended", None)
    in_multi_worker = getattr(extended, "_in_multi_worker_mode", None)
    if in_multi_worker is None or not in_multi_worker():
        return True
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    task_id = getattr(resolver, "task_id", 0)
    if task_type in (None, "chief"):
        return True
    has_chief = resolver is not None and "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def restore_trainer(trainer: Any, path: str | Path, *, strict: bool = True) -> int:
    """Restores `trainer` from a checkpoint folder or the latest one in a run directory.

    Checks compatibility first and raises `CheckpointError` naming every difference; nothing is
    assigned unless everything matches. Returns the number of completed epochs.
    `GANTrainer.restore` calls it (see `save_trainer` for a round trip).

    Example:
        >>> import keras, tempfile
        >>> from ganlib import GANTrainer
        >>> from ganlib.checkpoint import CheckpointError, restore_trainer
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.compile()
        >>> try:
        ...     restore_trainer(trainer, tempfile.mkdtemp())
        ... except CheckpointError as error:
        ...     print(str(error).split(" in ")[0])
        No complete checkpoint found
    """
    folder = Path(path)
    if not _NAME.match(folder.name):
        found = latest_checkpoint(folder)
        if found is None:
            raise CheckpointError(f"No complete checkpoint found in {folder}.")
        folder = found
    manifest, arrays = read_checkpoint(folder)  # validated: nothing is assigned on error
    epoch = int(manifest.get("epoch", 0))
    saved, current = manifest.get("config", {}), trainer.compat_config()
    if not strict:
        saved = {k: v for k, v in saved.items() if k != "loss"}
        current = {k: v for k, v in current.items() if k != "loss"}
    diffs = _differences(saved, current)
    if diffs:
        raise CheckpointError(f"Checkpoint {folder} is incompatible: " + "; ".join(diffs))
    groups = _groups(trainer)
    ema_saved = _names(arrays, "ema")
    pending = []
    for group, variables in groups.items():
        if group == "ema":
            continue
        names = _names(arrays, group)
        if len(names) != len(variables):
            raise CheckpointError(
                f"Checkpoint {folder}: {group} has {len(names)} arrays, the trainer "
                f"{len(variables)}."
            )
        for name, variable in zip(names, variables, strict=True):
            if tuple(arrays[name].shape) != tuple(variable.shape):
                raise CheckpointError(
                    f"Checkpoint {folder}: {name} has shape {arrays[name].shape}, the trainer's "
                    f"{variable.path} has {tuple(variable.shape)}."
                )
            pending.append((variable, arrays[name]))
    for variable, value in pending:
        variable.assign(value)
    ema_arrays = [arrays[k] for k in ema_saved]
    if "ema" in groups and ema_arrays:
        if len(ema_arrays) != len(groups["ema"]):
            raise CheckpointError(
                f"Checkpoint {folder}: {len(ema_arrays)} EMA arrays, the GeneratorEMA has "
                f"{len(groups['ema'])}."
            )
        for variable, value in zip(groups["ema"], ema_arrays, strict=True):
            variable.assign(value)
        trainer._restored_ema = None
    else:
        trainer._restored_ema = ema_arrays or None
    return epoch
