"""Safety: safe_mode model loading, no pickle anywhere, files only inside the named folder."""

from __future__ import annotations

import ast
import contextlib
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import GANTrainer, losses
from ganlib.callbacks import GANCheckpoint, MetricMonitor, SampleGrid
from ganlib.checkpoint import CheckpointError, read_checkpoint, write_checkpoint

SRC = Path(__file__).resolve().parents[1] / "src" / "ganlib"


# ------------------------------------------------------------------------- safe_mode
def lambda_model_file(tmp_path: Path) -> Path:
    x = keras.Input((2,))
    model = keras.Model(x, keras.layers.Lambda(lambda t: t * 2.0)(x))
    path = tmp_path / "generator.keras"
    model.save(path)
    return path


def test_keras_file_with_a_lambda_layer_is_refused_under_safe_mode(tmp_path: Path) -> None:
    path = lambda_model_file(tmp_path)
    with pytest.raises(ValueError, match="safe_mode"):
        keras.saving.load_model(path)  # safe_mode=True is the default
    with pytest.raises(ValueError, match="safe_mode"):
        keras.saving.load_model(path, safe_mode=True)


def test_the_caller_may_opt_in_to_unsafe_loading(tmp_path: Path) -> None:
    loaded = keras.saving.load_model(lambda_model_file(tmp_path), safe_mode=False)
    np.testing.assert_allclose(loaded(np.ones((1, 2), "float32")), [[2.0, 2.0]])


def test_ganlib_models_round_trip_under_safe_mode(tmp_path: Path) -> None:
    from ganlib import models

    g = models.MLPGenerator(latent_dim=3, output_shape=(2,), hidden_units=(4,)).build()
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(4,), spectral_norm=True).build()
    for model, name in ((g, "g"), (d, "d")):
        model.save(tmp_path / f"{name}.keras")
        loaded = keras.saving.load_model(tmp_path / f"{name}.keras", safe_mode=True)
        x = np.random.default_rng(0).normal(size=(3, *model.inputs[0].shape[1:]))
        np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)


def test_cli_sample_refuses_a_run_folder_whose_generator_holds_a_lambda(tmp_path: Path) -> None:
    pytest.importorskip("ganlib.cli", reason="the CLI is not written yet")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from ganlib.cli import main

    run = tmp_path / "run"
    run.mkdir()
    lambda_model_file(run)  # run/generator.keras
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        code = main(["sample", str(run), "--out", str(tmp_path / "grid.png")])
    assert code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ganlib sample: error:"), lines
    assert "safe_mode" in lines[0] and "Traceback" not in err.getvalue()
    assert not (tmp_path / "grid.png").exists()


# ---------------------------------------------------------------------------- pickle
def source_files() -> list[Path]:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20, f"ganlib sources not found under {SRC}"
    return files


def call_name(node: ast.Call) -> str:
    parts, target = [], node.func
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    if isinstance(target, ast.Name):
        parts.append(target.id)
    return ".".join(reversed(parts))


def keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def test_no_pickle_in_the_source() -> None:
    unsafe_modules = {"pickle", "cPickle", "dill", "joblib", "shelve", "marshal", "cloudpickle"}
    problems, loads = [], 0
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.module:
                    names.append(node.module)
                if any(n.split(".")[0] in unsafe_modules for n in names):
                    problems.append(f"{where}: imports {names}")
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            if name.endswith(("np.load", "numpy.load")):
                loads += 1
                flag = keyword(node, "allow_pickle")
                if not (isinstance(flag, ast.Constant) and flag.value is False):
                    problems.append(f"{where}: {name} without allow_pickle=False")
            if name.endswith(("np.save", "np.savez", "np.savez_compressed")):
                flag = keyword(node, "allow_pickle")
                if isinstance(flag, ast.Constant) and flag.value is True:
                    problems.append(f"{where}: {name} with allow_pickle=True")
            if name.endswith("load_model"):
                flag = keyword(node, "safe_mode")
                if isinstance(flag, ast.Constant) and flag.value is False:
                    problems.append(f"{where}: load_model(safe_mode=False)")
            if name in ("eval", "exec") or name.endswith(("yaml.load", "yaml.unsafe_load")):
                problems.append(f"{where}: calls {name}")
    assert not problems, "\n".join(problems)
    assert loads >= 2  # the checkpoint and MNIST readers were inspected: the walk works


def test_object_arrays_in_a_checkpoint_are_never_unpickled(tmp_path: Path) -> None:
    path = write_checkpoint(tmp_path, {"w": np.zeros(2)}, step=1)
    import hashlib
    import json

    with open(path / "state.npz", "wb") as f:
        np.savez(f, w=np.array([{"os.system": "echo pwned"}], dtype=object))
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["state_sha256"] = hashlib.sha256((path / "state.npz").read_bytes()).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="allow_pickle"):
        read_checkpoint(path)


def test_object_arrays_in_an_mnist_npz_are_never_unpickled(tmp_path: Path) -> None:
    from ganlib import data

    evil = np.array([{"a": 1}], dtype=object)
    np.savez(tmp_path / "mnist.npz", x_train=evil, y_train=evil, x_test=evil, y_test=evil)
    with pytest.raises(ValueError, match=r"allow_pickle|Object arrays"):
        data.load_mnist(tmp_path / "mnist.npz", split="test")


# ------------------------------------------------------------ files inside the folder
def snapshot(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_training_writes_only_inside_the_named_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd, run = tmp_path / "cwd", tmp_path / "run"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile()
    before = snapshot(tmp_path)
    callbacks = [
        GANCheckpoint(run / "ckpt", keep=1),
        SampleGrid(run / "samples", n=4),
        MetricMonitor(lambda _: {"m": 1.0}),
        GANCheckpoint(run / "best", monitor="m", keep=1),
    ]
    with pytest.warns(UserWarning, match="not an image"):
        trainer.fit(np.zeros((16, 2), "float32"), batch_size=8, epochs=2, callbacks=callbacks)
    new = snapshot(tmp_path) - before
    assert new, "nothing was written"
    outside = sorted(str(p) for p in new if run not in p.parents and p != run)
    assert not outside, f"written outside {run}: {outside}"
    assert {p.parent.name for p in new if p.is_file()} >= {"samples"}


def test_member_names_in_a_state_file_are_never_used_as_paths(tmp_path: Path) -> None:
    run = tmp_path / "run"
    path = write_checkpoint(run, {"w": np.zeros(2)}, step=1)
    with (
        zipfile.ZipFile(path / "state.npz", "a") as archive,
        archive.open("../../escape.npy", "w") as member,
    ):
        np.lib.format.write_array(member, np.ones(1), allow_pickle=False)
    before = snapshot(tmp_path)
    with contextlib.suppress(CheckpointError):  # refused (checksum) or not: nothing extracted
        read_checkpoint(path)
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("escape*"))


def test_pruning_never_deletes_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.txt").write_text("data")
    run = tmp_path / "run"
    run.mkdir()
    (run / "ckpt-000000000").symlink_to(outside, target_is_directory=True)
    for step in (1, 2, 3):
        write_checkpoint(run, {"w": np.full(2, float(step))}, step=step, keep=1)
    write_checkpoint(run, {"w": np.zeros(2)}, step=3, keep=1)  # same-step swap
    assert (outside / "keep.txt").read_text() == "data"


def test_temp_folder_cleanup_never_acts_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "precious"
    (outside / "ckpt-000000007").mkdir(parents=True)
    (outside / "ckpt-000000007" / "keep.txt").write_text("data")
    (tmp_path / "elsewhere").mkdir()
    run = tmp_path / "run"
    run.mkdir()
    (run / ".tmp-old-link").symlink_to(outside, target_is_directory=True)
    (run / ".tmp-ckpt-000000000-link").symlink_to(tmp_path / "elsewhere")
    write_checkpoint(run, {"w": np.zeros(2)}, step=1, keep=1)
    assert (outside / "ckpt-000000007" / "keep.txt").read_text() == "data"
    assert (tmp_path / "elsewhere").is_dir()
    assert [p.name for p in run.iterdir() if p.name.startswith("ckpt-")] == ["ckpt-000000001"]
