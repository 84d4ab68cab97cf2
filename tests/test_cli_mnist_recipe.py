"""`ganlib train mnist`'s recipe (`--arch infogan`): defaults, options, errors, the saved
generator behind `InfoGANLatent` (sample, evaluate, export, resume) and older run folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from _badinput import fails_cleanly
from ganlib.cli import main
from ganlib.cli._setup import LoadedData
from ganlib.cli.config import RunConfig
from ganlib.cli.parser import build_parser
from ganlib.cli.recipes import image_recipe, optimizer_overrides
from ganlib.cli.train import resolve_config

_INFO_FIELDS = ("info_categories", "info_noise_scale")


def _resolved(
    argv: list[str], kind: str = "mnist", shape: tuple[int, ...] = (28, 28, 1)
) -> RunConfig:
    """The config `ganlib train KIND ARGV` starts from (no data read, nothing trained)."""
    from ganlib.cli._presets import default_d_steps, loss_and_preset
    from ganlib.cli.train import _explicit

    args = build_parser().parse_args(["train", kind, *argv])
    options = _explicit(args)
    loss, preset, gp = loss_and_preset(options.get("loss"), options.get("preset"))
    options.update(loss=loss, preset=preset, gp_weight=gp)
    options.setdefault("d_steps", default_d_steps(loss, preset))  # as `_new_config` does
    config = RunConfig(dataset=kind, kind=kind, **options)
    labels = np.arange(100) % 10 if config.conditional else None
    resolve_config(args, LoadedData(np.zeros((100, *shape), "float32"), labels), config)
    return config


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Keras-style mnist.npz of 48 random 28x28 digits (`--data`), as the CLI reads MNIST."""
    folder = tmp_path_factory.mktemp("tiny_mnist")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (48, 28, 28), dtype=np.uint8)
    y = (np.arange(48) % 10).astype(np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    return folder / "mnist.npz"


@pytest.fixture(scope="module")
def infogan_run(tiny_mnist: Path) -> Path:
    """`ganlib train mnist` with the recipe, cut to 4 steps of 16 (3 per epoch, checkpoints at
    steps 3 and 4)."""
    run = tiny_mnist.parent / "run"
    argv = ["train", "mnist", "--data", str(tiny_mnist), "--steps", "4", "--batch-size", "16"]
    assert main([*argv, "--out", str(run)]) == 0
    return run


def test_mnist_defaults_are_the_recipe() -> None:
    """No option: the InfoGAN paper networks, batch 64, latent 74, G 1e-3 / D 2e-4 with the
    DCGAN preset's betas, EMA, 8,007 steps, a 10-way code and noise at 0.5; all in config.json."""
    config = _resolved([])
    recipe = image_recipe("mnist")
    assert (config.arch, config.batch_size, config.latent_dim, config.ema) == (
        "infogan",
        64,
        74,
        True,
    )
    assert (config.epochs, config.steps, config.steps_per_epoch, config.total_steps) == (
        None,
        8007,
        2,
        8007,
    )
    assert (config.info_categories, config.info_noise_scale) == (10, 0.5)
    assert config.recalibrate_batch_norm is True  # the EMA weights' own BatchNorm statistics
    assert config.sample_temperature == 1.15  # what ganlib sample/evaluate/export use
    assert (config.loss, config.preset, config.d_steps) == ("non_saturating", "dcgan", 1)
    rates = optimizer_overrides(config)
    assert rates["g_learning_rate"] == pytest.approx(1e-3)
    assert rates["d_learning_rate"] == pytest.approx(2e-4)
    assert config.generator == {
        "name": "infogan_generator",
        "config": {
            "latent_dim": 74,
            "output_shape": [28, 28, 1],
            "output_activation": "tanh",
            "name": "infogan_generator",
            "hidden_units": recipe.hidden_units,
            "base_filters": recipe.base_filters,
        },
    }
    d = config.discriminator["config"]
    assert (d["extra_outputs"], d["base_filters"], d["hidden_units"], d["q_hidden_units"]) == (
        10,
        32,
        256,
        64,
    )
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_options_win_over_the_recipe() -> None:
    config = _resolved(["--arch", "infogan", "--latent-dim", "20", "--no-ema", "--lr", "2e-4"])
    assert (config.arch, config.latent_dim, config.ema, config.lr) == ("infogan", 20, False, 2e-4)
    assert (config.d_lr_scale, config.batch_size, config.total_steps) == (0.2, 64, 8007)
    config = _resolved(["--batch-size", "32", "--steps", "7", "--d-lr-scale", "1"])
    assert (config.arch, config.batch_size, config.total_steps, config.d_lr_scale) == (
        "infogan",
        32,
        7,
        1.0,
    )
    # another preset: the recipe's rates (tuned on the DCGAN preset) are not applied
    config = _resolved(["--preset", "ttur"])
    assert (config.arch, config.lr, config.d_lr_scale, config.ema) == ("infogan", None, 1.0, True)
    # a gradient penalty is per sample: the paper discriminator without BatchNorm
    config = _resolved(["--loss", "wgan-gp"])
    assert (config.arch, config.preset, config.d_steps, config.lr) == (
        "infogan",
        "wgan_gp",
        5,
        None,
    )
    assert config.discriminator["config"]["batch_norm"] is False
    assert _resolved([]).discriminator["config"]["batch_norm"] is True


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["--arch", "mlp"], "mnist"),  # another architecture: the old image defaults
        (["--arch", "dcgan"], "mnist"),
        (["--conditional"], "mnist"),  # what the recipe's InfoGAN cannot train
        (["--pack", "2"], "mnist"),
        ([], "fashion-mnist"),  # other images: not measured, today's defaults
        ([], "folder"),
    ],
)
def test_other_images_and_architectures_keep_the_old_defaults(argv: list[str], kind: str) -> None:
    config = _resolved(argv, kind)
    old = {"batch_size": 64, "latent_dim": 100, "epochs": 10, "ema": False, "lr": None}
    assert {name: getattr(config, name) for name in old} == old
    assert (config.d_lr_scale, config.info_categories, config.info_noise_scale) == (1.0, 0, 1.0)
    assert config.arch == ("dcgan" if "dcgan" in argv else "mlp")


def test_infogan_arch_on_other_images() -> None:
    config = _resolved(["--arch", "infogan"], "fashion-mnist")
    assert (config.arch, config.latent_dim, config.ema, config.epochs) == (
        "infogan",
        100,
        False,
        10,
    )
    assert (config.info_categories, config.info_noise_scale) == (10, 0.5)
    config = _resolved(["--arch", "infogan", "--image-size", "32"], "folder", (32, 32, 3))
    assert config.generator["config"]["output_shape"] == [32, 32, 3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--conditional"], "--arch infogan cannot train with --conditional"),
        (["--pack", "2"], "--arch infogan cannot train with --pack 2"),
        (["--preset", "sngan"], "--arch infogan cannot train with --preset sngan"),
        (["--rejection", "drs"], "--arch infogan cannot train with --rejection drs"),
        (["--latent-dim", "10"], "--arch infogan needs --latent-dim > 10"),
    ],
)
def test_infogan_refuses_what_it_cannot_train(
    tiny_mnist: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = tmp_path / "run"
    command = ["train", "mnist", "--data", str(tiny_mnist), "--arch", "infogan", *argv]
    fails_cleanly([*command, "--out", str(out)], capsys, watch=tmp_path, expect=message)
    assert not out.exists()


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((8, 10, 10, 1), "--arch infogan needs square images whose side is a multiple of 4"),
        ((8, 12, 8, 1), "--arch infogan needs square images whose side is a multiple of 4"),
        ((8, 2), "--arch infogan needs images; "),
    ],
)
def test_infogan_refuses_data_it_cannot_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: tuple[int, ...], message: str
) -> None:
    np.save(tmp_path / "x.npy", np.zeros(shape, "float32"))
    argv = ["train", str(tmp_path / "x.npy"), "--arch", "infogan", "--out", str(tmp_path / "run")]
    fails_cleanly(argv, capsys, watch=tmp_path, expect=message)


def test_saved_generator_samples_as_the_trainer_does(infogan_run: Path, tmp_path: Path) -> None:
    """`generator.keras` holds `InfoGANLatent` before G: `ganlib sample`'s samples of plain
    N(0, I) latents are `trainer.sample`'s (EMA weights, their BatchNorm statistics
    re-estimated as the recipe's `recalibrate_batch_norm` asks) for the same seed. The two run
    the same operations (`infogan_latent`, then G), eagerly and traced: bit-equal on this CPU,
    compared to float32 rounding."""
    import keras

    from ganlib.callbacks import GeneratorEMA
    from ganlib.checkpoint import latest_checkpoint
    from ganlib.cli._recalibration import recalibrate_for_sampling
    from ganlib.cli._setup import make_trainer
    from ganlib.models import InfoGANLatent

    saved = keras.saving.load_model(infogan_run / "generator.keras", safe_mode=True)
    assert [type(layer) for layer in saved.layers].count(InfoGANLatent) == 1
    npz, png = tmp_path / "s.npz", tmp_path / "s.png"
    assert (
        main(
            [
                "sample",
                str(infogan_run),
                "--n",
                "20",
                "--seed",
                "3",
                "--out",
                str(png),
                "--npz",
                str(npz),
            ]
        )
        == 0
    )
    with np.load(npz) as f:
        samples = f["samples"]
    config = RunConfig.load(infogan_run)
    trainer = make_trainer(config)
    assert type(trainer).__name__ == "InfoGANTrainer" and trainer.noise_scale == 0.5
    ema = GeneratorEMA()
    ema.set_model(trainer)
    ema.build()
    trainer.restore(latest_checkpoint(infogan_run / "checkpoints"))
    assert config.recalibrate_batch_norm  # the recipe's (tests/test_cli_ema_batch_norm.py)
    recalibrate_for_sampling(trainer, config)
    expected = trainer.sample(20, seed=3, temperature=1.15)  # the recipe's sample temperature
    np.testing.assert_allclose(samples, expected, rtol=1e-6, atol=1e-6)
    assert np.ptp(samples) > 0
    # without generator.keras (a run still training): the checkpoint, the same model
    run = tmp_path / "run"
    shutil.copytree(infogan_run, run)
    (run / "generator.keras").unlink()
    assert (
        main(["sample", str(run), "--n", "20", "--seed", "3", "--out", str(png), "--npz", str(npz)])
        == 0
    )
    with np.load(npz) as f:
        np.testing.assert_allclose(f["samples"], samples, rtol=1e-6, atol=1e-6)


def test_evaluate_and_export_an_infogan_run(infogan_run: Path, tmp_path: Path) -> None:
    import tensorflow as tf

    from ganlib.cli.sample import load_generator

    for extra in (["--rejection", "drs"], ["--gamma", "1"]):  # refused, not silently ignored
        assert main(["evaluate", str(infogan_run), "--n", "40", *extra]) == 2
        assert not (infogan_run / "metrics.json").exists()
    assert main(["evaluate", str(infogan_run), "--n", "40", "--metrics", "fid"]) == 0
    report = json.loads((infogan_run / "metrics.json").read_text())
    assert report["metrics"]["fid"]["n"] == 40 and report["metrics"]["fid"]["value"] > 0
    assert main(["export", str(infogan_run), "--out", str(tmp_path / "served")]) == 0
    served = tf.saved_model.load(str(tmp_path / "served"))
    z = np.random.default_rng(0).standard_normal((5, 74)).astype("float32")
    out = served.signatures["serving_default"](tf.constant(z))
    generator, _, _ = load_generator(infogan_run)
    np.testing.assert_allclose(  # the run's sample temperature, 1.15, as ganlib sample
        next(iter(out.values())).numpy(), generator(1.15 * z, training=False), rtol=1e-5, atol=1e-5
    )
    assert (
        main(["sample", str(infogan_run), "--rejection", "drs", "--out", str(tmp_path / "r.png")])
        == 2
    )


def test_resume_of_an_infogan_run_matches_an_uninterrupted_one(
    infogan_run: Path, tmp_path: Path
) -> None:
    """From the step-3 checkpoint, `--resume` reproduces the step-4 state (both networks with
    Q, both optimizers, the EMA weights) and the saved generator's samples."""
    from ganlib.checkpoint import read_checkpoint

    run = tmp_path / "run"
    shutil.copytree(infogan_run, run, ignore=shutil.ignore_patterns("ckpt-000000004", "*.keras"))
    assert main(["train", "--resume", "--out", str(run)]) == 0
    step4 = [read_checkpoint(r / "checkpoints" / "ckpt-000000004")[1] for r in (run, infogan_run)]
    assert sorted(step4[0]) == sorted(step4[1])
    for name in step4[1]:
        np.testing.assert_allclose(
            step4[0][name], step4[1][name], rtol=1e-5, atol=1e-6, err_msg=name
        )
    drawn = []
    for folder in (run, infogan_run):
        npz = tmp_path / f"{folder.name}.npz"
        argv = ["sample", str(folder), "--n", "8", "--out", str(tmp_path / "s.png")]
        assert main([*argv, "--npz", str(npz)]) == 0
        drawn.append(np.load(npz)["samples"])
    np.testing.assert_allclose(drawn[0], drawn[1], rtol=1e-5, atol=1e-5)


def test_run_folders_of_earlier_versions_load_as_before(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config.json without the InfoGAN fields is a plain `GANTrainer` run: it loads, samples
    the same and resumes; an `infogan` config without its code is refused."""
    from ganlib.cli._limits import load_run_config
    from ganlib.cli._setup import CLIError, make_trainer

    run = tmp_path / "old"
    shutil.copytree(tiny_run, run)
    values = json.loads((run / "config.json").read_text())
    for name in _INFO_FIELDS:
        del values[name]
    (run / "config.json").write_text(json.dumps(values))
    config = load_run_config(run)
    assert (config.info_categories, config.info_noise_scale) == (0, 1.0)
    assert type(make_trainer(config)).__name__ == "GANTrainer"
    samples = []
    for folder in (tiny_run, run):
        npz = tmp_path / f"{folder.name}.npz"
        assert (
            main(
                [
                    "sample",
                    str(folder),
                    "--n",
                    "8",
                    "--out",
                    str(tmp_path / "s.png"),
                    "--npz",
                    str(npz),
                    "--rejection",
                    "none",
                ]
            )
            == 0
        )
        with np.load(npz) as f:
            samples.append(f["samples"])
    np.testing.assert_array_equal(samples[0], samples[1])
    assert main(["train", "--resume", "--out", str(run), "--steps", "6"]) == 0
    assert "ganlib train: 6 steps (2 now" in capsys.readouterr().out
    values = {**json.loads((run / "config.json").read_text()), "arch": "infogan"}
    (run / "config.json").write_text(json.dumps(values))
    with pytest.raises(CLIError, match="info_categories"):
        load_run_config(run)


def test_a_step_count_trains_what_the_same_whole_epochs_train(
    tiny_mnist: Path, tmp_path: Path
) -> None:
    """The recipe's length is 8,007 steps, the 51 epochs of 157 batches it was measured as:
    `--steps S` with `S` a whole number of epochs trains the same weights as `--epochs`."""
    import keras

    base = ["train", "mnist", "--data", str(tiny_mnist), "--batch-size", "16", "--arch", "mlp"]
    weights = []
    for name, length in (("epochs", ["--epochs", "2"]), ("steps", ["--steps", "6"])):
        assert main([*base, *length, "--out", str(tmp_path / name)]) == 0  # 3 batches an epoch
        weights.append(keras.saving.load_model(tmp_path / name / "generator.keras").get_weights())
    assert len(weights[0]) == len(weights[1]) > 0
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)
