"""`ganlib sample`: draw samples from a trained run and write a grid (or scatter) PNG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.cli._bank import banked_generator, check_bank_options
from ganlib.cli._datafiles import check_keras_file
from ganlib.cli._limits import check_builders, check_samples_fit, load_run_config
from ganlib.cli._restore import restore_trainer
from ganlib.cli._runfolder import check_writable
from ganlib.cli._setup import (
    CLIError,
    mixture_of,
    num_classes_of,
    quiet_tensorflow_import,
)
from ganlib.cli._temperature import check_plain_temperature, chosen_temperature
from ganlib.cli.config import CONFIG_FILE, RunConfig
from ganlib.cli.rejection import chosen_sampler, refuse_beside_rejection
from ganlib.sampling.temperature import with_temperature

__all__ = [
    "generate",
    "load_generator",
    "mixed_with",
    "refuse_mix_with_rejection",
    "rejection_samples",
    "restore_trainer",
    "run_sample",
]


def rejection_samples(
    folder: Path, config: RunConfig, n: int, seed: int, method: str, gamma: float = 0.0
) -> tuple[np.ndarray, str]:
    """`n` samples of the run at its latest checkpoint drawn with `method`, and a summary.

    Raises `CLIError` for runs the samplers cannot serve: conditional runs, packed
    discriminators (they judge packs, not samples) and calibration data the discriminator
    separates perfectly.
    """
    from ganlib.cli.rejection import check_rejection, draw_with_sampler

    check_rejection(config, method, gamma)
    trainer, checkpoint = restore_trainer(folder, config)
    samples, summary = draw_with_sampler(trainer, config, n, seed, method, gamma)
    return samples, f"{summary} from {checkpoint}"


def load_generator(run_dir: str | Path) -> tuple[Any, RunConfig | None, Path]:
    """`(generator, config or None, file it came from)` for a run folder.

    Loads `RUN_DIR/generator.keras` with `safe_mode=True`; without it, rebuilds the models
    from `config.json` and restores the latest complete checkpoint (EMA weights when the run
    kept them; an `--arch infogan` generator behind its `InfoGANLatent`, as it is saved).
    """
    import keras

    import ganlib.models  # noqa: F401  (registers the layers a saved generator may hold)
    from ganlib.cli.train import GENERATOR_FILE

    folder = Path(run_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"run folder not found: {folder}")
    config = load_run_config(folder) if (folder / CONFIG_FILE).is_file() else None
    if config is not None:
        check_builders(config)
    path = folder / GENERATOR_FILE
    if path.is_file():
        check_keras_file(path)
        return keras.saving.load_model(path, safe_mode=True, compile=False), config, path
    if config is None:
        raise FileNotFoundError(
            f"{folder} holds neither {GENERATOR_FILE} nor {CONFIG_FILE}: not a ganlib run folder"
        )
    try:
        trainer, checkpoint = restore_trainer(folder, config)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{folder} has no {GENERATOR_FILE} and no complete checkpoint"
        ) from None
    from ganlib.cli._infogan import sampling_generator

    return sampling_generator(trainer), config, checkpoint


def refuse_mix_with_rejection(runs: list[str] | None, method: str | None) -> None:
    """`CLIError` when `--mix` (`runs`) meets discriminator-driven sampling (`method`).

    Example:
        >>> refuse_mix_with_rejection(None, "drs"), refuse_mix_with_rejection(["r1"], None)
        (None, None)
    """
    if runs:
        refuse_beside_rejection("--mix", method)


def mixed_with(
    generator: Any,
    config: RunConfig | None,
    runs: list[str] | None,
    method: str | None,
    bank: tuple[float, int] | None = None,
) -> tuple[Any, str]:
    """`(generator, note)`: with `runs` (`--mix`), the mixture of `generator` and the generators
    of those run folders (`ganlib.models.generator_mixture`: each sample from one of them, equal
    odds) and a note naming them; without, `generator` itself and "". With `bank` (`--bank`'s
    spread and steps) each of those runs samples around its own inverted training data (pass
    `generator` already banked). Refused (`CLIError`) for discriminator-driven sampling
    (`method`), conditional runs and runs of other data.

    Example:
        >>> import keras
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> mixed_with(g, None, None, None) == (g, "")
        True
    """
    if not runs:
        return generator, ""
    refuse_mix_with_rejection(runs, method)
    from ganlib.models import generator_mixture

    members = [generator]
    for run in runs:
        member, member_config, _ = load_generator(run)
        if config is not None and member_config is not None:
            ours = (config.dataset, list(config.data_shape), config.conditional)
            theirs = (
                member_config.dataset,
                list(member_config.data_shape),
                member_config.conditional,
            )
            if ours != theirs:
                raise CLIError(
                    f"--mix: {run} was trained on {theirs[0]} {theirs[1]}, not {ours[0]} {ours[1]}"
                )
        if bank is not None:
            member = banked_generator(member, member_config, Path(run), *bank)[0]
        members.append(member)
    try:
        mixture = generator_mixture(members)
    except ValueError as error:
        raise CLIError(f"--mix: {error}") from None
    return mixture, f"mixed with {', '.join(runs)} (equal odds)"


def generate(
    generator: Any,
    n: int,
    *,
    seed: int = 0,
    labels: list[int] | None = None,
    num_classes: int | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """`n` samples (and their labels when conditional) from latent noise drawn with `seed`.

    `ganlib.sampling.generate` (the sampling path of `GANTrainer.sample`): a conditional
    generator uses `labels` repeated cyclically to length `n`, or classes `0, 1, 2, ...` in turn.

    Example:
        >>> import keras
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> samples, labels = generate(g, 5, seed=0)
        >>> samples.shape, labels is None
        ((5, 2), True)
    """
    from ganlib.sampling import generate as generate_samples

    conditional = len(generator.inputs) == 2
    if not conditional and labels:
        raise CLIError("--labels is only for conditional runs; this generator takes no labels")
    check_samples_fit(n, tuple(int(s) for s in generator.outputs[0].shape[1:]))
    if conditional and num_classes is None:
        raise CLIError("cannot tell the number of classes of this conditional generator")
    if conditional and labels and max(labels) >= num_classes:  # type: ignore[operator]
        raise CLIError(f"--labels must lie in [0, {num_classes}); received {max(labels)}")
    return generate_samples(generator, n, seed=seed, labels=labels or None, num_classes=num_classes)


def write_samples_png(path: Path, samples: np.ndarray, config: RunConfig | None) -> str:
    """A grid PNG for images, a scatter PNG for vectors; returns a short description."""
    if samples.ndim == 2:
        from ganlib.plots import write_scatter

        mixture = mixture_of(config.kind) if config is not None else None
        reference = None if mixture is None else mixture.sample(2000, seed=0)
        write_scatter(path, samples, reference)
        return "scatter" + (" against the data" if reference is not None else "")
    from ganlib.callbacks import image_grid, write_png

    grid = image_grid(samples)
    write_png(path, grid)
    return f"{grid.shape[1]}x{grid.shape[0]} grid"


def run_sample(args: argparse.Namespace) -> int:
    """Runs `ganlib sample` for parsed arguments; returns the exit code."""
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise CLIError(f"--out must name a .png file; received {args.out}")
    if args.npz is not None and Path(args.npz).suffix.lower() != ".npz":
        raise CLIError(f"--npz must name a .npz file; received {args.npz}")
    check_writable(out.parent, "--out")
    if args.npz is not None:
        check_writable(Path(args.npz).parent, "--npz")
    quiet_tensorflow_import()
    folder = Path(args.run_dir)
    config = load_run_config(folder) if (folder / CONFIG_FILE).is_file() else None
    plain = args.labels or args.interpolate is not None or args.class_grid
    if plain and args.mix:
        raise CLIError("--mix draws plain samples: not with --labels, --interpolate, --class-grid")
    if args.rejection is not None or (config is not None and config.rejection and not plain):
        method, gamma = chosen_sampler(config, args.rejection, args.gamma)
        if method is not None:
            check_plain_temperature(chosen_temperature(args.temperature, config), method)
            refuse_mix_with_rejection(args.mix, method)
            check_bank_options(args, method)
            return _run_rejection(args, out, method, gamma)
    check_bank_options(args, None)
    generator, config, source = load_generator(args.run_dir)
    bank, bank_note = (args.bank_spread, args.bank_steps) if args.bank else None, ""
    if bank is not None:
        generator, bank_note = banked_generator(generator, config, folder, *bank)
    generator, note = mixed_with(generator, config, args.mix, None, bank)
    note = f"{bank_note} {note}".strip()
    temperature = chosen_temperature(args.temperature, None if args.bank else config)
    generator = with_temperature(generator, temperature)
    if args.interpolate is not None or args.class_grid:
        from ganlib.cli.latent_grids import run_latent_grid

        return run_latent_grid(args, generator, config, source)
    samples, labels = generate(
        generator,
        args.n,
        seed=args.seed,
        labels=args.labels,
        num_classes=num_classes_of(generator, config),
    )
    _write(args, out, samples, labels, config, f"from {source} {note}".rstrip())
    return 0


def _write(
    args: argparse.Namespace,
    out: Path,
    samples: np.ndarray,
    labels: np.ndarray | None,
    config: RunConfig | None,
    source: str,
) -> None:
    what = write_samples_png(out, samples, config)
    if args.npz is not None:
        arrays = {"samples": samples} if labels is None else {"samples": samples, "labels": labels}
        Path(args.npz).parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.npz, **arrays)  # type: ignore[arg-type]
    extra = f" and {args.npz}" if args.npz is not None else ""
    print(f"ganlib sample: {args.n} samples {source} -> {out} ({what}){extra}")


def _run_rejection(args: argparse.Namespace, out: Path, method: str, gamma: float) -> int:
    """`--rejection drs|mh`: discriminator-driven samples from the latest checkpoint."""
    folder = Path(args.run_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"run folder not found: {folder}")
    if not (folder / CONFIG_FILE).is_file():
        raise CLIError(f"--rejection needs {folder / CONFIG_FILE} and a checkpoint of the run")
    if args.labels or args.interpolate is not None or args.class_grid:
        raise CLIError("--rejection draws plain samples: no --labels, --interpolate, --class-grid")
    config = load_run_config(folder)
    check_builders(config)
    check_samples_fit(args.n, tuple(config.data_shape))
    samples, summary = rejection_samples(folder, config, args.n, args.seed, method, gamma)
    _write(args, out, samples, None, config, f"by {summary}")
    return 0
