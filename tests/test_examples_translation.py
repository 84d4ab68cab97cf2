"""Smoke runs of the translation, AC-GAN and InfoGAN examples: two training steps each on real
MNIST."""

from __future__ import annotations

from pathlib import Path

import pytest
import tensorflow as tf

from _helpers import load_example

pytestmark = pytest.mark.slow


@pytest.mark.filterwarnings("ignore:only the MNIST test split")
@pytest.mark.parametrize(
    "name", ["pix2pix_edges", "cyclegan_strokes", "acgan_mnist", "infogan_mnist"]
)
def test_example_runs_two_steps(name: str, mnist_dir: Path, tmp_path: Path) -> None:
    argv = ["--steps", "2", "--epochs", "1", "--batch-size", "8", "--base-filters", "4"]
    if name == "cyclegan_strokes":
        argv += ["--blocks", "1"]  # four networks to trace: the smallest generator
    if name == "infogan_mnist":
        argv += ["--hidden", "16"]
    trainer = load_example(name).main([*argv, "--data", str(mnist_dir), "--out", str(tmp_path)])
    assert int(trainer.step_counter.numpy()) == 2
    pngs = list((tmp_path / "samples").glob("*.png"))
    assert pngs
    png = tf.io.decode_png(tf.io.read_file(str(pngs[0]))).numpy()
    assert png.std() > 0
    assert (tmp_path / "checkpoints").is_dir()
