"""Smoke runs of the example scripts: two training steps each on real MNIST."""

from __future__ import annotations

from pathlib import Path

import pytest
import tensorflow as tf

from _helpers import load_example

pytestmark = pytest.mark.slow  # each builds models and traces a training step: 5-12 s


@pytest.mark.filterwarnings("ignore:only the MNIST test split")
@pytest.mark.parametrize(
    ("name", "extra", "image"),
    [
        ("mnist_dcgan", ["--base-filters", "8"], "final.png"),
        ("wgan_gp_mnist", ["--base-filters", "8"], "final.png"),
        ("conditional_mnist", [], "sevens.png"),
        ("tfgan_migration_mnist", ["--base-filters", "8"], "final.png"),
    ],
)
def test_example_runs_two_steps(
    name: str, extra: list[str], image: str, mnist_dir: Path, tmp_path: Path
) -> None:
    argv = ["--steps", "2", "--epochs", "1", "--batch-size", "16", "--data", str(mnist_dir)]
    argv += ["--out", str(tmp_path)]
    trainer = load_example(name).main([*argv, *extra])
    assert int(trainer.step_counter.numpy()) == 2
    assert (tmp_path / "samples" / "samples_epoch_0001.png").is_file()
    png = tf.io.decode_png(tf.io.read_file(str(tmp_path / image))).numpy()
    assert png.shape[-1] == 1 and png.std() > 0
    assert (tmp_path / "checkpoints").is_dir()


@pytest.mark.filterwarnings("ignore:only the MNIST test split")
def test_mlp_example_resumes_from_its_checkpoint(mnist_dir: Path, tmp_path: Path) -> None:
    argv = ["--steps", "2", "--epochs", "1", "--batch-size", "16", "--data", str(mnist_dir)]
    argv += ["--out", str(tmp_path)]
    example = load_example("mnist_mlp_gan")
    first = example.main(argv)  # also its two-step smoke run (the others: above)
    assert int(first.step_counter.numpy()) == 2
    png = tf.io.decode_png(tf.io.read_file(str(tmp_path / "final.png"))).numpy()
    assert png.shape[-1] == 1 and png.std() > 0
    assert (tmp_path / "samples" / "samples_epoch_0001.png").is_file()
    resumed = example.main([*argv, "--resume", "--epochs", "2"])  # the last --epochs wins
    assert resumed.restored_epoch == 1
    assert int(resumed.step_counter.numpy()) == 4  # 2 restored + 2 new
    assert int(first.rng_state.numpy()[1]) < int(resumed.rng_state.numpy()[1])
