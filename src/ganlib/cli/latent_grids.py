"""`ganlib sample --interpolate SEEDS` and `ganlib sample --class-grid` (see `ganlib.latent`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.cli._setup import CLIError, num_classes_of
from ganlib.cli.config import RunConfig

__all__ = ["run_latent_grid"]

MAX_PER_ROW = 64
"""Most points per row (a grid is for looking at)."""


def _write(out: Path, grid: np.ndarray, title: str) -> str:
    rows, cols = grid.shape[:2]
    flat = grid.reshape(rows * cols, *grid.shape[2:])
    if flat.ndim == 2:
        from ganlib.plots import write_scatter

        write_scatter(out, flat, title=title)
        return f"scatter of {rows}x{cols} points"
    from ganlib.callbacks import image_grid, write_png

    write_png(out, image_grid(flat, rows=rows, cols=cols))
    return f"{rows}x{cols} grid"


def run_latent_grid(
    args: argparse.Namespace, generator: Any, config: RunConfig | None, source: Path
) -> int:
    """Writes an interpolation grid or a class x noise grid to `--out`; returns the exit code."""
    from ganlib import latent

    if args.interpolate is not None and args.class_grid:
        raise CLIError("choose one of --interpolate and --class-grid")
    if args.per_row > MAX_PER_ROW:
        raise CLIError(f"--per-row must be <= {MAX_PER_ROW}; received {args.per_row}")
    conditional = len(generator.inputs) == 2
    classes = num_classes_of(generator, config) if conditional else None
    labels = None
    if args.class_grid:
        if not conditional or classes is None:
            raise CLIError("--class-grid needs a conditional run (this generator takes no labels)")
        if args.labels:
            raise CLIError("--class-grid shows every class; leave out --labels")
        seeds = list(range(args.seed, args.seed + args.per_row))
        grid = latent.class_noise_grid(generator, seeds, num_classes=classes)
        title = f"classes x noise seeds {seeds[0]}..{seeds[-1]}"
        labels = np.repeat(np.arange(classes)[:, None], len(seeds), axis=1)
    else:
        seeds = list(args.interpolate)
        if len(seeds) < 2:
            raise CLIError(f"--interpolate needs at least 2 seeds; received {args.interpolate}")
        label = None
        if conditional:
            label = args.labels[0] if args.labels else 0
            if classes is not None and label >= classes:
                raise CLIError(f"--labels must lie in [0, {classes}); received {label}")
        elif args.labels:
            raise CLIError("--labels is only for conditional runs; this generator takes no labels")
        method = "spherical" if args.spherical else "linear"
        steps = max(2, args.per_row)
        grid = latent.interpolation_grid(generator, seeds, steps, method, label=label)
        title = f"{method} interpolation between seeds {', '.join(map(str, seeds))}"
    out = Path(args.out)
    what = _write(out, grid, title)
    if args.npz is not None:
        arrays = {"samples": grid} if labels is None else {"samples": grid, "labels": labels}
        Path(args.npz).parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.npz, **arrays)  # type: ignore[arg-type]
    extra = f" and {args.npz}" if args.npz is not None else ""
    print(f"ganlib sample: {title} from {source} -> {out} ({what}){extra}")
    return 0
