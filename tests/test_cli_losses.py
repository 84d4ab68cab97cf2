"""`ganlib train --loss`: the choices are the losses registry's, old names keep working."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from ganlib import losses
from ganlib.cli import main
from ganlib.cli._limits import check_run_values
from ganlib.cli._presets import loss_name, loss_names, registry_loss
from ganlib.cli.config import RunConfig
from ganlib.cli.parser import LOSS_HELP
from ganlib.losses.registry import LOSSES


def test_loss_choices_are_the_registry_names() -> None:
    expected = {"wgan-gp" if n == "wasserstein" else n for n in LOSSES.names()}
    assert set(loss_names()) == expected
    assert {"non_saturating", "least_squares", "hinge", "relativistic_average"} <= expected
    for name in loss_names():  # the help text cannot fall behind the registry
        assert name in LOSS_HELP
        assert loss_name(name) == name
        assert type(losses.get(registry_loss(name))) is LOSSES.lookup(registry_loss(name))


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("ns", "non_saturating"),  # the command line's own earlier names
        ("lsgan", "least_squares"),
        ("minimax", "minimax"),
        ("hinge", "hinge"),
        ("wgan-gp", "wgan-gp"),
        ("WGAN_GP", "wgan-gp"),
        ("Least-Squares", "least_squares"),  # any spelling the registry accepts
        ("NonSaturating", "non_saturating"),
        ("ra", "relativistic_average"),
    ],
)
def test_every_registry_spelling_is_accepted(spelling: str, canonical: str) -> None:
    assert loss_name(spelling) == canonical


def test_wasserstein_without_its_penalty_is_refused_with_the_way_out() -> None:
    for spelling in ("wasserstein", "wgan"):
        with pytest.raises(argparse.ArgumentTypeError, match="use --loss wgan-gp"):
            loss_name(spelling)


@pytest.mark.parametrize("bad", ["bogus", "", "gp", "r1"])
def test_unknown_loss_exits_2_naming_the_choices(
    bad: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["train", "ring", "--loss", bad, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"--loss: unknown value {bad!r}; choose from " in err
    assert all(name in err for name in loss_names())
    assert not (tmp_path / "out").exists()


def test_config_files_of_earlier_versions_keep_their_loss() -> None:
    sizes = {"data_shape": [2], "num_examples": 50_000, "steps_per_epoch": 3, "total_steps": 3}
    base = RunConfig(dataset="ring", kind="ring", steps=3, **sizes).to_dict()
    for old, new in (("ns", "non_saturating"), ("lsgan", "least_squares"), ("hinge", "hinge")):
        config = RunConfig.from_dict({**base, "loss": old})
        assert config.loss == new
        check_run_values(config, "config.json")
        # a resume that repeats the old name on the command line sees no difference
        assert config.differences(RunConfig(dataset="ring", kind="ring", loss=loss_name(old))) == []
    for refused in ("NS", "wasserstein", "zz"):
        with pytest.raises(ValueError, match="loss"):
            check_run_values(RunConfig.from_dict({**base, "loss": refused}), "config.json")


@pytest.mark.parametrize("name", loss_names())
def test_every_loss_name_builds_its_trainer(name: str) -> None:
    from ganlib import models
    from ganlib.cli._presets import loss_and_preset
    from ganlib.cli._setup import make_trainer

    loss, preset, gp_weight = loss_and_preset(name, None)
    config = RunConfig(
        dataset="ring",
        kind="file",
        loss=loss,
        preset=preset,
        gp_weight=gp_weight,
        generator=models.serialize(models.MLPGenerator(2, (2,), hidden_units=(4,))),
        discriminator=models.serialize(models.MLPDiscriminator((2,), hidden_units=(4,))),
    )
    trainer = make_trainer(config)
    assert type(trainer.loss_fn) is LOSSES.lookup(registry_loss(name))
    penalties = [type(p).__name__ for p in trainer.penalties]
    assert penalties == (["GradientPenalty"] if name == "wgan-gp" else [])


@pytest.mark.slow
def test_a_loss_new_to_the_command_line_trains_end_to_end(tmp_path: Path) -> None:
    images = np.random.default_rng(0).integers(0, 256, (16, 4, 4, 1), dtype=np.uint8)
    np.save(tmp_path / "x.npy", images)
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "x.npy"), "--loss", "ra", "--steps", "1", "--batch-size", "8"]
    assert main([*argv, "--latent-dim", "2", "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert (config["loss"], config["gp_weight"]) == ("relativistic_average", 0.0)
    rows = (run / "metrics.csv").read_text().splitlines()
    assert len(rows) == 2 and "nan" not in rows[1].lower()  # header + one finite epoch
