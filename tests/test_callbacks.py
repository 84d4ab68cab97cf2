"""GAN callbacks: EMA maths and swapping, sample grids, divergence guard, metric monitor."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses
from ganlib.callbacks import (
    DivergenceGuard,
    GANCheckpoint,
    GeneratorEMA,
    MetricMonitor,
    SampleGrid,
    image_grid,
)
from ganlib.checkpoint import latest_checkpoint, list_checkpoints
from ganlib.trainer import GANTrainer


def point_trainer(g_lr: float = 1e-3, d_lr: float = 1e-3, **compile_kwargs: Any) -> GANTrainer:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile(keras.optimizers.Adam(g_lr), keras.optimizers.Adam(d_lr), **compile_kwargs)
    return trainer


def image_trainer(classes: int | None = None) -> GANTrainer:
    z = keras.Input((3,))
    h = z
    inputs: list[keras.KerasTensor] = [z]
    if classes:
        label = keras.Input((), dtype="int32")
        inputs.append(label)
        h = keras.layers.Concatenate()([z, keras.layers.Embedding(classes, 2)(label)])
    out = keras.layers.Reshape((6, 5, 1))(keras.layers.Dense(30, activation="tanh")(h))
    g = keras.Model(inputs if classes else z, out)
    x = keras.Input((6, 5, 1))
    d_in: list[keras.KerasTensor] = [x]
    feat = keras.layers.Flatten()(x)
    if classes:
        dl = keras.Input((), dtype="int32")
        d_in.append(dl)
        feat = keras.layers.Concatenate()([feat, keras.layers.Embedding(classes, 2)(dl)])
    d = keras.Model(d_in if classes else x, keras.layers.Dense(1)(feat))
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return trainer


def points(n: int = 64) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


# ------------------------------------------------------------------------- EMA
def test_ema_follows_the_exponential_moving_average_formula() -> None:
    trainer = point_trainer()
    ema = GeneratorEMA(decay=0.5)
    ema.set_model(trainer)
    kernel = trainer.generator.layers[0].kernel
    w0 = kernel.numpy().copy()
    ema.build()
    kernel.assign(w0 + 4.0)
    ema.update()  # 0.5 * w0 + 0.5 * (w0 + 4)
    np.testing.assert_allclose(ema.variables[0].numpy(), w0 + 2.0, rtol=1e-6)
    kernel.assign(w0 + 10.0)
    ema.update(steps=2)  # 0.25 * (w0 + 2) + 0.75 * (w0 + 10)
    np.testing.assert_allclose(ema.variables[0].numpy(), w0 + 8.0, rtol=1e-6)


def test_ema_start_step_copies_weights_until_then() -> None:
    trainer = point_trainer()
    ema = GeneratorEMA(decay=0.5, start_step=2)
    ema.set_model(trainer)
    kernel = trainer.generator.layers[0].kernel
    w0 = kernel.numpy().copy()
    ema.on_train_begin()
    for step, value in [(1, 2.0), (2, 4.0)]:
        kernel.assign(w0 + value)
        trainer.step_counter.assign(step)
        ema.on_train_batch_end(step - 1)
        np.testing.assert_allclose(ema.variables[0].numpy(), w0 + value, rtol=1e-6)
    kernel.assign(w0 + 8.0)
    trainer.step_counter.assign(3)
    ema.on_train_batch_end(2)
    np.testing.assert_allclose(ema.variables[0].numpy(), w0 + 6.0, rtol=1e-6)


def test_ema_swap_is_used_by_sample_and_restored_afterwards() -> None:
    trainer = point_trainer()
    ema = GeneratorEMA(decay=0.99)
    trainer.fit(points(), batch_size=8, epochs=2, callbacks=[ema], verbose=0)
    raw = trainer.generator.get_weights()
    averaged = [v.numpy() for v in ema.variables]
    with ema.swapped():
        np.testing.assert_array_equal(trainer.generator.get_weights()[0], averaged[0])
        inside = trainer.sample(5, seed=0, use_ema=False)
    for a, b in zip(raw, trainer.generator.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(trainer.sample(5, seed=0), inside)
    assert not np.allclose(trainer.sample(5, seed=0, use_ema=False), inside)


def test_ema_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match=r"decay=1\.5"):
        GeneratorEMA(decay=1.5)
    with pytest.raises(TypeError, match="GANTrainer"):
        GeneratorEMA().set_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))


# ------------------------------------------------------------------ SampleGrid
def test_sample_grid_writes_a_decodable_png_of_the_right_size(tmp_path: Path) -> None:
    trainer = image_trainer()
    grid = SampleGrid(tmp_path, n=6, rows=2, cols=3, tensorboard_dir=tmp_path / "tb")
    trainer.fit(
        np.zeros((16, 6, 5, 1), "float32"), batch_size=8, epochs=2, callbacks=[grid], verbose=0
    )
    files = sorted(p.name for p in tmp_path.glob("*.png"))
    assert files == ["samples_epoch_0001.png", "samples_epoch_0002.png"]
    image = tf.io.decode_png(tf.io.read_file(str(tmp_path / files[0]))).numpy()
    assert image.shape == (2 * 7 - 1, 3 * 6 - 1, 1) and image.dtype == np.uint8
    assert list((tmp_path / "tb").iterdir())  # TensorBoard event file


def test_sample_grid_conditional_has_one_row_per_class(tmp_path: Path) -> None:
    trainer = image_trainer(classes=3)
    grid = SampleGrid(tmp_path, n=12)
    path = None
    grid.set_model(trainer)
    path = grid.write("grid", 0)
    assert path is not None
    image = tf.io.decode_png(tf.io.read_file(str(path))).numpy()
    assert image.shape == (3 * 7 - 1, 4 * 6 - 1, 1)


def test_sample_grid_saves_points_as_npy_with_a_warning(tmp_path: Path) -> None:
    trainer = point_trainer()
    with pytest.warns(UserWarning, match="not an image"):
        trainer.fit(
            points(16), batch_size=8, epochs=1, callbacks=[SampleGrid(tmp_path, n=10)], verbose=0
        )
    saved = np.load(tmp_path / "samples_epoch_0001.npy", allow_pickle=False)
    assert saved.shape == (10, 2)


def test_image_grid_maps_minus_one_to_zero_and_one_to_255() -> None:
    images = np.stack([np.full((2, 2), -1.0), np.full((2, 2), 1.0)])
    grid = image_grid(images, rows=1, cols=2, padding=0)
    np.testing.assert_array_equal(grid[..., 0], [[0, 0, 255, 255], [0, 0, 255, 255]])
    with pytest.raises(ValueError, match="cannot hold"):
        image_grid(images, rows=1, cols=1)


def test_ema_with_several_steps_per_call_matches_single_steps_within_the_bound() -> None:
    """20 steps, EMA decay 0.9: one step per call against the automatic 10 (the EMA no longer
    forces single steps). Both EMAs follow their formula over the same weight trajectory, and
    differ by no more than the bound that follows from the two formulas."""
    decay, k = 0.9, 10

    class Trajectory(keras.callbacks.Callback):
        batch_hooks_per_execution = True

        def __init__(self) -> None:
            super().__init__()
            self.weights: list[list[np.ndarray]] = []

        def on_train_begin(self, logs: Any = None) -> None:
            self.weights.append(self.model.generator.get_weights())

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.weights.append(self.model.generator.get_weights())

    runs = {}
    for kwargs in ({"steps_per_execution": 1}, {}):
        keras.utils.set_random_seed(0)  # the same initial weights in both runs
        trainer = point_trainer(g_lr=0.05, d_lr=0.05, **kwargs)
        ema, trajectory = GeneratorEMA(decay=decay), Trajectory()
        trainer.fit(
            points(320), batch_size=16, shuffle=False, callbacks=[ema, trajectory], verbose=0
        )
        runs[trainer.steps_per_execution] = ([v.numpy() for v in ema.variables], trajectory.weights)
    (single, path), (several, calls) = runs[1], runs[k]
    assert len(path) == 21 and len(calls) == 3  # start, then after each call
    for i in range(len(single)):
        w = [step[i] for step in path]
        expected_single, expected_calls = w[0], w[0]
        for t in range(1, 21):
            expected_single = decay * expected_single + (1 - decay) * w[t]
        for t in (10, 20):
            expected_calls = decay**k * expected_calls + (1 - decay**k) * w[t]
        np.testing.assert_allclose(calls[2][i], w[20], rtol=1e-5, atol=1e-6)  # same training
        np.testing.assert_allclose(single[i], expected_single, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(several[i], expected_calls, rtol=1e-5, atol=1e-6)
        # k single updates minus one update of decay**k: at most (1 - decay**k) * M within a
        # call (M: the largest weight change inside it); the first call's gap decays by decay**k
        m1, m2 = (max(np.abs(w[c] - w[t]).max() for t in range(c - k, c)) for c in (10, 20))
        bound = (1 - decay**k) * (decay**k * m1 + m2)
        assert 0 < np.abs(several[i] - single[i]).max() <= bound + 1e-6


# ---------------------------------------------------------------- divergence
@pytest.mark.parametrize(
    ("kwargs", "batch", "step"), [({"steps_per_execution": 1}, 1, 6), ({}, 9, 8)]
)
def test_divergence_guard_stops_and_keeps_the_last_good_checkpoint(
    tmp_path: Path, kwargs: dict[str, Any], batch: int, step: int
) -> None:
    """A NaN in the second batch of an epoch: caught after that step with one step per call,
    at the end of the call (the 4-step epoch) with the automatic 10 steps per call (Keras
    passes the batch index the call would have ended at, 9; the step counter says 8)."""
    trainer = point_trainer(**kwargs)
    trainer.fit(points(), batch_size=16, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    good = latest_checkpoint(tmp_path)
    assert good is not None
    bad = points()
    bad[20] = np.nan
    guard, checkpoint = DivergenceGuard(), GANCheckpoint(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = trainer.fit(
            bad, batch_size=16, epochs=3, shuffle=False, callbacks=[guard, checkpoint], verbose=0
        )
    assert trainer.steps_per_execution == (1 if kwargs else 10)
    assert guard.diverged_at == {"epoch": 0, "batch": batch, "step": step}
    assert int(trainer.step_counter.numpy()) == step
    assert guard.message is not None and "diverged" in guard.message
    assert len(history.history["d_loss"]) == 1
    assert checkpoint.refused == 1 and any("not finite" in str(w.message) for w in caught)
    assert list_checkpoints(tmp_path) == [good] and latest_checkpoint(tmp_path) == good


def test_huge_learning_rate_diverges_and_is_caught() -> None:
    trainer = point_trainer(g_lr=1e12, d_lr=1e12)
    guard = DivergenceGuard(verbose=False)
    trainer.fit(points(256) * 1e15, batch_size=8, epochs=5, callbacks=[guard], verbose=0)
    assert guard.diverged_at is not None and trainer.stop_training


# ------------------------------------------------------------------- monitor
def test_metric_monitor_logs_to_history_and_csv_with_ema_weights(tmp_path: Path) -> None:
    trainer = point_trainer()
    ema = GeneratorEMA(decay=0.9)
    seen: list[bool] = []

    def metric(generator: keras.Model) -> dict[str, float]:
        # Inside the monitor the generator already holds the EMA weights, so sampling with or
        # without EMA gives the same result; outside a swap they would differ.
        with_ema, without = trainer.sample(4, seed=0), trainer.sample(4, seed=0, use_ema=False)
        seen.append(np.array_equal(with_ema, without))
        return {"spread": float(np.std(trainer.sample(32, seed=0, use_ema=False)))}

    monitor = MetricMonitor(metric, every_epochs=2, prefix="val_")
    best = GANCheckpoint(tmp_path / "b", monitor="val_spread", mode="max", keep=1)
    logger = keras.callbacks.CSVLogger(str(tmp_path / "log.csv"))
    history = trainer.fit(
        points(), batch_size=16, epochs=4, callbacks=[ema, monitor, best, logger], verbose=0
    )
    assert seen == [True, True, True]  # after epochs 1 (the first), 2 and 4
    assert [h["epoch"] for h in monitor.history] == [1.0, 2.0, 4.0]
    assert history.history["val_spread"] == [h["val_spread"] for h in monitor.history]
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["val_spread"] == "NA" for r in rows] == [False, False, True, False]
    assert len(list_checkpoints(tmp_path / "b")) == 1
    assert best.best == max(h["val_spread"] for h in monitor.history)


def test_metric_monitor_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="callable"):
        MetricMonitor("fid")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="monitor"):
        MetricMonitor(lambda g: {}, best_directory="x")
    with pytest.raises(ValueError, match="mode"):
        MetricMonitor(lambda g: {}, mode="best")


def scripted(values: list[float]):  # type: ignore[no-untyped-def]
    """A metric_fn returning the next of `values` at each call."""
    queue = list(values)
    return lambda generator: {"fid": queue.pop(0)}


def saved_best(directory: Path) -> list[tuple[int, float]]:
    """(epoch, recorded value) of each checkpoint in `directory`, oldest first."""
    out = []
    for folder in list_checkpoints(directory):
        manifest = json.loads((folder / "manifest.json").read_text())
        out.append((manifest["epoch"], manifest["best"]["value"]))
    return out


def test_checkpoint_with_monitor_saves_only_improvements_and_resumes_the_best(
    tmp_path: Path,
) -> None:
    trainer = point_trainer()
    run = tmp_path / "best"
    values = [3.0, 1.0, 2.0, 0.5, float("nan"), 0.75]
    best = GANCheckpoint(run, monitor="fid", mode="min", keep=None)
    callbacks = [MetricMonitor(scripted(values)), best]
    trainer.fit(points(), batch_size=16, epochs=6, callbacks=callbacks, verbose=0)
    # improvements only (a NaN never counts); the newest checkpoint is the best
    assert saved_best(run) == [(1, 3.0), (2, 1.0), (4, 0.5)]
    assert best.best == 0.5
    # a fresh callback on the same folder (a resumed run) compares with the recorded best
    again = GANCheckpoint(run, monitor="fid", mode="min", keep=None)
    callbacks = [MetricMonitor(scripted([0.6, 0.4])), again]
    trainer.fit(points(), batch_size=16, epochs=2, callbacks=callbacks, verbose=0)
    assert saved_best(run)[-1] == (2, 0.4) and len(saved_best(run)) == 4
    # mode="max" keeps the largest; keep=1 keeps only the best
    top = GANCheckpoint(tmp_path / "top", monitor="fid", mode="max", keep=1)
    callbacks = [MetricMonitor(scripted([1.0, 3.0, 2.0])), top]
    trainer.fit(points(), batch_size=16, epochs=3, callbacks=callbacks, verbose=0)
    assert saved_best(tmp_path / "top") == [(2, 3.0)]


def test_checkpoint_monitor_missing_from_the_logs_warns_once_and_saves_nothing(
    tmp_path: Path,
) -> None:
    trainer = point_trainer()
    best = GANCheckpoint(tmp_path / "b", monitor="fid")
    with pytest.warns(UserWarning, match="'fid' is not in the epoch logs") as caught:
        trainer.fit(points(), batch_size=16, epochs=3, callbacks=[best], verbose=0)
    assert len([w for w in caught if "not in the epoch logs" in str(w.message)]) == 1
    assert list_checkpoints(tmp_path / "b") == []


def test_checkpoint_monitor_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="mode"):
        GANCheckpoint("x", monitor="fid", mode="lowest")
    with pytest.raises(ValueError, match="every_steps"):
        GANCheckpoint("x", monitor="fid", every_steps=10)
    with pytest.raises(ValueError, match="every_epochs"):
        GANCheckpoint("x", monitor="fid", every_epochs=None)
    with pytest.raises(TypeError, match="monitor"):
        GANCheckpoint("x", monitor=3)  # type: ignore[arg-type]


def test_metric_monitor_best_directory_is_deprecated_and_delegates_to_the_checkpoint(
    tmp_path: Path,
) -> None:
    values = [3.0, 1.0, 2.0, 0.5]
    with pytest.warns(DeprecationWarning, match=r"GANCheckpoint\(.*monitor='val_fid'"):
        old = MetricMonitor(
            scripted(values), prefix="val_", best_directory=tmp_path / "old", monitor="fid"
        )
    assert isinstance(old.best_checkpoint, GANCheckpoint) and old.best_checkpoint.keep == 1
    point_trainer().fit(points(), batch_size=16, epochs=4, callbacks=[old], verbose=0)
    new = [
        MetricMonitor(scripted(values), prefix="val_"),
        GANCheckpoint(tmp_path / "new", monitor="val_fid", keep=1),
    ]
    point_trainer().fit(points(), batch_size=16, epochs=4, callbacks=new, verbose=0)
    assert saved_best(tmp_path / "old") == saved_best(tmp_path / "new") == [(4, 0.5)]
    assert old.best == 0.5
    with pytest.warns(DeprecationWarning), pytest.raises(KeyError, match="not among"):
        wrong = MetricMonitor(scripted([1.0]), best_directory=tmp_path / "w", monitor="is")
        point_trainer().fit(points(), batch_size=16, epochs=1, callbacks=[wrong], verbose=0)


def test_divergence_guard_catches_non_finite_weights_while_losses_are_finite() -> None:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu")])
    g = keras.Sequential([g, keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu")])
    d = keras.Sequential([d, keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    # one step per call: after the first step only the weights are NaN (later the losses too)
    optimizers = (keras.optimizers.Adam(float("nan")), keras.optimizers.Adam(1e-3))
    trainer.compile(*optimizers, steps_per_execution=1)
    guard = DivergenceGuard(verbose=False)
    trainer.fit(points(), batch_size=16, epochs=2, callbacks=[guard], verbose=0)
    assert guard.diverged_at == {"epoch": 0, "batch": 0, "step": 1}
    assert guard.message is not None and "holds NaN/Inf" in guard.message


def test_checkpoint_refuses_a_non_finite_state_and_the_guard_stops_the_run(
    tmp_path: Path,
) -> None:
    """One job each: GANCheckpoint never saves NaN/Inf state; DivergenceGuard stops the run."""
    trainer = point_trainer()
    trainer.fit(points(), batch_size=16, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    trainer.generator.layers[0].kernel.assign(np.full((3, 2), np.inf, "float32"))
    checkpoint = GANCheckpoint(tmp_path)
    with pytest.warns(UserWarning, match="not finite"):
        history = trainer.fit(
            points(), batch_size=16, epochs=3, initial_epoch=1, callbacks=[checkpoint], verbose=0
        )
    assert checkpoint.refused == 2 and len(history.history["d_loss"]) == 2  # not stopped
    guard, checkpoint = DivergenceGuard(verbose=False), GANCheckpoint(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = trainer.fit(
            points(),
            batch_size=16,
            epochs=6,
            initial_epoch=3,
            callbacks=[guard, checkpoint],
            verbose=0,
        )
    assert guard.diverged_at is not None and len(history.history["d_loss"]) == 1
    assert checkpoint.refused == 1
    assert [p.name for p in list_checkpoints(tmp_path)] == ["ckpt-000000004"]
