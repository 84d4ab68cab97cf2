"""Checkpoints: exact resume, atomic layout, torn/tampered files, incompatible configs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses
from ganlib.callbacks import GANCheckpoint, GeneratorEMA
from ganlib.checkpoint import (
    CheckpointError,
    latest_checkpoint,
    list_checkpoints,
    read_checkpoint,
    trainer_arrays,
    write_checkpoint,
)
from ganlib.trainer import GANTrainer


def tiny_trainer(latent: int = 4, seed: int = 3, loss: object = None) -> GANTrainer:
    g = keras.Sequential(
        [keras.Input((latent,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )
    d = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    trainer = GANTrainer(g, d, loss=loss or losses.NonSaturating(), seed=seed)
    trainer.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(2e-3))
    return trainer


def data(n: int = 64) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype("float32")


@pytest.fixture
def deterministic() -> Iterator[None]:
    from tensorflow.python.framework import config as tf_config

    was_on = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    yield
    if not was_on:
        tf_config.disable_op_determinism()


def all_state(trainer: GANTrainer, ema: GeneratorEMA) -> dict[str, np.ndarray]:
    arrays = trainer_arrays(trainer)
    assert any(k.startswith("ema/") for k in arrays)
    return arrays


def test_resume_is_exact(tmp_path: Path, deterministic: None) -> None:
    kwargs = {"batch_size": 16, "shuffle": False, "verbose": 0}
    keras.utils.set_random_seed(0)
    straight, ema = tiny_trainer(), GeneratorEMA(decay=0.9)
    straight.fit(data(), epochs=4, callbacks=[ema], **kwargs)
    expected = all_state(straight, ema)

    keras.utils.set_random_seed(0)
    first, ema1 = tiny_trainer(), GeneratorEMA(decay=0.9)
    first.fit(data(), epochs=2, callbacks=[ema1, GANCheckpoint(tmp_path, keep=2)], **kwargs)

    keras.utils.set_random_seed(123)  # the restored state, not the global seed, must decide
    resumed, ema2 = tiny_trainer(seed=99), GeneratorEMA(decay=0.9)
    epoch = resumed.restore(tmp_path)
    assert epoch == 2 and resumed.restored_epoch == 2
    resumed.fit(data(), epochs=4, initial_epoch=epoch, callbacks=[ema2], **kwargs)
    got = all_state(resumed, ema2)
    assert sorted(got) == sorted(expected)
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-6, atol=1e-7, err_msg=name)


def test_layout_manifest_and_keep(tmp_path: Path) -> None:
    trainer = tiny_trainer()
    callback = GANCheckpoint(tmp_path, keep=2)
    trainer.fit(data(), batch_size=32, epochs=3, callbacks=[callback], verbose=0)
    folders = list_checkpoints(tmp_path)
    assert [f.name for f in folders] == ["ckpt-000000004", "ckpt-000000006"]
    assert sorted(p.name for p in folders[-1].iterdir()) == ["manifest.json", "state.npz"]
    manifest = json.loads((folders[-1] / "manifest.json").read_text())
    assert manifest["epoch"] == 3 and manifest["step"] == 6
    assert manifest["config"]["latent_dim"] == 4
    assert len(manifest["state_sha256"]) == 64
    assert manifest["arrays"]["trainer/0000"] == {"shape": [2], "dtype": "int64"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_same_step_is_overwritten_atomically(tmp_path: Path) -> None:
    write_checkpoint(tmp_path, {"a": np.zeros(2)}, step=5)
    write_checkpoint(tmp_path, {"a": np.ones(2)}, step=5)
    _, arrays = read_checkpoint(tmp_path / "ckpt-000000005")
    np.testing.assert_array_equal(arrays["a"], [1.0, 1.0])
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt-000000005"]


@pytest.mark.parametrize("damage", ["truncate", "no_manifest", "empty_dir"])
def test_torn_checkpoint_falls_back_to_the_previous_one(tmp_path: Path, damage: str) -> None:
    good = write_checkpoint(tmp_path, {"w": np.arange(1000.0)}, step=1)
    bad = write_checkpoint(tmp_path, {"w": np.arange(1000.0) + 1}, step=2)
    if damage == "truncate":
        state = bad / "state.npz"
        state.write_bytes(state.read_bytes()[:300])
    elif damage == "no_manifest":
        (bad / "manifest.json").unlink()
    else:
        for f in bad.iterdir():
            f.unlink()
    (tmp_path / ".tmp-ckpt-000000003-abc").mkdir()  # a writer killed mid-way
    (tmp_path / ".tmp-ckpt-000000003-abc" / "state.npz").write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="Skipping broken checkpoint"):
        assert latest_checkpoint(tmp_path) == good
    with pytest.raises(CheckpointError):
        read_checkpoint(bad)


def test_tampered_checkpoint_is_refused(tmp_path: Path) -> None:
    trainer = tiny_trainer()
    trainer.fit(data(), batch_size=32, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    state = list_checkpoints(tmp_path)[-1] / "state.npz"
    raw = bytearray(state.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    state.write_bytes(bytes(raw))
    before = trainer_arrays(trainer)
    with pytest.raises(CheckpointError, match="checksum"):
        trainer.restore(state.parent)
    for name, value in trainer_arrays(trainer).items():  # nothing assigned half-way
        np.testing.assert_array_equal(value, before[name])


def test_pickled_arrays_are_refused(tmp_path: Path) -> None:
    path = write_checkpoint(tmp_path, {"ok": np.zeros(1)}, step=1)
    with open(path / "state.npz", "wb") as f:
        np.savez(f, ok=np.array([{"evil": 1}], dtype=object))
    manifest = json.loads((path / "manifest.json").read_text())
    import hashlib

    manifest["state_sha256"] = hashlib.sha256((path / "state.npz").read_bytes()).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="cannot read"):
        read_checkpoint(path)


def test_incompatible_architecture_is_refused_naming_the_difference(tmp_path: Path) -> None:
    trainer = tiny_trainer(latent=4)
    trainer.fit(data(), batch_size=32, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    other = tiny_trainer(latent=6)
    with pytest.raises(CheckpointError, match=r"latent_dim: checkpoint 4, trainer 6") as info:
        other.restore(tmp_path)
    assert "generator.params" in str(info.value)


def test_loss_mismatch_is_refused_unless_not_strict(tmp_path: Path) -> None:
    trainer = tiny_trainer()
    trainer.fit(data(), batch_size=32, epochs=1, callbacks=[GANCheckpoint(tmp_path)], verbose=0)
    other = tiny_trainer(loss=losses.NonSaturating(real_label=0.9))
    with pytest.raises(CheckpointError, match="real_label"):
        other.restore(tmp_path)
    assert other.restore(tmp_path, strict=False) == 1
    np.testing.assert_array_equal(other.rng_state.numpy(), trainer.rng_state.numpy())


def test_restore_needs_a_compiled_trainer_and_a_checkpoint(tmp_path: Path) -> None:
    trainer = tiny_trainer()
    with pytest.raises(CheckpointError, match="No complete checkpoint"):
        trainer.restore(tmp_path)
    g, d = trainer.generator, trainer.discriminator
    with pytest.raises(RuntimeError, match="compile"):
        GANTrainer(g, d).restore(tmp_path)


def _rewrite_manifest(folder: Path, field: str, value: object) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest[field] = value
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("field", "value"),
    [("epoch", "abc"), ("epoch", -5), ("format_version", "1"), ("arrays", [1]), ("step", None)],
)
def test_malformed_manifest_is_refused_and_skipped(
    tmp_path: Path, field: str, value: object
) -> None:
    good = write_checkpoint(tmp_path, {"w": np.zeros(2)}, step=1, metadata={"epoch": 1})
    bad = write_checkpoint(tmp_path, {"w": np.ones(2)}, step=2, metadata={"epoch": 2})
    _rewrite_manifest(bad, field, value)
    with pytest.raises(CheckpointError, match=f"`{field}`"):
        read_checkpoint(bad)
    with pytest.warns(UserWarning, match="Skipping broken checkpoint"):
        assert latest_checkpoint(tmp_path) == good


def test_manifest_and_file_must_list_the_same_arrays(tmp_path: Path) -> None:
    path = write_checkpoint(tmp_path, {"w": np.zeros(2)}, step=1)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["arrays"]["extra"] = {"shape": [1], "dtype": "float64"}
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="extra"):
        read_checkpoint(path)


def test_resave_killed_between_its_renames_keeps_the_old_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ganlib.checkpoint.format as ckpt

    write_checkpoint(tmp_path, {"w": np.zeros(2)}, step=1)
    real_replace, calls = ckpt.os.replace, []

    class Killed(BaseException):
        pass

    def second_replace_dies(src: object, dst: object) -> None:
        calls.append(src)
        if len(calls) == 2:
            raise Killed  # like SIGKILL: no cleanup runs
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(ckpt.os, "replace", second_replace_dies)
    monkeypatch.setattr(ckpt.shutil, "rmtree", lambda *a, **k: None)
    with pytest.raises(Killed):
        write_checkpoint(tmp_path, {"w": np.ones(2)}, step=1)
    monkeypatch.undo()
    found = latest_checkpoint(tmp_path)
    assert found is not None and found.name == "ckpt-000000001"
    np.testing.assert_array_equal(read_checkpoint(found)[1]["w"], [0.0, 0.0])
    write_checkpoint(tmp_path, {"w": np.full(2, 3.0)}, step=3)  # tidies up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-000000001", "ckpt-000000003"]
