"""`ganlib.latent` (interpolations, class x noise grids) and the `ganlib sample` options."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from _helpers import conditional_trainer
from ganlib import latent
from ganlib.cli import main


def test_interpolation_ends_at_the_seeds_latents_and_slerp_keeps_the_norm() -> None:
    z = latent.interpolation_latents((64,), [3, 4], steps=9, method="spherical")
    a, b = latent.seed_latent(3, (64,)), latent.seed_latent(4, (64,))
    np.testing.assert_allclose(z[0, 0], a, rtol=1e-6)
    np.testing.assert_allclose(z[0, -1], b, rtol=1e-6, atol=1e-6)
    # Along the great circle the norm moves monotonically between |a| and |b|; the straight
    # line sags towards the origin in the middle (|a + b| / 2 < |a|, |b| for near-orthogonal z).
    norms = np.linalg.norm(z[0], axis=1)
    low, high = sorted([np.linalg.norm(a), np.linalg.norm(b)])
    assert low - 1e-4 <= norms.min() and norms.max() <= high + 1e-4
    middle = latent.interpolation_latents((64,), [3, 4], steps=9)[0, 4]
    assert np.linalg.norm(middle) < 0.8 * low
    np.testing.assert_allclose(middle, (a + b) / 2, rtol=1e-5, atol=1e-6)


def test_slerp_of_parallel_vectors_is_linear_and_angles_are_even() -> None:
    a = np.array([1.0, 0.0])
    np.testing.assert_allclose(latent.slerp(a, 2 * a, [0.5]), [[1.5, 0.0]])
    path = latent.slerp(a, np.array([0.0, 1.0]), np.linspace(0, 1, 5))
    angles = np.degrees(np.arctan2(path[:, 1], path[:, 0]))
    np.testing.assert_allclose(angles, [0, 22.5, 45, 67.5, 90], atol=1e-9)


def test_checks() -> None:
    with pytest.raises(ValueError, match="method"):
        latent.interpolation_latents((2,), [0, 1], method="cubic")
    with pytest.raises(ValueError, match="at least 2 seeds"):
        latent.interpolation_latents((2,), [0])
    with pytest.raises(ValueError, match="steps"):
        latent.interpolation_latents((2,), [0, 1], steps=1)
    with pytest.raises(ValueError, match="too large"):
        latent.class_noise_latents((2,), 10_000, list(range(10)))
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="conditional"):
        latent.class_noise_grid(g, [0, 1])


def test_class_noise_grid_rows_are_classes_columns_are_seeds() -> None:
    trainer = conditional_trainer(label_width=3)
    grid = latent.class_noise_grid(trainer, [7, 8])
    assert grid.shape == (3, 2, 3, 2, 1)
    # Column j is trainer.sample's output for seed 7 + j with the row's class.
    for row in range(3):
        for col, seed in enumerate([7, 8]):
            expected = trainer.sample(1, labels=[row], seed=seed)[0]
            np.testing.assert_allclose(grid[row, col], expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(grid[0, 0], grid[1, 0])  # the class changes the image


def test_grids_use_the_trainer_ema_weights() -> None:
    trainer = conditional_trainer(label_width=3)
    for ema in trainer.create_ema_weights():
        ema.assign(ema.numpy() + 0.5)
    ema_grid = latent.interpolation_grid(trainer, [0, 1], steps=3, label=2)
    raw_grid = latent.interpolation_grid(trainer.generator, [0, 1], steps=3, label=2)
    with trainer.ema_swapped():
        swapped = latent.interpolation_grid(trainer.generator, [0, 1], steps=3, label=2)
    np.testing.assert_allclose(ema_grid, swapped, rtol=1e-6)
    assert not np.allclose(ema_grid, raw_grid)


@pytest.mark.slow
def test_ganlib_sample_latent_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    images = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    np.savez(tmp_path / "d.npz", x=images, y=np.arange(40) % 4)
    run = tmp_path / "run"
    argv = ["train", str(tmp_path / "d.npz"), "--steps", "2", "--batch-size", "8"]
    assert main([*argv, "--conditional", "--out", str(run)]) == 0
    out = tmp_path / "i.png"
    sample = ["sample", str(run), "--out", str(out)]
    assert main([*sample, "--interpolate", "0,1,2", "--per-row", "5", "--spherical"]) == 0
    assert tf.io.decode_png(out.read_bytes()).shape == (2 * 9 - 1, 5 * 9 - 1, 1)
    assert main([*sample, "--class-grid", "--per-row", "3", "--npz", str(tmp_path / "c.npz")]) == 0
    assert tf.io.decode_png(out.read_bytes()).shape == (4 * 9 - 1, 3 * 9 - 1, 1)
    saved = np.load(tmp_path / "c.npz")
    assert saved["samples"].shape == (4, 3, 8, 8, 1) and saved["labels"][:, 0].tolist() == [
        0, 1, 2, 3
    ]  # fmt: skip
    capsys.readouterr()
    assert main([*sample, "--interpolate", "4"]) == 2
    assert "at least 2 seeds" in capsys.readouterr().err
    assert main([*sample, "--class-grid", "--interpolate", "0,1"]) == 2
