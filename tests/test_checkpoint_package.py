"""The checkpoint package: one checksum verification per restore, old names still importable."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

import ganlib.checkpoint.format as fmt
from ganlib import checkpoint, distribute
from ganlib.trainer import GANTrainer


def trainer() -> GANTrainer:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    t = GANTrainer(g, d, seed=0)
    t.compile()
    return t


@pytest.mark.parametrize("target", ["run", "folder"])
def test_a_restore_verifies_the_checksum_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    source = trainer()
    checkpoint.save_trainer(source, tmp_path, epoch=1)
    last = checkpoint.save_trainer(source, tmp_path, epoch=2)
    calls = []
    real = fmt._sha256

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(fmt, "_sha256", counting)
    restored = trainer()
    assert checkpoint.restore_trainer(restored, tmp_path if target == "run" else last) == 2
    assert calls == [last / "state.npz"]
    for a, b in zip(source.generator.get_weights(), restored.generator.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_read_latest_checkpoint_skips_a_broken_newest_one(tmp_path: Path) -> None:
    good = fmt.write_checkpoint(tmp_path, {"w": np.zeros(2)}, step=1)
    bad = fmt.write_checkpoint(tmp_path, {"w": np.ones(2)}, step=2)
    (bad / "state.npz").write_bytes(b"torn")
    with pytest.warns(UserWarning, match="Skipping broken checkpoint"):
        found = fmt.read_latest_checkpoint(tmp_path)
    assert found is not None and found[0] == good and found[2]["w"].tolist() == [0.0, 0.0]
    assert fmt.read_latest_checkpoint(tmp_path / "none") is None


def test_is_chief_has_one_home() -> None:
    assert checkpoint.is_chief is distribute.is_chief


def test_the_old_trainer_state_names_work_with_a_deprecation_warning() -> None:
    from ganlib import trainer_state

    for name in ("save_trainer", "restore_trainer", "trainer_arrays", "compat_config", "is_chief"):
        with pytest.warns(DeprecationWarning, match=f"trainer_state.{name}"):
            assert getattr(trainer_state, name) is getattr(checkpoint, name)
    with pytest.raises(AttributeError):
        trainer_state.nothing  # noqa: B018


def test_reading_checkpoint_files_imports_no_tensorflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ganlib.checkpoint.format; "
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
