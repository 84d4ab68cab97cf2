"""One validation layer for what the commands read from a run folder and for sizes they allocate.

`check_run_values` checks every `config.json` value against its range (the type check is in
`RunConfig.from_dict`); `check_builders` rebuilds the two builder configurations and refuses
networks that cannot fit in memory before any layer is allocated; `check_fits` compares a byte
count with the memory available now. Errors are `CLIError` (one line, exit code 2).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
from pathlib import Path
from typing import Any

from ganlib.cli._presets import loss_names
from ganlib.cli._setup import CLIError
from ganlib.cli.argtypes import MAX_D_STEPS, MAX_INT, _augment_policy
from ganlib.cli.config import RunConfig
from ganlib.cli.parser import ARCHS, PRESETS

__all__ = [
    "KINDS",
    "MAX_BINS",
    "available_memory",
    "builder_bytes",
    "check_builders",
    "check_fits",
    "check_run_values",
    "check_samples_fit",
    "load_run_config",
]

KINDS = ("mnist", "fashion-mnist", "ring", "grid", "folder", "file")
"""Dataset kinds a run configuration may name."""
MAX_BINS = 5000
"""Most `rejection_bins`: each bin needs real logits (`ganlib.cli.rejection`'s 5,000)."""
_FALLBACK_MEMORY = 8 << 30
_BYTES_PER_PARAMETER = 16  # float32 weight, gradient and two Adam slots


def available_memory() -> int:
    """Bytes of memory available now (`MemAvailable` on Linux; else free pages; else 8 GiB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return _FALLBACK_MEMORY


def _gb(n: float) -> str:
    return f"{n / 1e9:.3g} GB"


def check_fits(nbytes: float, what: str, hint: str) -> None:
    """Raises `CLIError` when `nbytes` exceeds the memory available now."""
    free = available_memory()
    if nbytes > free:
        raise CLIError(
            f"{what} needs at least {_gb(nbytes)} of memory, more than the {_gb(free)} "
            f"available; {hint}"
        )


def builder_bytes(builder: Any, batch_size: int = 1) -> int:
    """A lower bound of the bytes training `builder`'s network needs (weights, gradients,
    two optimizer slots, one batch of activations), computed without building it.

    The chain `inputs -> widths() -> outputs` of any built-in family holds at least
    `sum(a * b)` weights over consecutive sizes (convolutions hold 16x that), plus the label
    embedding.
    """
    if hasattr(builder, "latent_dim"):
        first = builder.latent_dim
        last = math.prod(builder.output_shape)
    else:
        first, last = math.prod(builder.input_shape), 1
    classes = builder.num_classes or 0
    embedding = classes * builder.embedding_dim
    if classes:
        first += builder.embedding_dim
    widths = [int(w) for w in builder.widths()]
    chain = [first, *widths, last]
    params = sum(a * b for a, b in itertools.pairwise(chain)) + embedding
    activations = batch_size * sum(chain) * 4 * 2
    return params * _BYTES_PER_PARAMETER + activations


def check_builders(config: RunConfig, source: str = "config.json") -> tuple[Any, Any]:
    """Rebuilds the run's two builders; refuses bad entries and networks too big to train."""
    from ganlib import models

    built = []
    for name in ("generator", "discriminator"):
        spec = getattr(config, name)
        try:
            builder = models.from_config(spec)
        except (ValueError, TypeError) as error:
            message = f"{source}: `{name}` is not a valid builder configuration: {error}"
            raise CLIError(message) from None
        built.append(builder)
    g, d = built
    if not hasattr(g, "latent_dim") or hasattr(d, "latent_dim"):
        raise CLIError(f"{source}: `generator`/`discriminator` hold builders of the wrong role")
    shape = tuple(config.data_shape)
    classes = config.num_classes if config.conditional else None
    for found, wanted, what in (
        (g.latent_dim, config.latent_dim, "generator latent_dim"),
        (g.output_shape, shape, "generator output_shape"),
        (d.input_shape, shape, "discriminator input_shape"),
        (g.num_classes, classes, "generator num_classes"),
        (d.num_classes, classes, "discriminator num_classes"),
    ):
        if found != wanted:
            raise CLIError(f"{source}: the {what} is {found}, but the run's settings give {wanted}")
    batch = min(config.batch_size, max(config.num_examples, 1))
    total = builder_bytes(g, batch) + builder_bytes(d, 2 * batch)
    check_fits(
        total,
        f"training the networks of this run ({source})",
        "use smaller models (--latent-dim, fewer classes, smaller images) or a smaller batch",
    )
    return g, d


def _bad(source: str, name: str, value: Any, expected: str) -> CLIError:
    return CLIError(f"{source}: `{name}` must be {expected}; found {value!r}")


def _in_range(source: str, name: str, value: Any, low: int, high: int = MAX_INT) -> None:
    if value is not None and not low <= value <= high:
        raise _bad(source, name, value, f"an integer in [{low}, {high}]")


def _check_dataset(config: RunConfig, source: str, folder: Path | None) -> None:
    kind, dataset = config.kind, config.dataset
    if kind not in KINDS:
        raise _bad(source, "kind", kind, "one of " + ", ".join(KINDS))
    if kind in ("folder", "file"):
        path = Path(dataset)
        if not path.is_absolute():
            raise _bad(source, "dataset", dataset, f"an absolute path for kind {kind!r}")
        if path.parent == path:
            raise _bad(source, "dataset", dataset, "a data folder, not a file-system root")
        if kind == "file" and path.suffix.lower() not in (".npz", ".npy"):
            raise _bad(source, "dataset", dataset, "a .npz or .npy file for kind 'file'")
        if kind == "folder" and folder is not None:
            run = folder.resolve()
            if path == run or path in run.parents:
                raise _bad(source, "dataset", dataset, "a folder that does not hold the run")
    elif dataset != kind:
        raise _bad(source, "dataset", dataset, f"{kind!r} for kind {kind!r}")
    if config.data is not None and kind not in ("mnist", "fashion-mnist"):
        raise _bad(source, "data", config.data, "null except for mnist and fashion-mnist")


def check_run_values(config: RunConfig, source: str, folder: Path | None = None) -> None:
    """Range checks of a `config.json` whose types already passed `RunConfig.from_dict`."""
    _check_dataset(config, source, folder)
    for name, allowed in (("arch", ARCHS), ("loss", loss_names()), ("preset", PRESETS)):
        if getattr(config, name) not in allowed:
            raise _bad(source, name, getattr(config, name), "one of " + ", ".join(allowed))
    _in_range(source, "d_steps", config.d_steps, 1, MAX_D_STEPS)
    for name in ("batch_size", "latent_dim", "num_examples", "steps_per_epoch", "total_steps"):
        _in_range(source, name, getattr(config, name), 1)
    for name in ("epochs", "steps", "image_size"):
        _in_range(source, name, getattr(config, name), 1)
    _in_range(source, "seed", config.seed, 0)
    if not (math.isfinite(config.gp_weight) and config.gp_weight >= 0):
        raise _bad(source, "gp_weight", config.gp_weight, "a finite number >= 0")
    if config.lr is not None and not (math.isfinite(config.lr) and config.lr > 0):
        raise _bad(source, "lr", config.lr, "null or a finite number > 0")
    if not (math.isfinite(config.r1) and config.r1 >= 0):
        raise _bad(source, "r1", config.r1, "a finite number >= 0")
    _in_range(source, "pack", config.pack, 1, max(1, min(config.batch_size, MAX_INT)))
    _in_range(source, "rejection_bins", config.rejection_bins, 0, MAX_BINS)
    if config.rejection_bins == 1:
        raise _bad(source, "rejection_bins", 1, f"0 (Platt scaling) or 2 to {MAX_BINS}")
    _in_range(
        source, "info_categories", config.info_categories, 2 if config.arch == "infogan" else 0
    )
    if config.info_categories == 1 or config.info_categories >= config.latent_dim:
        raise _bad(source, "info_categories", config.info_categories, "0, or >= 2 and < latent_dim")
    if not (math.isfinite(config.info_noise_scale) and config.info_noise_scale > 0):
        raise _bad(source, "info_noise_scale", config.info_noise_scale, "a finite number > 0")
    if config.augment is not None:
        try:
            _augment_policy(config.augment)
        except argparse.ArgumentTypeError as error:
            raise _bad(source, "augment", config.augment, f"null or a policy ({error})") from None
    shape = config.data_shape
    if not shape or not all(isinstance(s, int) and 1 <= s <= MAX_INT for s in shape):
        raise _bad(source, "data_shape", shape, "a non-empty list of positive integers")
    if math.prod(shape) > MAX_INT:
        raise _bad(source, "data_shape", shape, f"at most {MAX_INT} values per sample")
    if config.conditional and config.num_classes is None:
        raise _bad(source, "num_classes", None, "an integer >= 2 for a conditional run")
    _in_range(source, "num_classes", config.num_classes, 2)


def load_run_config(folder: Path) -> RunConfig:
    """`RunConfig.load(folder)` plus the range checks of `check_run_values`."""
    config = RunConfig.load(folder)
    check_run_values(config, str(folder / "config.json"), folder)
    return config


def check_samples_fit(n: int, shape: tuple[int, ...], flag: str = "--n") -> None:
    """Refuses `n` samples of `shape` (float32, plus their latent noise) that cannot fit."""
    check_fits(
        float(n) * (math.prod(shape) + 1) * 4 * 2,
        f"{flag} {n}: {n} samples of shape {tuple(shape)}",
        f"ask for fewer with {flag}",
    )
