"""`ganlib train` end to end on small runs: files written, resume, sample and evaluate."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from ganlib.cli import main


def _png(path: Path) -> np.ndarray:
    data = path.read_bytes()
    assert data[:4] == b"\x89PNG"
    return tf.io.decode_png(data).numpy()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _checkpoint_steps(run: Path) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in (run / "checkpoints").glob("ckpt-*"))


@pytest.fixture(scope="module")
def points_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 steps on 64 ring points in batches of 16: 4 steps per epoch, the last epoch partial.

    No learning-rate decay: its schedule spans the run's length, so a run extended on resume
    could not be compared with one of the extended length from the start."""
    folder = tmp_path_factory.mktemp("points")
    from ganlib.data import ring

    np.save(folder / "ring.npy", ring(64, seed=0))
    run = folder / "run"
    argv = ["train", str(folder / "ring.npy"), "--steps", "10", "--batch-size", "16"]
    assert main([*argv, "--no-lr-decay", "--out", str(run)]) == 0
    return run


def test_train_writes_every_file(points_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted(p.name for p in points_run.iterdir())
    assert names == ["checkpoints", "config.json", "generator.keras", "metrics.csv", "samples"]
    config = json.loads((points_run / "config.json").read_text())
    assert config["steps"] == 10 and config["steps_per_epoch"] == 4 and config["total_steps"] == 10
    assert config["latent_dim"] == 2 and config["data_shape"] == [2] and config["kind"] == "file"
    assert [int(r["epoch"]) for r in _rows(points_run / "metrics.csv")] == [0, 1, 2]
    assert _checkpoint_steps(points_run) == [4, 8, 10]
    plots = sorted(p.name for p in (points_run / "samples").iterdir())
    assert plots == [f"samples_epoch_000{i}.png" for i in (1, 2, 3)]
    assert _png(points_run / "samples" / plots[0]).shape == (480, 480, 3)


def test_resume_continues_and_appends(
    points_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """10 steps then `--resume --steps 14` lands where 14 steps at once land: same step count,
    same epoch ends (the epoch the first run stopped inside ends at step 12), same arrays."""
    import shutil

    from ganlib.checkpoint import read_checkpoint

    run = tmp_path / "run"
    shutil.copytree(points_run, run)
    assert main(["train", "--resume", "--out", str(run), "--steps", "14"]) == 0
    out = capsys.readouterr().out
    assert "ganlib train: 14 steps (4 now, epoch 4)" in out
    assert _checkpoint_steps(run) == [10, 12, 14]
    assert [int(r["epoch"]) for r in _rows(run / "metrics.csv")] == [0, 1, 2, 3]
    assert json.loads((run / "config.json").read_text())["total_steps"] == 14
    whole = tmp_path / "whole"
    argv = ["train", str(points_run.parent / "ring.npy"), "--steps", "14", "--batch-size", "16"]
    assert main([*argv, "--no-lr-decay", "--out", str(whole)]) == 0
    assert _checkpoint_steps(whole) == [8, 12, 14]
    assert [int(r["epoch"]) for r in _rows(whole / "metrics.csv")] == [0, 1, 2, 3]
    for step in (12, 14):
        name = f"checkpoints/ckpt-{step:09d}"
        (resumed_manifest, resumed), (manifest, original) = (
            read_checkpoint(run / name),
            read_checkpoint(whole / name),
        )
        assert resumed_manifest["epoch"] == manifest["epoch"] == math.ceil(step / 4)
        assert sorted(resumed) == sorted(original)
        for key, value in original.items():
            np.testing.assert_allclose(resumed[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
    # Same length again: nothing left to train.
    assert main(["train", "--resume", "--out", str(run)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_resume_matches_an_uninterrupted_run(points_run: Path, tmp_path: Path) -> None:
    """Resuming from the step-8 checkpoint reproduces the step-10 weights exactly."""
    import shutil

    from ganlib.checkpoint import read_checkpoint

    run = tmp_path / "run"
    shutil.copytree(points_run, run)
    shutil.rmtree(run / "checkpoints" / "ckpt-000000010")
    (run / "generator.keras").unlink()
    assert main(["train", "--resume", "--out", str(run)]) == 0
    _, resumed = read_checkpoint(run / "checkpoints" / "ckpt-000000010")
    _, original = read_checkpoint(points_run / "checkpoints" / "ckpt-000000010")
    assert sorted(resumed) == sorted(original)
    for name, value in original.items():
        np.testing.assert_allclose(resumed[name], value, rtol=1e-5, atol=1e-6, err_msg=name)


def test_train_runs_several_steps_per_call_and_stops_at_the_total(
    points_run: Path, tmp_path: Path
) -> None:
    """No callback of `ganlib train` forces single steps; one steps-per-call value for the run
    divides the steps per epoch (4) and the total (10), so the calls end at every epoch end and
    at the total: 2 steps per call, calls ending at steps 2, 4, ..., 10."""
    import keras

    from ganlib import callbacks
    from ganlib._fast_defaults import hooks_every_batch
    from ganlib.cli._fitloop import fit_to_total
    from ganlib.cli._setup import load_data, make_trainer
    from ganlib.cli.config import RunConfig
    from ganlib.cli.train import _train_callbacks

    config = RunConfig.load(points_run)
    loaded = load_data(config)
    ema, guard = callbacks.GeneratorEMA(0.999), callbacks.DivergenceGuard(verbose=False)
    used = _train_callbacks(tmp_path, loaded, config, ema, guard, tensorboard=False)
    assert len(used) == 6 and not [c for c in used if hooks_every_batch(c)]

    ends: list[int] = []

    class CallEnds(keras.callbacks.Callback):
        batch_hooks_per_execution = True

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            ends.append(int(self.model.step_counter.numpy()))

    trainer = make_trainer(config)
    _, epochs = fit_to_total(trainer, loaded.x, loaded.y, config, [*used, CallEnds()], guard)
    assert (trainer.steps_per_execution, ends, epochs) == (2, [2, 4, 6, 8, 10], 3)
    assert trainer.auto_steps_per_execution  # automatic again after the run


def test_sample_writes_scatter_and_npz(
    points_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, npz = tmp_path / "s.png", tmp_path / "s.npz"
    assert main(["sample", str(points_run), "--n", "50", "--out", str(png), "--npz", str(npz)]) == 0
    assert _png(png).shape == (480, 480, 3)
    with np.load(npz, allow_pickle=False) as f:
        assert f.files == ["samples"] and f["samples"].shape == (50, 2)
        first = f["samples"]
    # Same seed, same samples; from the checkpoint when generator.keras is gone.
    assert main(["sample", str(points_run), "--n", "50", "--out", str(png), "--npz", str(npz)]) == 0
    with np.load(npz, allow_pickle=False) as f:
        np.testing.assert_array_equal(f["samples"], first)
    assert "generator.keras" in capsys.readouterr().out


def test_sample_from_checkpoint(points_run: Path, tmp_path: Path) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(points_run, run)
    (run / "generator.keras").unlink()
    npz = tmp_path / "a.npz"
    argv = ["--n", "8", "--out", str(tmp_path / "a.png"), "--npz", str(npz)]
    assert main(["sample", str(run), *argv]) == 0
    assert main(["sample", str(points_run), *argv[:-1], str(tmp_path / "b.npz")]) == 0
    with np.load(npz) as a, np.load(tmp_path / "b.npz") as b:
        np.testing.assert_allclose(a["samples"], b["samples"], rtol=1e-5, atol=1e-6)


def test_ring_train_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "ring"
    assert main(["train", "ring", "--steps", "5", "--out", str(run)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith("ganlib train: 5 steps") and "/8 modes" in summary
    assert main(["evaluate", str(run), "--n", "500"]) == 0
    assert "modes captured" in capsys.readouterr().out
    values = json.loads((run / "metrics.json").read_text())
    assert values["kind"] == "mixture" and values["metrics"]["n"] == 500
    assert 0 <= values["metrics"]["modes_captured"] <= 8
    assert main(["evaluate", str(run), "--metrics", "fid"]) == 2


def test_wgan_gp_dcgan_on_tiny_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.integers(0, 256, (24, 8, 8, 1), dtype=np.uint8))
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "x.npy"), "--arch", "dcgan", "--loss", "wgan-gp"]
    assert main([*argv, "--steps", "2", "--batch-size", "8", "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert (config["preset"], config["d_steps"], config["gp_weight"]) == ("wgan_gp", 5, 10.0)
    assert config["discriminator"]["config"]["batch_norm"] is False
    assert "gp" in _rows(run / "metrics.csv")[0]
    grid = _png(run / "samples" / "samples_epoch_0001.png")
    assert grid.shape == (8 * 8 + 7, 8 * 8 + 7, 1)  # 64 samples, 8x8 tiles of 8x8 px


@pytest.mark.slow
def test_mnist_train_sample_evaluate(
    mnist_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "mnist"
    argv = ["train", "mnist", "--data", str(mnist_dir), "--steps", "3", "--batch-size", "32"]
    # the MLP pair, mnist's default before its recipe (tests/test_cli_mnist_recipe.py has it)
    assert main([*argv, "--arch", "mlp", "--out", str(run)]) == 0
    assert (run / "generator.keras").is_file() and _checkpoint_steps(run) == [3]
    assert _png(run / "samples" / "samples_epoch_0001.png").shape == (8 * 29 - 1, 8 * 29 - 1, 1)
    grid = tmp_path / "grid.png"
    assert main(["sample", str(run), "--n", "16", "--out", str(grid)]) == 0
    assert _png(grid).shape == (4 * 29 - 1, 4 * 29 - 1, 1)
    assert main(["evaluate", str(run), "--n", "200", "--metrics", "fid,score"]) == 0
    report = json.loads((run / "metrics.json").read_text())
    shares = {"classes_covered", "smallest_class_share", "largest_class_share"}
    assert set(report["metrics"]) == {"fid", "classifier_score", *shares}
    assert report["metrics"]["classes_covered"]["floor"] == 10  # real digits: all 10 classes
    assert report["metrics"]["fid"]["n"] == 200 and report["metrics"]["fid"]["value"] > 0


def test_conditional_ema_run_and_labelled_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ganlib.data import ring_mixture

    x, y = ring_mixture(4).sample(40, seed=0, with_labels=True)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "d.npz"), "--conditional", "--ema", "--steps", "3"]
    assert main([*argv, "--batch-size", "20", "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["num_classes"] == 4 and config["ema"] is True
    assert config["generator"]["config"]["num_classes"] == 4
    npz = tmp_path / "s.npz"
    argv = ["sample", str(run), "--n", "6", "--labels", "3,1", "--out", str(tmp_path / "s.png")]
    assert main([*argv, "--npz", str(npz)]) == 0
    with np.load(npz, allow_pickle=False) as f:
        assert f["labels"].tolist() == [3, 1, 3, 1, 3, 1] and f["samples"].shape == (6, 2)
        from_file = f["samples"]
    # From the checkpoint (EMA weights restored and swapped in), the same samples.
    (run / "generator.keras").unlink()
    assert main([*argv, "--npz", str(npz)]) == 0
    with np.load(npz, allow_pickle=False) as f:
        np.testing.assert_allclose(f["samples"], from_file, rtol=1e-5, atol=1e-6)
    assert main([*argv[:-4], "--labels", "9", "--out", str(tmp_path / "s.png")]) == 2
    assert "--labels must lie in [0, 4)" in capsys.readouterr().err


def test_divergence_exits_3_and_keeps_no_bad_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ganlib.cli._setup as setup
    from ganlib import losses

    class NaNLoss(losses.NonSaturating):
        def generator(self, fake_logits: Any, real_logits: Any = None, **kwargs: Any) -> Any:
            return super().generator(fake_logits, **kwargs) * float("nan")

    real_make_trainer = setup.make_trainer

    def make_nan_trainer(config: object) -> object:
        trainer = real_make_trainer(config)  # type: ignore[arg-type]
        trainer.loss_fn = NaNLoss()
        return trainer

    monkeypatch.setattr(setup, "make_trainer", make_nan_trainer)
    run = tmp_path / "run"
    assert main(["train", "ring", "--steps", "3", "--out", str(run)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ganlib train: error: Training diverged")
    assert not (run / "generator.keras").exists()
    assert list((run / "checkpoints").glob("ckpt-*")) == []


def test_image_folder_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        pixels = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
        (folder / f"{i}.png").write_bytes(tf.io.encode_png(pixels).numpy())
    (folder / "notes.txt").write_text("not an image")
    run = tmp_path / "run"
    argv = ["train", str(folder), "--image-size", "8", "--steps", "2", "--batch-size", "4"]
    assert main([*argv, "--out", str(run)]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["kind"] == "folder" and config["num_examples"] == 6
    assert config["data_shape"] == [8, 8, 3] and config["steps_per_epoch"] == 2
    assert _png(run / "samples" / "samples_epoch_0001.png").shape == (71, 71, 3)


def test_xla_is_chosen_once_by_the_run_length_and_kept_on_resume(
    tiny_run: Path, tmp_path: Path
) -> None:
    """Vector data trains with XLA from `POINTS_XLA_MIN_STEPS` steps on (shorter runs would
    spend longer compiling than they save); config.json records the choice, `--resume` keeps
    it, and a folder of an earlier version without it means XLA for vector data."""
    import shutil

    from ganlib.cli._setup import POINTS_XLA_MIN_STEPS, make_trainer, xla_for_run
    from ganlib.cli.config import RunConfig
    from ganlib.cli.parser import build_parser
    from ganlib.cli.train import _resumed_config

    config = RunConfig.load(tiny_run)
    assert (config.total_steps, config.jit_compile) == (4, False)
    for steps, expected in ((POINTS_XLA_MIN_STEPS - 1, False), (POINTS_XLA_MIN_STEPS, True)):
        assert (
            xla_for_run(RunConfig.from_dict({**config.to_dict(), "total_steps": steps})) is expected
        )
    images = RunConfig(dataset="mnist", kind="mnist", data_shape=[28, 28, 1], total_steps=10**6)
    assert not xla_for_run(images)
    for recorded, expected in ((None, True), (False, False), (True, True)):
        config.jit_compile = recorded
        assert make_trainer(config).jit_compile is expected
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config.jit_compile = True  # the other choice than a 4-step run's: not re-resolved
    config.save(run)
    args = build_parser().parse_args(["train", "--resume", "--out", str(run), "--steps", "6"])
    resumed, _ = _resumed_config(args)
    assert (resumed.total_steps, resumed.jit_compile) == (6, True)
