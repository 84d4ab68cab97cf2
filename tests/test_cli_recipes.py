"""`ganlib train` recipe options: parsing, the ring/grid defaults and explicit options winning."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.cli import main
from ganlib.cli._setup import LoadedData
from ganlib.cli.config import RunConfig
from ganlib.cli.parser import build_parser
from ganlib.cli.recipes import optimizer_overrides, point_recipe, trainer_extras
from ganlib.cli.train import resolve_config


def _resolved(argv: list[str], kind: str = "grid") -> RunConfig:
    args = build_parser().parse_args(["train", kind, *argv])
    config = RunConfig(dataset=kind, kind=kind, lr=args.lr)
    names = ("ema", "lr_decay", "r1", "pack", "augment", "rejection", "rejection_refine")
    for name in (*names, "rejection_ascent", "rejection_bins"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))
    x = np.zeros((32, 2), "float32")
    resolve_config(args, LoadedData(x), config)
    return config


def test_recipe_options_parse() -> None:
    args = build_parser().parse_args(
        ["train", "ring", "--no-ema", "--lr-decay", "--r1", "0.5", "--pack", "4"]
    )
    assert (args.ema, args.lr_decay, args.r1, args.pack) == (False, True, 0.5, 4)
    args = build_parser().parse_args(["train", "mnist", "--augment", "Translation,cutout"])
    assert args.augment == "translation,cutout"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--r1", "-1"], "--r1: must be a finite number >= 0, got -1"),
        (["--pack", "0"], "--pack: must be a positive integer, got 0"),
        (["--augment", "flip"], "--augment: unknown augmentation(s) flip"),
    ],
)
def test_bad_recipe_options_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["train", "ring", *argv]) == 2
    assert message in capsys.readouterr().err


def test_grid_defaults_are_the_recipe() -> None:
    config = _resolved([], "grid")
    recipe = point_recipe("grid")
    assert (config.ema, config.lr_decay, config.r1, config.pack) == (
        recipe.ema,
        recipe.lr_decay,
        recipe.r1,
        recipe.pack,
    )
    assert (config.lr, config.batch_size, config.latent_dim, config.total_steps) == (
        recipe.lr,
        recipe.batch_size,
        recipe.latent_dim,
        recipe.steps,
    )
    assert config.generator["config"]["hidden_units"] == list(recipe.hidden_units)
    # DRS through a discriminator refined on the final generator (docs/benchmarks.md): the
    # sampler of both 2-D recipes, the ring's refined three times as long; other vector data none
    for kind, refine in (("grid", 2000), ("ring", 6000)):
        config = _resolved([], kind)
        assert (config.rejection, config.rejection_gamma, config.rejection_refine) == (
            "drs",
            0.0,
            refine,
        )
    assert (point_recipe("points").rejection, point_recipe("points").rejection_refine) == (None, 0)
    assert _resolved(["--rejection-refine", "0"], "ring").rejection_refine == 0
    # the grid's samples then move 10 steps up the refined discriminator's logit; the ring's
    # modes are five times narrower, and a step of 5e-3 moves its samples off them: none
    assert (_resolved([], "grid").rejection_ascent, _resolved([], "ring").rejection_ascent) == (
        10,
        0,
    )
    assert _resolved(["--rejection-ascent", "1"], "ring").rejection_ascent == 1
    # no refinement, no ascent, unless asked for
    assert _resolved(["--rejection-refine", "0"], "grid").rejection_ascent == 0
    argv = ["--rejection-refine", "0", "--rejection-ascent", "3"]
    assert _resolved(argv, "grid").rejection_ascent == 3
    assert _resolved(["--rejection-ascent", "0"], "grid").rejection_ascent == 0
    # the grid's refined discriminator is calibrated in 50 bins, the ring's by Platt scaling
    assert (_resolved([], "grid").rejection_bins, _resolved([], "ring").rejection_bins) == (50, 0)
    assert _resolved(["--rejection-bins", "0"], "grid").rejection_bins == 0
    assert _resolved(["--rejection-bins", "20"], "ring").rejection_bins == 20
    assert _resolved(["--rejection-refine", "0"], "grid").rejection_bins == 0  # none to bin
    assert _resolved(["--steps", "1999"], "grid").rejection_bins == 0  # a trial run: no sampler


def test_folders_of_earlier_versions_keep_platt_scaling() -> None:
    """A config.json without `rejection_bins` (before session 11) samples as it did."""
    values = RunConfig(dataset="grid", kind="grid", rejection="drs").to_dict()
    del values["rejection_bins"]
    assert RunConfig.from_dict(values).rejection_bins == 0


def test_bad_rejection_bins_are_refused() -> None:
    from ganlib.cli._limits import check_run_values
    from ganlib.cli._setup import CLIError

    good = _resolved([], "grid")
    check_run_values(good, "config.json")
    for bins in (1, 5001):
        good.rejection_bins = bins
        with pytest.raises(CLIError, match="rejection_bins"):
            check_run_values(good, "config.json")


@pytest.mark.parametrize(("kind", "refine"), [("ring", 6000), ("grid", 2000)])
def test_runs_shorter_than_the_refinement_record_no_sampler(kind: str, refine: int) -> None:
    """A trial run shorter than the recipe's refinement (ring 6,000 steps, grid 2,000) is not the
    recipe: plain samples by default (DRS there would refine longer than the run trained, and
    accept few)."""
    assert _resolved(["--steps", str(refine)], kind).rejection == "drs"
    short = _resolved(["--steps", str(refine - 1)], kind)
    assert (short.rejection, short.rejection_refine, short.rejection_ascent) == (None, 0, 0)
    assert _resolved(["--steps", "5", "--rejection", "drs"], kind).rejection == "drs"
    assert _resolved(["--steps", "5", "--rejection-refine", "0"], kind).rejection == "drs"


def test_explicit_options_win_over_the_recipe() -> None:
    config = _resolved(["--no-ema", "--no-lr-decay", "--r1", "0", "--lr", "0.01", "--steps", "7"])
    assert (config.ema, config.lr_decay, config.r1, config.lr, config.total_steps) == (
        False,
        False,
        0.0,
        0.01,
        7,
    )


def test_lr_decay_is_a_linear_schedule_to_one_hundredth() -> None:
    config = RunConfig(dataset="ring", kind="ring", lr=1e-3, lr_decay=True, total_steps=100)
    schedule = optimizer_overrides(config)["g_learning_rate"]
    assert float(schedule(0)) == pytest.approx(1e-3)
    assert float(schedule(50)) == pytest.approx(0.5 * (1e-3 + 1e-5))
    assert float(schedule(100)) == pytest.approx(1e-5)
    assert trainer_extras(config) == {}
