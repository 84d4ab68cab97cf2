"""Damaged checkpoints, incompatible configurations and divergence, from the user's side.

Every refused load is checked to leave the trainer exactly as it was (no half-loaded state).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

import ganlib.checkpoint.format as ckpt
from ganlib import GANTrainer, losses
from ganlib.callbacks import DivergenceGuard, GANCheckpoint
from ganlib.checkpoint import (
    CheckpointError,
    latest_checkpoint,
    list_checkpoints,
    read_checkpoint,
    trainer_arrays,
)


def make_trainer(
    latent: int = 4,
    g_hidden: int = 8,
    d_hidden: int = 8,
    classes: int | None = None,
    g_opt: type = keras.optimizers.Adam,
    seed: int = 3,
    fused_relu: bool = False,
) -> GANTrainer:
    """A tiny 2-D GAN; weights drawn from numpy so two calls with one seed are identical.

    Hidden layers are `Dense -> LeakyReLU(0.2)` as in ganlib's builders, or with
    `fused_relu=True` `Dense(activation="relu")`, which TensorFlow fuses in graph mode into
    one oneDNN kernel that maps NaN to 0.
    """

    def hidden(units: int, x: Any) -> Any:
        if fused_relu:
            return keras.layers.Dense(units, activation="relu")(x)
        return keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(units)(x))

    z = keras.Input((latent,))
    g_in: Any = z
    h = z
    if classes:
        label = keras.Input((), dtype="int32")
        g_in = [z, label]
        h = keras.layers.Concatenate()([z, keras.layers.Embedding(classes, 2)(label)])
    g = keras.Model(g_in, keras.layers.Dense(2)(hidden(g_hidden, h)))
    x = keras.Input((2,))
    d_in: Any = x
    f = x
    if classes:
        d_label = keras.Input((), dtype="int32")
        d_in = [x, d_label]
        f = keras.layers.Concatenate()([x, keras.layers.Embedding(classes, 2)(d_label)])
    d = keras.Model(d_in, keras.layers.Dense(1)(hidden(d_hidden, f)))
    rng = np.random.default_rng(seed)
    for model in (g, d):
        model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in model.weights])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=seed)
    trainer.compile(g_opt(1e-3), keras.optimizers.Adam(1e-3))
    return trainer


def points(n: int = 64) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two epoch checkpoints of the default tiny trainer (read-only for the tests)."""
    directory = tmp_path_factory.mktemp("run")
    make_trainer().fit(
        points(), batch_size=32, epochs=2, callbacks=[GANCheckpoint(directory)], verbose=0
    )
    return directory


@pytest.fixture
def copy_of_run(run_dir: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "run"
    shutil.copytree(run_dir, target)
    return target


def assert_refused_and_untouched(
    trainer: GANTrainer, path: Path, match: str, error: type[Exception] = CheckpointError
) -> str:
    before = trainer_arrays(trainer)
    with pytest.raises(error, match=match) as info:
        trainer.restore(path)
    after = trainer_arrays(trainer)
    for name, value in before.items():
        np.testing.assert_array_equal(after[name], value, err_msg=f"{name} changed")
    return str(info.value)


def rewrite_manifest(folder: Path, change: Any) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def newest(directory: Path) -> Path:
    return list_checkpoints(directory)[-1]


# --------------------------------------------------------- truncated / tampered state
@pytest.mark.parametrize("keep_bytes", [0, "half", "all_but_one"])
def test_truncated_state_is_refused_and_nothing_is_loaded(
    copy_of_run: Path, keep_bytes: object
) -> None:
    state = newest(copy_of_run) / "state.npz"
    raw = state.read_bytes()
    size = {"half": len(raw) // 2, "all_but_one": len(raw) - 1}.get(keep_bytes, keep_bytes)  # type: ignore[arg-type]
    state.write_bytes(raw[: int(size)])  # type: ignore[call-overload]
    message = assert_refused_and_untouched(make_trainer(seed=9), state.parent, "checksum")
    assert "truncated or modified" in message


@pytest.mark.parametrize("where", [0.1, 0.9])
def test_flipped_byte_is_refused(copy_of_run: Path, where: float) -> None:
    state = newest(copy_of_run) / "state.npz"
    raw = bytearray(state.read_bytes())
    raw[int(len(raw) * where)] ^= 0x01
    state.write_bytes(bytes(raw))
    assert_refused_and_untouched(make_trainer(seed=9), state.parent, "checksum")


def reseal(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """Rewrites state.npz and its checksum: a consistent but wrong checkpoint."""
    with open(folder / "state.npz", "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    digest = hashlib.sha256((folder / "state.npz").read_bytes()).hexdigest()
    rewrite_manifest(folder, lambda m: m.__setitem__("state_sha256", digest))


def test_resealed_state_with_a_missing_array_is_refused(copy_of_run: Path) -> None:
    folder = newest(copy_of_run)
    _, arrays = read_checkpoint(folder)
    del arrays["d_optimizer/0003"]
    reseal(folder, arrays)
    assert_refused_and_untouched(make_trainer(seed=9), folder, "'d_optimizer/0003'")


def test_resealed_state_with_a_reshaped_array_is_refused(copy_of_run: Path) -> None:
    folder = newest(copy_of_run)
    _, arrays = read_checkpoint(folder)
    arrays["generator/0000"] = arrays["generator/0000"].T.copy()
    reseal(folder, arrays)
    assert_refused_and_untouched(make_trainer(seed=9), folder, "'generator/0000'")


def test_missing_state_file_is_refused(copy_of_run: Path) -> None:
    folder = newest(copy_of_run)
    (folder / "state.npz").unlink()
    assert_refused_and_untouched(make_trainer(seed=9), folder, "no state.npz")


# ------------------------------------------------------------------ tampered manifest
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated", lambda text: text[: len(text) // 2]),
        ("empty", lambda text: ""),
        ("binary", lambda text: "\udcff\x00garbage"),
        ("a list", lambda text: "[1, 2]"),
        ("another format", lambda text: text.replace("ganlib-checkpoint", "other")),
        ("future version", lambda text: text.replace('"format_version": 1', '"format_version": 9')),
    ],
)
def test_damaged_manifest_is_refused(copy_of_run: Path, name: str, content: Any) -> None:
    path = newest(copy_of_run) / "manifest.json"
    path.write_bytes(content(path.read_text()).encode("utf-8", "surrogateescape"))
    assert_refused_and_untouched(make_trainer(seed=9), path.parent, "manifest|format_version")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("epoch", "abc"),
        ("epoch", None),
        ("epoch", -5),
        ("arrays", [1]),
        ("format_version", "1"),
        ("config", "x"),
        ("state_sha256", None),
    ],
)
def test_manifest_field_of_the_wrong_type_is_refused(
    copy_of_run: Path, field: str, value: object
) -> None:
    folder = newest(copy_of_run)
    rewrite_manifest(folder, lambda m: m.__setitem__(field, value))
    assert_refused_and_untouched(make_trainer(seed=9), folder, ".")


def test_manifest_array_entry_without_shape_is_refused(copy_of_run: Path) -> None:
    folder = newest(copy_of_run)
    rewrite_manifest(folder, lambda m: m["arrays"].__setitem__("generator/0000", {}))
    assert_refused_and_untouched(make_trainer(seed=9), folder, "generator/0000")


def test_resume_skips_a_newest_checkpoint_with_a_malformed_manifest(copy_of_run: Path) -> None:
    rewrite_manifest(newest(copy_of_run), lambda m: m["arrays"].__setitem__("generator/0000", {}))
    with pytest.warns(UserWarning, match="Skipping broken checkpoint"):
        assert make_trainer(seed=9).restore(copy_of_run) == 1


# ------------------------------------------------- a torn newest one: fall back, resume
class Killed(BaseException):
    """Stands in for SIGKILL inside this process (the subprocess tests use real kills)."""


def test_killed_save_falls_back_to_the_previous_checkpoint_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer = make_trainer()
    trainer.fit(points(), batch_size=32, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    good = trainer_arrays(trainer)

    def die(*_: object) -> str:
        raise Killed

    monkeypatch.setattr(ckpt, "_sha256", die)  # after state.npz, before the manifest
    monkeypatch.setattr(ckpt.shutil, "rmtree", lambda *a, **k: None)  # a kill cleans nothing
    with pytest.raises(Killed):
        trainer.fit(
            points(), batch_size=32, epochs=2, initial_epoch=1,
            callbacks=[GANCheckpoint(tmp_path)], verbose=0,
        )  # fmt: skip
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-ckpt-000000004")]
    resumed = make_trainer(seed=11)
    assert resumed.restore(tmp_path) == 1
    for name, value in trainer_arrays(resumed).items():
        np.testing.assert_array_equal(value, good[name], err_msg=name)


def test_disk_full_during_a_save_stops_clearly_and_keeps_the_previous_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    trainer = make_trainer()
    trainer.fit(points(), batch_size=32, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    good = trainer_arrays(trainer)

    def full(file: Any, **arrays: Any) -> None:
        file.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ckpt.np, "savez", full)
    with pytest.raises(OSError, match="No space left on device"):
        trainer.fit(
            points(), batch_size=32, epochs=2, initial_epoch=1,
            callbacks=[GANCheckpoint(tmp_path)], verbose=0,
        )  # fmt: skip
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-000000002"]  # temp removed
    resumed = make_trainer(seed=11)
    assert resumed.restore(tmp_path) == 1
    for name, value in trainer_arrays(resumed).items():
        np.testing.assert_array_equal(value, good[name], err_msg=name)


# ----------------------------------------------------------- incompatible configuration
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"latent": 6}, r"latent_dim: checkpoint 4, trainer 6"),
        ({"g_hidden": 16}, r"generator\.params: checkpoint 58, trainer 114"),
        ({"d_hidden": 4}, r"discriminator\.params: checkpoint 33, trainer 17"),
        ({"classes": 3}, r"num_classes: checkpoint None, trainer 3"),
        ({"g_opt": keras.optimizers.SGD}, r"g_optimizer: checkpoint 'Adam', trainer 'SGD'"),
    ],
)
def test_incompatible_configuration_is_refused_saying_what_differs(
    run_dir: Path, kwargs: dict[str, Any], expected: str
) -> None:
    message = assert_refused_and_untouched(make_trainer(**kwargs), run_dir, expected)
    assert "incompatible" in message


def test_same_parameter_count_other_layers_is_refused(run_dir: Path) -> None:
    g = keras.Sequential(  # 58 parameters too, but Dense-ReLU-Dense in three layers
        [keras.Input((4,)), keras.layers.Dense(8), keras.layers.ReLU(), keras.layers.Dense(2)]
    )
    other = make_trainer()
    trainer = GANTrainer(g, other.discriminator, seed=3)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    assert_refused_and_untouched(trainer, run_dir, r"generator\.layers_sha256")


# ---------------------------------------------------------------------------- divergence
class FirstNonFinite(keras.callbacks.Callback):
    """Records the first step after which the trainer state holds NaN/Inf (runs first)."""

    def __init__(self) -> None:
        super().__init__()
        self.step: int | None = None
        self.epoch: int | None = None
        self._epoch = 0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        if self.step is None and not all(
            np.isfinite(a).all() for a in trainer_arrays(self.model).values()
        ):
            self.step, self.epoch = int(self.model.step_counter.numpy()), self._epoch


@pytest.fixture
def deterministic() -> Any:
    """Op determinism: where a learning rate of 1e6 first overflows depends on summation order."""
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(0)  # initializers draw random numbers: they need a seed now
    yield
    if not was_on:
        tf_config.disable_op_determinism()


def diverge(
    trainer: GANTrainer, tmp_path: Path, x: np.ndarray, epochs: int = 4
) -> tuple[Any, DivergenceGuard, list[Any], FirstNonFinite]:
    first = FirstNonFinite()
    guard, checkpoint = DivergenceGuard(verbose=False), GANCheckpoint(tmp_path, keep=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = trainer.fit(
            x, batch_size=16, epochs=epochs, initial_epoch=1, shuffle=False,
            callbacks=[first, guard, checkpoint], verbose=0,
        )  # fmt: skip
    return history, guard, caught, first


def good_run(tmp_path: Path, **kwargs: Any) -> tuple[GANTrainer, Path]:
    trainer = make_trainer(**kwargs)
    trainer.fit(points(), batch_size=16, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    found = latest_checkpoint(tmp_path)
    assert found is not None
    return trainer, found


def set_lr(trainer: GANTrainer, lr: float) -> None:
    for opt in (trainer.g_optimizer, trainer.d_optimizer):
        opt.learning_rate.assign(lr)  # type: ignore[union-attr]


def nan_batch() -> np.ndarray:
    x = points()
    x[20] = np.nan  # in the 2nd batch of 16
    return x


def test_nan_in_a_batch_stops_at_once_with_a_clear_message(tmp_path: Path) -> None:
    trainer, good = good_run(tmp_path)
    history, guard, _, _ = diverge(trainer, tmp_path, nan_batch())
    assert guard.diverged_at == {"epoch": 1, "batch": 1, "step": 6}
    assert guard.message is not None
    assert guard.message.startswith("Training diverged at epoch 2, step 6: d_loss=nan")
    assert (
        "the last checkpoint written before this point is the one to resume from" in guard.message
    )
    assert len(history.history["d_loss"]) == 1
    assert list_checkpoints(tmp_path) == [good] and latest_checkpoint(tmp_path) == good


def test_nan_learning_rate_stops_in_the_next_step(tmp_path: Path) -> None:
    trainer, good = good_run(tmp_path)
    trainer.g_optimizer.learning_rate.assign(float("nan"))  # type: ignore[union-attr]
    history, guard, _, _ = diverge(trainer, tmp_path, points())
    assert guard.diverged_at is not None  # at the latest one step after the NaN update (5)
    assert guard.diverged_at["epoch"] == 1 and guard.diverged_at["step"] <= 6
    assert len(history.history["d_loss"]) == 1
    assert list_checkpoints(tmp_path) == [good]


CASES = {  # name: (learning rate of both optimizers or of G only, fused ReLU, NaN in the data)
    "lr_1e6": ((1e6, 1e6), False, False),
    "nan_g_lr_fused_relu": ((float("nan"), 1e-3), True, False),
    "nan_data_fused_relu": ((1e-3, 1e-3), True, True),
}


def blow_up(
    tmp_path: Path, case: str
) -> tuple[Any, DivergenceGuard, list[Any], FirstNonFinite, GANTrainer]:
    (g_lr, d_lr), fused_relu, nan_data = CASES[case]
    trainer, _ = good_run(tmp_path, fused_relu=fused_relu)
    trainer.g_optimizer.learning_rate.assign(g_lr)  # type: ignore[union-attr]
    trainer.d_optimizer.learning_rate.assign(d_lr)  # type: ignore[union-attr]
    x = nan_batch() if nan_data else points()
    history, guard, caught, first = diverge(trainer, tmp_path, x, epochs=6)
    assert first.step is not None, "the state never became non-finite: the case tests nothing"
    return history, guard, caught, first, trainer


@pytest.mark.parametrize("case", ["lr_1e6", "nan_g_lr_fused_relu"])
def test_a_non_finite_state_is_never_saved_and_resume_uses_the_last_finite_one(
    tmp_path: Path, case: str, deterministic: None
) -> None:
    _, _, caught, first, _ = blow_up(tmp_path, case)
    saved = [read_checkpoint(p) for p in list_checkpoints(tmp_path)]
    assert all(np.isfinite(a).all() for _, arrays in saved for a in arrays.values())
    assert all(manifest["step"] < first.step for manifest, _ in saved)  # type: ignore[operator]
    if first.epoch is not None and first.epoch < 5:  # blew up before the last epoch's save
        assert any("not finite" in str(w.message) for w in caught)
    resumed = make_trainer(seed=5, fused_relu=CASES[case][1])
    resumed.restore(tmp_path)
    for name, value in trainer_arrays(resumed).items():
        np.testing.assert_array_equal(value, saved[-1][1][name], err_msg=name)


@pytest.mark.parametrize("case", list(CASES))
def test_a_non_finite_state_stops_the_run_in_that_step_with_a_clear_message(
    tmp_path: Path, case: str, deterministic: None
) -> None:
    history, guard, _, first, _ = blow_up(tmp_path, case)
    assert guard.diverged_at is not None and guard.diverged_at["step"] == first.step
    assert guard.message is not None and "diverged" in guard.message
    assert len(history.history["g_loss"]) == first.epoch  # epochs 1..first.epoch ran; stopped
