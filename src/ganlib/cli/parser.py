"""The `ganlib` argument parser: sub-commands, option types and one-line usage errors."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ganlib.cli._presets import loss_name
from ganlib.cli._recalibration import add_option as add_recalibration_option
from ganlib.cli._sampling_args import add_sampling_options
from ganlib.cli._temperature import add_train_option as add_temperature_option
from ganlib.cli.argtypes import (
    MAX_INT,
    METRIC_NAMES,
    _augment_policy,
    _choice,
    _labels,
    _metric_list,
    beta_float,
    d_steps_int,
    non_negative_float,
    non_negative_int,
    positive_float,
    positive_int,
)

__all__ = [
    "ARCHS",
    "MAX_INT",
    "PRESETS",
    "GanlibArgumentParser",
    "UsageError",
    "build_parser",
    "positive_int",
]

ARCHS = ("mlp", "dcgan", "infogan")
"""Architectures accepted by `ganlib train --arch`."""
LOSS_HELP = (
    "non_saturating (ns), minimax, least_squares (lsgan), hinge, relativistic_average (ra), "
    "wgan-gp (Wasserstein + gradient penalty)"
)
"""The `--loss` help: the losses registry's names (a test keeps it equal to the registry)."""
PRESETS = ("dcgan", "ttur", "wgan_gp", "sngan")
"""Optimizer presets accepted by `ganlib train --preset` (see `ganlib.optimizers`)."""


class UsageError(ValueError):
    """A bad command line; `prog` names the (sub-)command it belongs to.

    Example:
        >>> str(UsageError("argument --steps: bad", prog="ganlib train"))
        'argument --steps: bad'
    """

    def __init__(self, message: str, prog: str = "ganlib") -> None:
        super().__init__(message)
        self.prog = prog


class GanlibArgumentParser(argparse.ArgumentParser):
    """An `ArgumentParser` that raises `UsageError` instead of printing usage and exiting.

    Example:
        >>> parser = GanlibArgumentParser(prog="demo")
        >>> _ = parser.add_argument("--n", type=int)
        >>> try:
        ...     parser.parse_args(["--n", "x"])
        ... except UsageError as error:
        ...     print(error)
        argument --n: invalid int value: 'x'
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.prog)


def _add_demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="train a small GAN on the 2-D ring of 8 Gaussians (offline, < 1 minute)",
        description="Train a small GAN on the ring of 8 Gaussians (std 0.01 on the unit circle), "
        "print modes captured and the high-quality fraction, write a PNG scatter of samples "
        "against data.",
    )
    p.add_argument(
        "--steps", type=positive_int, default=2000, metavar="N", help="training steps (2000)"
    )
    p.add_argument("--seed", type=non_negative_int, metavar="S", default=0, help="random seed (0)")
    p.add_argument("--out", default="runs/demo", metavar="DIR", help="output folder (runs/demo)")


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train a GAN on a data set and write a run folder",
        description="Train a GAN. DATASET is mnist, fashion-mnist, ring, grid, a folder of "
        "images or a .npz/.npy file. Everything is written inside --out.",
    )
    p.add_argument(
        "dataset", nargs="?", metavar="DATASET", help="data set (optional with --resume)"
    )
    p.add_argument(
        "--arch",
        type=_choice(ARCHS),
        metavar="{mlp,dcgan,infogan}",
        help="architecture: mlp, dcgan or infogan (mnist: infogan, the recipe; others: mlp)",
    )
    p.add_argument(
        "--loss",
        type=loss_name,
        metavar="LOSS",
        help="loss: a name of ganlib.losses.get: " + LOSS_HELP,
    )
    p.add_argument(
        "--preset",
        type=_choice(PRESETS),
        metavar="PRESET",
        help="optimizer preset: " + ", ".join(PRESETS),
    )
    length = p.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=positive_int, metavar="N", help="passes over the data")
    length.add_argument("--steps", type=positive_int, metavar="N", help="total training steps")
    p.add_argument(
        "--batch-size", type=positive_int, metavar="N", help="batch size (64 images, 256 points)"
    )
    p.add_argument(
        "--latent-dim", type=positive_int, metavar="N", help="latent size (mnist 74, images 100)"
    )
    p.add_argument(
        "--lr", type=positive_float, help="learning rate (preset's; vectors, mnist 1e-3)"
    )
    p.add_argument(
        "--d-steps", type=d_steps_int, metavar="N", help="discriminator steps per step (preset's)"
    )
    p.add_argument("--seed", type=non_negative_int, metavar="S", help="random seed (0)")
    p.add_argument("--out", metavar="DIR", help="run folder (runs/<dataset>)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out")
    p.add_argument("--data", metavar="PATH", help="MNIST/Fashion-MNIST folder or .npz to read")
    p.add_argument(
        "--ema",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep an EMA generator (decay 0.999; default on for vectors and mnist)",
    )
    p.add_argument(
        "--lr-decay",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="decay the learning rate linearly to lr/100 over the run (default on for vectors)",
    )
    add_recalibration_option(p)
    add_temperature_option(p)
    p.add_argument(
        "--r1",
        type=non_negative_float,
        metavar="W",
        help="R1 penalty weight on the discriminator (0.01 for vectors, 0 for images)",
    )
    p.add_argument(
        "--r1-every", type=positive_int, metavar="K", help="lazy R1: every K-th step, x K (1)"
    )
    p.add_argument(
        "--pack", type=positive_int, metavar="M", help="PacGAN: D judges M samples at once (1)"
    )
    p.add_argument(
        "--augment",
        type=_augment_policy,
        metavar="POLICY",
        help="DiffAugment policy for images, e.g. translation,cutout or color,translation,cutout"
        " (none)",
    )
    p.add_argument(
        "--beta1", dest="beta_1", type=beta_float, metavar="B", help="Adam beta_1 (preset's)"
    )
    p.add_argument(
        "--beta2", dest="beta_2", type=beta_float, metavar="B", help="Adam beta_2 (preset's)"
    )
    p.add_argument(
        "--d-lr-scale",
        type=positive_float,
        metavar="K",
        help="TTUR: D's learning rate is K times G's (1; grid 2, mnist 0.2)",
    )
    p.add_argument(
        "--rejection",
        choices=("drs", "mh", "none"),
        help="sampler that sample/evaluate use by default: discriminator rejection sampling, "
        "Metropolis-Hastings or none (ring, grid: drs for runs of at least the refinement's "
        "steps; others: none)",
    )
    p.add_argument("--rejection-gamma", type=float, metavar="G", help="DRS's gamma (0)")
    p.add_argument(
        "--rejection-refine",
        type=non_negative_int,
        metavar="N",
        help="before --rejection sampling, train a copy of the discriminator N steps on the "
        "final generator (ring, grid: 2000; others: 0)",
    )
    p.add_argument(
        "--rejection-ascent",
        type=non_negative_int,
        metavar="N",
        help="after --rejection sampling, move each sample N gradient steps up the "
        "(refined) discriminator's logit (grid: 10; ring: 1; others: 0)",
    )
    p.add_argument(
        "--rejection-bins", type=non_negative_int, metavar="N", help="D calibration bins (0: Platt)"
    )
    p.add_argument("--conditional", action="store_true", default=None, help="class-conditional GAN")
    p.add_argument(
        "--image-size", type=positive_int, metavar="N", help="side of folder images (32)"
    )
    p.add_argument(
        "--tensorboard",
        action="store_true",
        help="also log losses, samples (and mode metrics for ring/grid) to OUT/tensorboard",
    )


def _add_sample(sub: Any) -> None:
    p = sub.add_parser(
        "sample",
        help="draw samples from a trained run",
        description="Draw samples from RUN_DIR/generator.keras (or the latest checkpoint) and "
        "write an image grid (a scatter for 2-D data).",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder written by ganlib train")
    p.add_argument("--n", type=positive_int, metavar="N", default=64, help="number of samples (64)")
    p.add_argument("--out", default="grid.png", metavar="FILE", help="PNG file to write (grid.png)")
    p.add_argument("--npz", metavar="FILE", help="also write the samples to this .npz file")
    p.add_argument(
        "--seed", type=non_negative_int, metavar="S", default=0, help="latent noise seed (0)"
    )
    p.add_argument(
        "--labels", type=_labels, metavar="L", help="class labels for a conditional GAN, e.g. 0,1,2"
    )
    p.add_argument(
        "--interpolate",
        type=_labels,
        metavar="SEEDS",
        help="a grid of latent interpolations, one row per pair of seeds, e.g. 0,1,2",
    )
    p.add_argument(
        "--spherical", action="store_true", help="with --interpolate: slerp instead of linear"
    )
    p.add_argument(
        "--class-grid",
        action="store_true",
        help="conditional runs: one row per class, one column per noise seed from --seed on",
    )
    p.add_argument(
        "--per-row",
        type=positive_int,
        metavar="N",
        default=8,
        help="points per interpolation row or noise columns of --class-grid (8)",
    )
    add_sampling_options(p)


def _add_evaluate(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="compute metrics of a trained run",
        description="Evaluate RUN_DIR's generator: mode metrics on 2-D mixtures, FID/KID/"
        "precision-recall/classifier score on images; writes RUN_DIR/metrics.json.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder written by ganlib train")
    p.add_argument("--n", type=positive_int, metavar="N", default=10_000, help="samples (10000)")
    p.add_argument(
        "--metrics",
        type=_metric_list,
        metavar="LIST",
        help="comma-separated: " + ",".join(METRIC_NAMES),
    )
    p.add_argument(
        "--seed", type=non_negative_int, metavar="S", default=0, help="latent noise seed (0)"
    )
    add_sampling_options(p)


def _add_plot(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        help="draw a run's loss and metric curves (needs matplotlib)",
        description="Draw RUN_DIR/metrics.csv: losses.png (losses, D outputs) and, when "
        "MetricMonitor values were logged, metrics.png. Needs the plot extra (matplotlib).",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder written by ganlib train")
    p.add_argument("--out", metavar="DIR", help="folder for the PNG files (RUN_DIR/plots)")


def _add_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write a run's generator as a TensorFlow SavedModel for serving",
        description="Write RUN_DIR's generator (EMA weights when the run kept them) as a "
        "SavedModel with signatures serving_default(z[, labels]) and sample(n, seed[, labels]); "
        "tf.saved_model.load reads it without ganlib.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder written by ganlib train")
    p.add_argument("--out", required=True, metavar="DIR", help="new folder for the SavedModel")
    p.add_argument("--tflite", action="store_true", help="also write generator.tflite")


def build_parser() -> GanlibArgumentParser:
    """The `ganlib` parser with its sub-commands.

    Example:
        >>> args = build_parser().parse_args(["demo", "--steps", "10"])
        >>> args.command, args.steps, args.out
        ('demo', 10, 'runs/demo')
    """
    from ganlib import __version__

    parser = GanlibArgumentParser(
        prog="ganlib",
        description="GAN training, sampling and evaluation with ganlib.",
        epilog="Exit codes: 0 success, 1 unexpected error, 2 bad arguments or data, "
        "3 training diverged.",
    )
    parser.add_argument("--version", action="version", version=f"ganlib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_demo(sub)
    _add_train(sub)
    _add_sample(sub)
    _add_evaluate(sub)
    _add_plot(sub)
    _add_export(sub)
    from ganlib.cli.translate_args import add_translate, add_translate_folder

    types = {"positive_int": positive_int, "positive_float": positive_float}
    add_translate(sub, {**types, "non_negative_int": non_negative_int})
    add_translate_folder(sub)
    return parser
