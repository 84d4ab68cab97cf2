"""`ganlib export`: a run's generator as a SavedModel for serving (see `ganlib.export`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ganlib.cli._setup import CLIError, quiet_tensorflow_import

__all__ = ["run_export"]


def run_export(args: argparse.Namespace) -> int:
    """Runs `ganlib export RUN_DIR --out DIR [--tflite]`; returns the exit code."""
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CLIError(f"--out {out} already exists; choose a new folder")
    quiet_tensorflow_import()
    from ganlib.cli._setup import num_classes_of
    from ganlib.cli._temperature import chosen_temperature
    from ganlib.cli.sample import load_generator
    from ganlib.export import export_generator

    generator, config, source = load_generator(args.run_dir)
    temperature = chosen_temperature(None, config)  # the run's, as `ganlib sample` uses
    conditional = len(generator.inputs) == 2
    classes = num_classes_of(generator, config) if conditional else None
    if conditional and classes is None:
        raise CLIError("cannot tell the number of classes of this conditional generator")
    ema = bool(config is not None and config.ema)
    path = export_generator(
        generator, out, num_classes=classes, ema=ema, tflite=args.tflite, temperature=temperature
    )
    weights = "EMA weights" if ema else "weights"
    extra = " and generator.tflite" if args.tflite else ""
    if temperature != 1.0:
        weights += f", latent temperature {temperature:g}"
    print(f"ganlib export: SavedModel of {source} ({weights}) -> {path}{extra}")
    return 0
