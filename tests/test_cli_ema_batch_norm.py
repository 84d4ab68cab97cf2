"""`ganlib train`'s `recalibrate_batch_norm` run setting: the `mnist` recipe's default, the
saved `generator.keras` and checkpoint sampling with re-estimated BatchNorm statistics,
checkpoints as training left them, exact resume, and folders of earlier versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ganlib.cli import main
from ganlib.cli._setup import LoadedData
from ganlib.cli.config import RunConfig
from ganlib.cli.parser import build_parser
from ganlib.cli.train import resolve_config


def _resolved(argv: list[str], kind: str = "mnist", shape: tuple[int, ...] = (28, 28, 1)) -> Any:
    """The config `ganlib train KIND ARGV` starts from (no data read, nothing trained)."""
    from ganlib.cli._presets import default_d_steps, loss_and_preset
    from ganlib.cli.train import _explicit

    args = build_parser().parse_args(["train", kind, *argv])
    options = _explicit(args)
    loss, preset, gp = loss_and_preset(options.get("loss"), options.get("preset"))
    options.update(loss=loss, preset=preset, gp_weight=gp)
    options.setdefault("d_steps", default_d_steps(loss, preset))
    config = RunConfig(dataset=kind, kind=kind, **options)
    resolve_config(args, LoadedData(np.zeros((100, *shape), "float32"), None), config)
    return config


@pytest.mark.parametrize(
    ("argv", "kind", "expected"),
    [
        ([], "mnist", True),  # the recipe: InfoGAN networks with an EMA
        (["--no-recalibrate-batch-norm"], "mnist", False),
        (["--no-ema"], "mnist", False),  # measured on the EMA weights only
        (["--arch", "dcgan"], "mnist", False),  # not the recipe
        ([], "fashion-mnist", False),
        (["--arch", "infogan", "--ema"], "fashion-mnist", False),
        (["--recalibrate-batch-norm"], "fashion-mnist", True),  # asked for: on
        ([], "ring", False),
    ],
)
def test_on_by_default_for_the_mnist_recipe_only(
    argv: list[str], kind: str, expected: bool
) -> None:
    shape = (2,) if kind == "ring" else (28, 28, 1)
    config = _resolved(argv, kind, shape)
    assert config.recalibrate_batch_norm is expected
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_a_config_of_an_earlier_version_is_off_and_a_bad_value_refused() -> None:
    values = RunConfig(dataset="mnist", kind="mnist", recalibrate_batch_norm=True).to_dict()
    del values["recalibrate_batch_norm"]
    assert RunConfig.from_dict(values).recalibrate_batch_norm is False
    with pytest.raises(ValueError, match="`recalibrate_batch_norm` has the wrong type: 1"):
        RunConfig.from_dict({**values, "recalibrate_batch_norm": 1})


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ganlib train mnist` (the recipe) on 48 random digits, cut to 4 steps of 16
    (checkpoints at steps 3 and 4)."""
    folder = tmp_path_factory.mktemp("ema_bn")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (48, 28, 28), dtype=np.uint8)
    y = (np.arange(48) % 10).astype(np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    argv = ["train", "mnist", "--data", str(folder / "mnist.npz"), "--steps", "4"]
    assert main([*argv, "--batch-size", "16", "--out", str(folder / "run")]) == 0
    return folder / "run"


def _sample(folder: Path, tmp_path: Path) -> np.ndarray:
    npz = tmp_path / f"{folder.name}.npz"
    argv = ["sample", str(folder), "--n", "12", "--seed", "3", "--out", str(tmp_path / "s.png")]
    # temperature 1, not the recipe's 1.15 (tests/test_cli_temperature.py): as `trainer.sample`
    assert main([*argv, "--npz", str(npz), "--temperature", "1"]) == 0
    with np.load(npz) as f:
        return np.asarray(f["samples"])


def _restored(folder: Path) -> Any:
    """The run's trainer at its latest checkpoint, EMA weights restored, nothing re-estimated."""
    from ganlib.callbacks import GeneratorEMA
    from ganlib.checkpoint import latest_checkpoint
    from ganlib.cli._setup import make_trainer

    trainer = make_trainer(RunConfig.load(folder))
    ema = GeneratorEMA()
    ema.set_model(trainer)
    ema.build()
    trainer.restore(latest_checkpoint(folder / "checkpoints"))
    return trainer


def test_generator_keras_samples_with_re_estimated_statistics(run: Path, tmp_path: Path) -> None:
    """`generator.keras` is the checkpoint's EMA generator with its BatchNorm statistics
    re-estimated (`SAMPLES` latents of the run's seed, batches of `BATCH_SIZE`); the
    checkpoint itself holds the statistics training left."""
    from ganlib.cli import _recalibration
    from ganlib.sampling import recalibrate_batch_norm

    assert json.loads((run / "config.json").read_text())["recalibrate_batch_norm"] is True
    samples = _sample(run, tmp_path)
    trainer = _restored(run)
    as_trained = trainer.sample(12, seed=3)
    n, batch = _recalibration.SAMPLES, _recalibration.BATCH_SIZE
    assert recalibrate_batch_norm(trainer, n, batch_size=batch, seed=0) == 3
    np.testing.assert_allclose(samples, trainer.sample(12, seed=3), rtol=1e-5, atol=1e-5)
    assert np.abs(samples - as_trained).max() > 1e-3  # the statistics made a difference
    # without generator.keras (a run still training): the checkpoint, re-estimated the same way
    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    (copy / "generator.keras").unlink()
    np.testing.assert_allclose(_sample(copy, tmp_path), samples, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_resume_is_exact_and_refuses_another_setting(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ganlib.checkpoint import read_checkpoint

    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("ckpt-000000004", "*.keras"))
    assert main(["train", "--resume", "--out", str(copy), "--no-recalibrate-batch-norm"]) == 2
    err = capsys.readouterr().err
    assert "--recalibrate-batch-norm: the run has on, the command line off" in err
    assert main(["train", "--resume", "--out", str(copy)]) == 0
    step4 = [read_checkpoint(r / "checkpoints" / "ckpt-000000004")[1] for r in (copy, run)]
    assert sorted(step4[0]) == sorted(step4[1])
    for name in step4[1]:  # as in tests/test_cli_mnist_recipe.py's resume test
        np.testing.assert_allclose(step4[0][name], step4[1][name], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_sample(copy, tmp_path), _sample(run, tmp_path), atol=1e-5)


def test_a_folder_of_an_earlier_version_samples_as_it_did(run: Path, tmp_path: Path) -> None:
    """No `recalibrate_batch_norm` in config.json: the checkpoint's statistics, unchanged, for
    sampling from the checkpoint and for a `generator.keras` that `--resume` writes."""
    old = tmp_path / "old"
    shutil.copytree(run, old)
    values = json.loads((old / "config.json").read_text())
    del values["recalibrate_batch_norm"]
    (old / "config.json").write_text(json.dumps(values))
    (old / "generator.keras").unlink()
    as_trained = _restored(run).sample(12, seed=3)
    np.testing.assert_allclose(_sample(old, tmp_path), as_trained, rtol=1e-5, atol=1e-5)
    assert main(["train", "--resume", "--out", str(old)]) == 0  # nothing to train: saves G
    assert json.loads((old / "config.json").read_text())["recalibrate_batch_norm"] is False
    np.testing.assert_allclose(_sample(old, tmp_path), as_trained, rtol=1e-5, atol=1e-5)
