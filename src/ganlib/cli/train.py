"""`ganlib train`: train a GAN on a data set and write a run folder (see docs/cli.md)."""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ganlib._atomic import write_text
from ganlib.cli._fitloop import fit_to_total, stop_at_step
from ganlib.cli._imagerecipe import image_defaults
from ganlib.cli._limits import check_builders, load_run_config
from ganlib.cli._presets import default_d_steps, loss_and_preset
from ganlib.cli._recalibration import save_generator
from ganlib.cli._runfolder import check_new_out, check_out_text, resume_point
from ganlib.cli._setup import (
    CLIError,
    LoadedData,
    build_builders,
    dataset_kind,
    device_data_for_run,
    load_data,
    quiet_tensorflow_import,
    xla_for_run,
)
from ganlib.cli._temperature import check_plain_temperature
from ganlib.cli.config import CONFIG_FILE, RunConfig

__all__ = [
    "CHECKPOINT_DIR",
    "GENERATOR_FILE",
    "METRICS_FILE",
    "SAMPLES_DIR",
    "TENSORBOARD_DIR",
    "resolve_config",
    "run_train",
]

CHECKPOINT_DIR = "checkpoints"
GENERATOR_FILE = "generator.keras"
METRICS_FILE = "metrics.csv"
SAMPLES_DIR = "samples"
TENSORBOARD_DIR = "tensorboard"
_OPTIONS = (
    "arch", "loss", "preset", "d_steps", "lr", "batch_size", "latent_dim", "seed", "ema",
    "conditional", "data", "image_size", "lr_decay", "r1", "pack", "augment", "beta_1", "beta_2",
    "d_lr_scale", "rejection", "rejection_gamma", "rejection_refine", "rejection_ascent",
    "r1_every", "rejection_bins", "recalibrate_batch_norm", "sample_temperature",
)  # fmt: skip


def _explicit(args: argparse.Namespace) -> dict[str, Any]:
    """The options given on the command line (argparse defaults are None)."""
    values = {name: getattr(args, name) for name in _OPTIONS if getattr(args, name) is not None}
    if values.get("data") is not None:
        values["data"] = str(Path(values["data"]).resolve())
    return values


def _point_defaults(args: argparse.Namespace, config: RunConfig) -> dict[str, Any]:
    """Applies the vector-data recipe (`ganlib.cli.recipes`) to options not given; its sizes."""
    from ganlib.cli.recipes import POINT_RECIPE_OPTIONS, point_recipe

    recipe = point_recipe(config.kind)
    names = list(POINT_RECIPE_OPTIONS)
    if config.preset == "dcgan":  # the recipe's optimizer settings refine this preset only
        names += ["lr", "beta_1", "beta_2", "d_lr_scale"]
    for name in names:
        if getattr(args, name) is None:
            setattr(config, name, getattr(recipe, name))
    if (config.pack > 1 or config.conditional) and args.rejection is None:
        config.rejection, config.rejection_gamma = None, 0.0  # samplers need 1 logit/sample
    return {"batch_size": recipe.batch_size, "latent_dim": recipe.latent_dim, "steps": recipe.steps}


def _length(config: RunConfig, epochs: int | None, steps: int | None, per_pass: int) -> None:
    """Sets `epochs`/`steps` (as asked), `steps_per_epoch` (first run only), `total_steps`."""
    config.epochs, config.steps = epochs, steps
    if not config.steps_per_epoch:
        config.steps_per_epoch = min(steps, per_pass) if steps else per_pass
    if steps:
        config.total_steps = steps
    else:
        assert epochs is not None
        config.total_steps = epochs * config.steps_per_epoch


def resolve_config(args: argparse.Namespace, loaded: LoadedData, config: RunConfig) -> None:
    """Fills the data-dependent fields and defaults of a new run's `config` in place."""
    from ganlib import models

    x, y = loaded.x, loaded.y
    config.num_examples = len(x)
    config.data_shape = [int(s) for s in x.shape[1:]]
    if config.conditional:
        if y is None:
            raise CLIError(f"--conditional needs labels; {config.dataset} has none")
        config.num_classes = int(np.max(y)) + 1
    # the recipes of `ganlib.cli.recipes`: `point_recipe`, `image_recipe`
    defaults = _point_defaults(args, config) if config.is_points else image_defaults(args, config)
    if args.batch_size is None:
        config.batch_size = defaults["batch_size"]
    if args.latent_dim is None:
        config.latent_dim = defaults["latent_dim"]
    epochs, steps = args.epochs, args.steps
    if epochs is None and steps is None:
        epochs, steps = defaults.get("epochs"), defaults.get("steps")
    config.device_data = config.device_data and config.batch_size <= config.num_examples
    per_pass = math.ceil(config.num_examples / config.batch_size)
    if config.device_data:  # a DeviceData pass leaves out the last partial batch
        per_pass = config.num_examples // config.batch_size
    _length(config, epochs, steps, per_pass)
    config.jit_compile = xla_for_run(config)
    explicit = args.rejection is not None or args.rejection_refine is not None
    if not explicit and config.total_steps < config.rejection_refine:  # a trial run
        config.rejection, config.rejection_gamma, config.rejection_refine = None, 0.0, 0
        config.rejection_ascent = config.rejection_bins = 0
    if config.rejection_refine == 0:  # the ascent follows a refined discriminator's gradient
        if args.rejection_ascent is None:
            config.rejection_ascent = 0
        if args.rejection_bins is None:
            config.rejection_bins = 0  # the binned calibration is for a refined one
    check_plain_temperature(config.sample_temperature, config.rejection, "--sample-temperature")
    g, d = build_builders(config)
    config.generator, config.discriminator = models.serialize(g), models.serialize(d)
    check_builders(config, "the command line")


def _new_config(args: argparse.Namespace) -> tuple[RunConfig, Path]:
    from ganlib import __version__

    if args.dataset is None:
        raise CLIError("DATASET is required (or continue a run with --resume --out RUN_DIR)")
    check_out_text(args.out)
    kind, dataset = dataset_kind(args.dataset)
    out = Path(args.out) if args.out is not None else Path("runs") / Path(dataset).stem
    if (out / CONFIG_FILE).exists():
        raise CLIError(
            f"{out} already holds a run: add --resume to continue it, or choose another --out"
        )
    check_new_out(out, kind, dataset)
    quiet_tensorflow_import()
    options = _explicit(args)
    loss, preset, gp = loss_and_preset(options.get("loss"), options.get("preset"))
    options.update(loss=loss, preset=preset, gp_weight=gp)
    options.setdefault("d_steps", default_d_steps(loss, preset))
    options["device_data"] = device_data_for_run(kind, args.steps)
    return RunConfig(dataset=dataset, kind=kind, version=__version__, **options), out


def _resumed_config(args: argparse.Namespace) -> tuple[RunConfig, Path]:
    check_out_text(args.out)
    if args.out is None:
        raise CLIError("--resume needs --out RUN_DIR: the run folder to continue")
    out = Path(args.out)
    stored = load_run_config(out)
    quiet_tensorflow_import()
    asked = RunConfig.from_dict(stored.to_dict())
    for name, value in _explicit(args).items():
        setattr(asked, name, value)
    if args.dataset is not None:
        asked.dataset = dataset_kind(args.dataset)[1]
    differences = stored.differences(asked)
    if differences:
        raise CLIError(
            f"--resume: the arguments conflict with {out / CONFIG_FILE}: " + "; ".join(differences)
        )
    check_builders(stored)
    if args.epochs is not None or args.steps is not None:
        _length(stored, args.epochs, args.steps, stored.steps_per_epoch)
    return stored, out


def _scatter_callback(folder: Path, reference: np.ndarray, n: int = 1000) -> Any:
    """Writes `samples_epoch_{epoch:04d}.png` (samples from fixed noise against the data);
    None, after a one-line warning, without matplotlib."""
    import keras

    from ganlib.cli.plotting import matplotlib_missing

    if matplotlib_missing("the scatter plot of samples per epoch"):
        return None
    from ganlib.plots import write_scatter

    class ScatterPlot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            samples = self.model.sample(n, seed=0)
            title = f"samples after epoch {epoch + 1} (step {int(self.model.step_counter.numpy())})"
            path = folder / f"samples_epoch_{epoch + 1:04d}.png"
            write_scatter(path, samples, reference, title=title)

    return ScatterPlot()


def _tensorboard_callbacks(out: Path, loaded: LoadedData) -> list[Any]:
    """Keras's TensorBoard (losses) and `TensorBoardSamples` in `out/tensorboard`; for 2-D
    mixtures a `MetricMonitor` of the mode metrics, logged there as scalars."""
    import keras

    from ganlib import callbacks

    log_dir = out / TENSORBOARD_DIR
    monitors = []
    if loaded.mixture is not None:
        from ganlib import metrics

        mixture = loaded.mixture

        def modes(generator: Any) -> dict[str, float]:
            z = np.random.default_rng(1).standard_normal((2500, generator.inputs[0].shape[-1]))
            result = metrics.mixture_metrics(np.asarray(generator(z.astype("float32"))), mixture)
            return {"modes": result.modes_captured, "high_quality": result.high_quality_fraction}

        if loaded.y is None:
            monitors.append(callbacks.MetricMonitor(modes))
    reference = loaded.x[:2000] if loaded.x.ndim == 2 else None
    return [
        keras.callbacks.TensorBoard(str(log_dir), write_graph=False),
        *monitors,
        callbacks.TensorBoardSamples(log_dir, reference=reference, monitors=monitors),
    ]


def _train_callbacks(
    out: Path, loaded: LoadedData, config: RunConfig, ema: Any, guard: Any, tensorboard: bool
) -> list[Any]:
    """The callbacks of `ganlib train`'s `fit` calls, in order. Without `tensorboard` none
    hooks single batches (`ganlib._fast_defaults.hooks_every_batch`), so the trainer runs
    several steps per call (docs/performance.md, "Fast defaults")."""
    import keras

    from ganlib import callbacks

    if config.is_points:
        sampler = _scatter_callback(out / SAMPLES_DIR, loaded.x[:2000])
    else:
        sampler = callbacks.SampleGrid(out / SAMPLES_DIR, every_epochs=1, n=64, seed=0)
    return [
        *([ema] if ema is not None else []),
        stop_at_step(config.total_steps),
        guard,
        callbacks.GANCheckpoint(out / CHECKPOINT_DIR, every_epochs=1, keep=3),
        *([sampler] if sampler is not None else []),
        keras.callbacks.CSVLogger(str(out / METRICS_FILE), append=True),
        *(_tensorboard_callbacks(out, loaded) if tensorboard else []),
    ]


def _trim_csv(path: Path, epochs: int) -> None:
    """Keeps the header and the rows of epochs before `epochs` (a resumed run redoes them)."""
    if not path.is_file():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = lines[:1] + [
        line for line in lines[1:] if line.split(",", 1)[0].strip().isdigit()
        and int(line.split(",", 1)[0]) < epochs
    ]  # fmt: skip
    if kept != lines:
        write_text(path, "".join(kept))


def run_train(args: argparse.Namespace) -> int:
    """Runs `ganlib train` for parsed arguments; returns the exit code."""
    start = time.perf_counter()
    if getattr(args, "tensorboard", False):
        import importlib.util

        if importlib.util.find_spec("tensorboard") is None:
            raise CLIError(
                "--tensorboard needs the tensorboard package (Keras's TensorBoard callback "
                "uses it): pip install 'ganlib[tensorboard]'"
            )
    resume_from = None
    if args.resume:
        config, out = _resumed_config(args)
        resume_from = resume_point(out)  # refuses, changing nothing, when work would be lost
        loaded = load_data(config)
        if list(loaded.x.shape[1:]) != config.data_shape or len(loaded.x) != config.num_examples:
            raise CLIError(
                f"the data of {config.dataset} changed since the run started: "
                f"{len(loaded.x)} samples of shape {list(loaded.x.shape[1:])}, the run has "
                f"{config.num_examples} of shape {config.data_shape}"
            )
    else:
        config, out = _new_config(args)
        loaded = load_data(config)
        resolve_config(args, loaded, config)
    import keras

    from ganlib import callbacks
    from ganlib.cli import EXIT_DIVERGED
    from ganlib.cli._setup import make_trainer
    from ganlib.cli.rejection import summary_metrics

    keras.utils.set_random_seed(config.seed)
    trainer = make_trainer(config)
    ema = callbacks.GeneratorEMA(decay=0.999) if config.ema else None
    if resume_from is not None:
        trainer.restore(resume_from)
    # Written once everything before training worked: a refused command leaves no run behind.
    out.mkdir(parents=True, exist_ok=True)
    config.save(out)
    done = int(trainer.step_counter.numpy())
    remaining = config.total_steps - done
    generator_path = out / GENERATOR_FILE
    if remaining <= 0:
        if ema is not None:
            ema.set_model(trainer)
            ema.on_train_begin()  # takes the restored EMA weights
        if not generator_path.exists():
            save_generator(trainer, ema, generator_path, config)
        print(
            f"ganlib train: nothing to do, {out} already has {done} of "
            f"{config.total_steps} steps; generator: {generator_path}"
        )
        return 0
    _trim_csv(out / METRICS_FILE, done // config.steps_per_epoch)  # epochs fit_to_total redoes
    guard = callbacks.DivergenceGuard(verbose=False)
    tensorboard = bool(getattr(args, "tensorboard", False))
    used = _train_callbacks(out, loaded, config, ema, guard, tensorboard)
    with warnings.catch_warnings():
        # After a divergence GANCheckpoint warns that it keeps the last good checkpoint; the
        # guard's one-line error below says so already.
        warnings.filterwarnings("ignore", message="GANCheckpoint: the training state is not")
        logs, end_epoch = fit_to_total(trainer, loaded.x, loaded.y, config, used, guard)
    if guard.message:
        print(f"ganlib train: error: {guard.message}", file=sys.stderr)
        return EXIT_DIVERGED
    save_generator(trainer, ema, generator_path, config)
    steps = int(trainer.step_counter.numpy())
    losses = ", ".join(f"{k} {logs[k]:.3g}" for k in ("d_loss", "g_loss") if k in logs)
    summary = summary_metrics(trainer, loaded.mixture, config)
    print(
        f"ganlib train: {steps} steps ({steps - done} now, epoch {end_epoch}) in "
        f"{time.perf_counter() - start:.1f} s, {losses}{summary}; "
        f"run folder {out}"
    )
    return 0
