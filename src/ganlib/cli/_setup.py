"""Shared pieces of the commands: data sets, models, trainer and the input pipeline."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.cli._presets import registry_loss
from ganlib.cli._xla import POINTS_XLA_MIN_STEPS, xla_for_run
from ganlib.cli.config import RunConfig

__all__ = [
    "DEVICE_DATA_MIN_STEPS",
    "GRID_POINTS",
    "MIXTURE_POINTS",
    "POINTS_XLA_MIN_STEPS",
    "POINT_HIDDEN_UNITS",
    "CLIError",
    "LoadedData",
    "batches",
    "build_builders",
    "dataset_kind",
    "device_data_for_run",
    "load_data",
    "make_trainer",
    "mixture_of",
    "quiet_tensorflow_import",
    "xla_for_run",
]

MIXTURE_POINTS = 50_000
"""Points drawn from the ring/grid mixture (seeded by `--seed`) for a run without `device_data`."""
GRID_POINTS = 100_000
"""Ring/grid points of a new run with `device_data` (the driver's); a run keeps its
`num_examples`."""
POINT_HIDDEN_UNITS = (128, 128, 128)
"""Hidden layers of the MLPs for vector data (generator and discriminator; LeakyReLU 0.2, no
BatchNorm; the generator's output is linear): the ring/grid recipe's (`ganlib.cli.recipes`)."""
FOLDER_IMAGE_SIZE = 32
"""Default side of images read from a folder (`--image-size`)."""

_NAMED = {
    "mnist": "mnist",
    "fashionmnist": "fashion-mnist",
    "fashion": "fashion-mnist",
    "ring": "ring",
    "grid": "grid",
}
_X_KEYS = ("x", "images", "x_train", "arr_0")
_Y_KEYS = ("y", "labels", "y_train", "arr_1")


class CLIError(ValueError):
    """A problem with the command line or the data, reported as one line with exit code 2.

    Example:
        >>> str(CLIError("unknown dataset 'foo'"))
        "unknown dataset 'foo'"
    """


def quiet_tensorflow_import() -> None:
    """Imports TensorFlow with stderr closed at the OS level, hiding its C++ start-up lines.

    TensorFlow prints absl lines (oneDNN, CUDA drivers) on import and at device start-up
    whatever `TF_CPP_MIN_LOG_LEVEL` says; they would drown one-line error messages. Set
    `GANLIB_TF_LOGS=1` to see them.
    """
    if "tensorflow" in sys.modules or os.environ.get("GANLIB_TF_LOGS"):
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def dataset_kind(name: str) -> tuple[str, str]:
    """`(kind, dataset)` for a DATASET argument; folders and files become absolute paths.

    Kinds: `mnist`, `fashion-mnist`, `ring`, `grid`, `folder`, `file` (`.npz`/`.npy`).

    Example:
        >>> dataset_kind("Fashion_MNIST")
        ('fashion-mnist', 'fashion-mnist')
    """
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key in _NAMED:
        return _NAMED[key], _NAMED[key]
    path = Path(name)
    if path.is_dir():
        return "folder", str(path.resolve())
    if path.suffix.lower() in (".npz", ".npy"):
        if not path.is_file():
            raise CLIError(f"data file not found: {name}")
        return "file", str(path.resolve())
    if path.exists():
        raise CLIError(f"unsupported data file {name}: expected a folder, a .npz or a .npy file")
    if any(sep in name for sep in ("/", os.sep)) or name.startswith("."):
        raise CLIError(f"dataset folder or file not found: {name}")
    raise CLIError(
        f"unknown dataset {name!r}: expected mnist, fashion-mnist, ring, grid, a folder of "
        "images or a .npz/.npy file (no such file or folder)"
    )


@dataclass
class LoadedData:
    """Training data in memory: float32 samples, optional int32 labels, the mixture if any."""

    x: np.ndarray
    y: np.ndarray | None = None
    mixture: Any = None


def mixture_of(kind: str) -> Any:
    """The `ganlib.data.Mixture` of a `ring`/`grid` run, else None."""
    from ganlib import data

    if kind == "ring":
        return data.ring_mixture()
    if kind == "grid":
        return data.grid_mixture()
    return None


def _pick(npz: Any, keys: tuple[str, ...]) -> str | None:
    return next((k for k in keys if k in npz.files), None)


def _load_file(path: str, with_labels: bool) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise CLIError(f"cannot read {path}: {error}") from None
    if isinstance(loaded, np.ndarray):
        if with_labels:
            raise CLIError(f"--conditional needs labels, but {path} is a .npy file (no labels)")
        return loaded, None
    with loaded as npz:
        x_key = _pick(npz, _X_KEYS)
        if x_key is None:
            raise CLIError(
                f"{path} holds no samples: expected an array named one of {', '.join(_X_KEYS)} "
                f"(found: {', '.join(npz.files) or 'nothing'})"
            )
        y_key = _pick(npz, _Y_KEYS) if with_labels else None
        if with_labels and y_key is None:
            raise CLIError(
                f"--conditional needs labels: {path} has no array named one of {', '.join(_Y_KEYS)}"
            )
        return npz[x_key], None if y_key is None else npz[y_key]


def load_data(config: RunConfig) -> LoadedData:
    """Loads the run's data set as arrays (float32 in [-1, 1] for images)."""
    from ganlib import data
    from ganlib.cli._datafiles import check_array_file, read_all_images

    kind, labels = config.kind, config.conditional
    if config.data is not None and kind not in ("mnist", "fashion-mnist"):
        raise CLIError(f"--data is for mnist and fashion-mnist only; DATASET is {config.dataset}")
    if kind in ("mnist", "fashion-mnist"):
        loader = data.load_mnist if kind == "mnist" else data.load_fashion_mnist
        try:
            x, y = loader(config.data, with_labels=True)
        except data.DataNotFoundError as error:
            raise CLIError(f"{error} (ganlib train: --data PATH)") from None
        return LoadedData(x, y if labels else None)
    if kind in ("ring", "grid"):
        mixture = mixture_of(kind)
        count = config.num_examples or (GRID_POINTS if config.device_data else MIXTURE_POINTS)
        x, y = mixture.sample(count, seed=config.seed, with_labels=True)
        return LoadedData(x, y if labels else None, mixture)
    if kind == "folder":
        size = config.image_size or FOLDER_IMAGE_SIZE
        dataset = data.image_folder(
            config.dataset, size, batch_size=256, with_labels=labels, shuffle=False
        )
        parts = read_all_images(dataset, config.dataset)
        if labels:
            return LoadedData(
                np.concatenate([p[0] for p in parts]),
                np.concatenate([p[1] for p in parts]).astype("int32"),
            )
        return LoadedData(np.concatenate(parts))
    if kind == "file":
        check_array_file(config.dataset)
        raw_x, raw_y = _load_file(config.dataset, labels)
        converted = data.from_array(raw_x, raw_y)
        if isinstance(converted, tuple):
            return LoadedData(np.asarray(converted[0]), np.asarray(converted[1]))
        return LoadedData(np.asarray(converted))
    raise CLIError(f"unknown dataset kind {kind!r} in the run configuration")


def build_builders(config: RunConfig) -> tuple[Any, Any]:
    """Generator and discriminator builders for the run's data shape and options."""
    from ganlib import models

    shape = tuple(config.data_shape)
    classes = config.num_classes if config.conditional else None
    spectral = config.preset == "sngan"
    if config.is_points:
        from ganlib.cli.recipes import point_recipe

        recipe = point_recipe(config.kind)
        if config.arch != "mlp":
            raise CLIError(
                f"--arch {config.arch} needs images; {config.dataset} holds vectors of shape "
                f"{shape}: use --arch mlp"
            )
        g = models.MLPGenerator(
            config.latent_dim,
            shape,
            hidden_units=recipe.hidden_units,
            negative_slope=recipe.negative_slope,
            batch_norm=False,
            output_activation=None,
            num_classes=classes,
        )
        d = models.MLPDiscriminator(
            shape,
            hidden_units=recipe.hidden_units,
            negative_slope=recipe.negative_slope,
            spectral_norm=spectral,
            num_classes=classes,
            pack=config.pack,
        )
        return g, d
    if config.arch == "infogan":
        from ganlib.cli._infogan import infogan_builders

        return infogan_builders(config)
    if config.arch == "dcgan":
        dg = models.DCGANGenerator(config.latent_dim, shape, num_classes=classes)
        dd = models.DCGANDiscriminator(
            shape,
            # A gradient penalty is per sample: no batch statistics in the critic.
            batch_norm=not (spectral or config.gp_weight),
            spectral_norm=spectral,
            num_classes=classes,
            pack=config.pack,
        )
        return dg, dd
    g = models.MLPGenerator(config.latent_dim, shape, num_classes=classes)
    d = models.MLPDiscriminator(
        shape, spectral_norm=spectral, num_classes=classes, pack=config.pack
    )
    return g, d


DEVICE_DATA_MIN_STEPS = POINTS_XLA_MIN_STEPS
"""Ring/grid runs at least this long draw their batches in the step (`device_data_for_run`)."""


def device_data_for_run(kind: str, steps: int | None) -> bool:
    """Whether a new run of `kind` asked for `steps` (None: the default length or `--epochs`)
    draws its batches in the compiled step (`ganlib.data.DeviceData`) from `GRID_POINTS`
    points: the ring and the grid, as the benchmark driver trains them, unless `--steps` is
    below `DEVICE_DATA_MIN_STEPS` (runs without XLA). With XLA the host pipeline between steps
    cost ~8% of the grid's small step (docs/benchmarks.md, "`ganlib train grid` at the
    3-minute budget"); other data and short runs keep it (`ganlib.data.resumable_batches`).

    Example:
        >>> device_data_for_run("ring", None), device_data_for_run("grid", 150)
        (True, False)
        >>> device_data_for_run("mnist", None)
        False
    """
    return kind in ("ring", "grid") and (steps is None or steps >= DEVICE_DATA_MIN_STEPS)


def make_trainer(config: RunConfig) -> Any:
    """A compiled `GANTrainer` (`InfoGANTrainer` for `--arch infogan`) rebuilt from the run
    configuration."""
    from ganlib import losses, models, optimizers
    from ganlib.cli._infogan import trainer_type
    from ganlib.cli.recipes import optimizer_overrides

    generator = models.from_config(config.generator).build()
    discriminator = models.from_config(config.discriminator).build()
    trainer_class, extras = trainer_type(config)  # InfoGANTrainer for --arch infogan

    penalties: list[Any] = []
    if config.gp_weight:
        penalties.append(losses.GradientPenalty(weight=config.gp_weight))
    if config.r1:
        penalties.append(losses.R1Penalty(weight=config.r1))
    trainer = trainer_class(
        generator,
        discriminator,
        loss=losses.get(registry_loss(config.loss)),
        penalties=penalties,
        d_steps=config.d_steps,
        seed=config.seed,
        **extras,
    )
    g_opt, d_opt = optimizers.get(config.preset, **optimizer_overrides(config))
    # Folders of earlier versions record no choice: they trained vector data with XLA.
    jit = config.is_points if config.jit_compile is None else config.jit_compile
    trainer.compile(g_opt, d_opt, jit_compile=jit)
    return trainer


def batches(
    x: np.ndarray, y: np.ndarray | None, batch_size: int, seed: int, start: int, steps: int
) -> Any:
    """`ganlib.data.resumable_batches`: the `steps` batches that follow batch number `start`."""
    from ganlib.data.resumable import resumable_batches

    return resumable_batches(x, y, batch_size=batch_size, seed=seed, start=start, steps=steps)


def num_classes_of(generator: Any, config: RunConfig | None) -> int | None:
    """Classes of a run: from its config, else from the generator's `Embedding` layer."""
    if config is not None and config.num_classes:
        return config.num_classes
    import keras

    from ganlib._compat import flatten_layers

    for layer in flatten_layers(generator):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


def progress_verbosity() -> int:
    """Keras `verbose`: 1 (progress bar) on a terminal, 2 (one line per epoch) otherwise."""
    try:
        return 1 if os.isatty(1) else 2
    except OSError:
        return 2
