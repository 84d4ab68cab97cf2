"""Table-driven and property-based bad inputs across the CLI, run folders, loaders, trainer,
losses and metrics (issue 17). Each must end in exit code 2 (CLI) or a documented exception
(library) with one line naming the problem: no traceback, no file changed outside `--out`,
no run folder left that `--resume` cannot use. The count of distinct inputs is printed at the
end of the session (tests/conftest.py). The subprocess sample is marked slow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _badinput import fails_cleanly, one_error_line, record, snapshot

_HYP = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- 1. command-line options ---------------------------------------------------------------

_BAD_INTS = ["0", "-1", "abc", "1.5", "", " ", "1e3", "2147483648", "9" * 30, "nan", "0x10", "-0"]
_INT_OPTIONS = ["--steps", "--epochs", "--batch-size", "--latent-dim", "--d-steps", "--image-size"]
_TRAIN_ARGV = [
    *[["train", "ring", opt, v] for opt in _INT_OPTIONS for v in _BAD_INTS if v != "-0"],
    *[["train", "ring", "--seed", v] for v in ["-1", "abc", "1.5", "", "2147483648", "9" * 30]],
    *[["train", "ring", "--d-steps", v] for v in ["101", "1000", "1000000000", "2147483647"]],
    *[
        ["train", "ring", "--lr", v]
        for v in ["0", "-1", "nan", "inf", "-inf", "abc", "", "1e400", "-0"]
    ],
    *[
        ["train", "ring", opt, v]
        for opt in ("--arch", "--loss", "--preset")
        for v in ["x", "", "none", "mlp2", "wgan", "../mlp"]
    ],
    ["train", "ring", "--steps", "1", "--epochs", "1"],
    ["train", "ring", "--conditional", "--conditional", "--bogus"],
    ["train", "ring", "extra-positional"],
    ["train", "ring", "--data", "somewhere"],
    ["train", "grid", "--data", "x.npz"],
    ["train", "ring", "--arch", "dcgan"],
    ["train", "nosuch"],
    ["train", "./nosuch"],
    ["train", "/no/such/folder"],
    ["train", "nosuch.npz"],
    ["train", "nosuch.npy"],
    ["train", ""],
    ["train", "--resume"],
    ["train", "--resume", "--out", "missing-run"],
    ["train"],
    ["bogus"],
    [],
    ["demo", "--steps", "0"],
    ["demo", "--steps", "x"],
    ["demo", "--seed", "-3"],
    ["demo", "--out", ""],
    ["sample"],
    ["evaluate"],
    ["sample", "missing-run"],
    ["evaluate", "missing-run"],
    *[["sample", "missing-run", "--n", v] for v in ["0", "-1", "x", "2147483648"]],
    *[["sample", "missing-run", "--seed", v] for v in ["-1", "x"]],
    *[
        ["sample", "missing-run", "--labels", v]
        for v in ["a,b", "-1", "1,-2", "", ",", "1.5", "99999999999", "2147483648"]
    ],
    *[["evaluate", "missing-run", "--metrics", v] for v in ["xyz", "fid,xyz", "", ",", "FID;KID"]],
    *[["evaluate", "missing-run", "--n", v] for v in ["0", "-5", "1e9", "2147483648"]],
]


@pytest.mark.parametrize("argv", _TRAIN_ARGV, ids=[" ".join(a) or "-" for a in _TRAIN_ARGV])
def test_bad_command_lines_exit_2(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    fails_cleanly(argv, capsys, watch=tmp_path)
    assert not (tmp_path / "runs").exists()


# --- 2. data files that are not what their name says -----------------------------------------


def _write(path: Path, content: Any) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        np.savez(path, **content)
    else:
        np.save(path, content, allow_pickle=False)


_BAD_FILES = {
    "text.npz": b"hello\n",
    "empty.npz": b"",
    "empty.npy": b"",
    "text.npy": b"x,y\n1,2\n",
    "zip-not-npz.npz": b"PK\x03\x04" + bytes(30),
    "truncated.npy": b"\x93NUMPY\x01\x00",
    "png.npy": b"\x89PNG\r\n\x1a\n" + bytes(16),
    "nokeys.npz": {"weights": np.zeros((4, 2), "float32")},
    "emptyarray.npy": np.zeros((0, 2), "float32"),
    "scalar.npy": np.float32(3.0),
    "nan.npy": np.array([[np.nan, 0.0], [1.0, 2.0]], "float32"),
    "inf.npy": np.array([[np.inf, 0.0], [1.0, 2.0]], "float32"),
    "strings.npy": np.array([["a", "b"], ["c", "d"]]),
    "complex.npy": np.ones((4, 2), "complex64"),
    "bools.npy": np.ones((4, 2), bool),
    "rank5.npy": np.zeros((2, 2, 2, 2, 2), "float32"),
}


@pytest.mark.parametrize("name", sorted(_BAD_FILES))
def test_bad_data_files_exit_2(name: str, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / name
    _write(path, _BAD_FILES[name])
    record("loader", name)
    fails_cleanly(["train", str(path), "--out", str(tmp_path / "run")], capsys, watch=tmp_path)


_BAD_LABELS = {
    "negative": np.array([0, -1, 1, 0]),
    "fractional": np.array([0.0, 0.5, 1.0, 1.0]),
    "one-class": np.zeros(4, "int64"),
    "beyond-int32": np.array([0, 1, 2**31, 3], "int64"),
    "huge-class": np.array([0, 1, 2**31 - 1, 3], "int64"),
    "wrong-length": np.array([0, 1, 1]),
    "nan": np.array([0.0, np.nan, 1.0, 1.0]),
    "2-d": np.zeros((4, 3), "int64"),
    "strings": np.array(["a", "b", "a", "b"]),
}


@pytest.mark.parametrize("name", sorted(_BAD_LABELS))
def test_bad_conditional_labels_exit_2(name: str, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "data.npz"
    np.savez(
        path, x=np.random.default_rng(0).normal(size=(4, 2)).astype("float32"), y=_BAD_LABELS[name]
    )
    record("loader", f"labels:{name}")
    argv = ["train", str(path), "--conditional", "--out", str(tmp_path / "run")]
    fails_cleanly(argv, capsys, watch=tmp_path)


def _png(value: int = 40) -> bytes:
    import tensorflow as tf

    return bytes(tf.io.encode_png(np.full((8, 8, 3), value, np.uint8)).numpy())


_BAD_IMAGES = {
    "zero.png": lambda: b"",
    "text.png": lambda: b"not an image",
    "truncated.png": lambda: _png()[:40],
    "header-only.png": lambda: b"\x89PNG\r\n\x1a\n",
    "garbage-after-header.jpg": lambda: b"\xff\xd8\xff" + bytes(50),
    "html.gif": lambda: b"<html></html>",
    "bad.bmp": lambda: b"BM" + bytes(10),
}


@pytest.mark.parametrize("name", sorted(_BAD_IMAGES))
def test_damaged_image_in_a_folder_names_the_file(name: str, tmp_path: Path, capsys: Any) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(3):
        (folder / f"good{i}.png").write_bytes(_png(30 * i))
    (folder / name).write_bytes(_BAD_IMAGES[name]())
    record("loader", f"image:{name}")
    line = fails_cleanly(
        ["train", str(folder), "--out", str(tmp_path / "run")], capsys, watch=tmp_path
    )
    assert name in line


# --- 3. tampered config.json of a finished run -----------------------------------------------

_TAMPER: list[tuple[str, Any]] = [
    *[("loss", v) for v in ["zz", "", "NS", "wasserstein", None, 3]],
    *[("arch", v) for v in ["resnet", "", None, ["mlp"]]],
    *[("preset", v) for v in ["adam", "", 1]],
    *[("kind", v) for v in ["zip", "", "FOLDER", None]],
    *[("dataset", v) for v in ["/", "relative/path.npy", "", None, 7]],
    *[("d_steps", v) for v in [0, -1, 101, 10**9, 2**31, 1.5, "5", True, None]],
    *[("batch_size", v) for v in [0, -4, 2**31, 1e3, "16", None]],
    *[("latent_dim", v) for v in [0, -2, 2**31, 2.0, None]],
    *[("seed", v) for v in [-1, 2**31, 2**70, 0.5, "0"]],
    *[("gp_weight", v) for v in [-1.0, float("nan"), float("inf"), "10", None]],
    *[("lr", v) for v in [0, -1e-3, float("nan"), float("inf"), "0.1"]],
    *[("epochs", v) for v in [0, -1, 2**31, 1.5]],
    *[("steps", v) for v in [0, -4, 2**31, "4"]],
    *[("num_examples", v) for v in [0, -1, 2**31, None]],
    *[("steps_per_epoch", v) for v in [0, -1, 2**31, None, 2.0]],
    *[("total_steps", v) for v in [0, -1, 2**31, None]],
    *[("data_shape", v) for v in [[], [0], [-2], [2, 0], ["2"], [2**31], [2**16, 2**16], None, 2]],
    *[("num_classes", v) for v in [1, 0, -3, 2**31, 2.5]],
    *[("conditional", v) for v in [1, "yes", None]],
    *[("ema", v) for v in [1, "no"]],
    *[("image_size", v) for v in [0, -32, 2**31, 1.5]],
    *[("data", v) for v in ["/somewhere/mnist", 3]],
    *[("version", v) for v in [1, None]],
    *[("format", v) for v in ["other", None, 1]],
    *[("generator", v) for v in [None, [], {}, {"name": "nope"}, {"name": "mlp_generator"}]],
    *[("discriminator", v) for v in [None, "x", {"name": "mlp_generator", "config": {}}]],
    *[("r1", v) for v in [-1.0, float("nan"), float("inf"), "0.1"]],
    *[("pack", v) for v in [0, -2, 10**6, 1.5]],
    *[("augment", v) for v in ["rotate", "", 3, "color,,zoom"]],
    *[("lr_decay", v) for v in [1, "yes"]],
    ("extra_field", 1),
]


def _tamper(run: Path, field: str, value: Any) -> None:
    path = run / "config.json"
    config = json.loads(path.read_text())
    if field == "dataset" and value == "/":
        config["kind"] = "folder"
    config[field] = value
    path.write_text(json.dumps(config))


@pytest.mark.parametrize(("field", "value"), _TAMPER, ids=[f"{f}={v!r}" for f, v in _TAMPER])
def test_tampered_config_is_refused_by_every_command(
    field: str, value: Any, tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    _tamper(run, field, value)
    record("config", (field, value))
    for argv in (
        ["train", "--resume", "--out", str(run), "--steps", "6"],
        ["sample", str(run), "--out", str(tmp_path / "grid.png")],
        ["evaluate", str(run), "--n", "10"],
    ):
        if argv[0] != "train" and field in ("format", "extra_field", "version"):
            pass  # still refused: the config is read first
        fails_cleanly(argv, capsys, watch=tmp_path)


_HUGE_BUILDERS: list[tuple[str, str, Any]] = [
    ("generator", "hidden_units", [2**31 - 1]),
    ("generator", "hidden_units", [2**20, 2**20]),
    ("generator", "latent_dim", 2**31 - 1),
    ("generator", "num_classes", 2**31 - 1),
    ("generator", "output_shape", [2**31 - 1]),
    ("discriminator", "hidden_units", [2**31 - 1]),
    ("discriminator", "input_shape", [2**20, 2**10]),
    ("discriminator", "num_classes", 2**31 - 1),
    ("generator", "hidden_units", [0]),
    ("generator", "negative_slope", -1),
    ("generator", "output_activation", "os.system"),
    ("discriminator", "conditioning", "other"),
    ("discriminator", "dropout", 1.5),
]


@pytest.mark.parametrize(("which", "key", "value"), _HUGE_BUILDERS)
def test_tampered_builder_config_is_refused_before_building(
    which: str, key: str, value: Any, tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config = json.loads((run / "config.json").read_text())
    config[which]["config"][key] = value
    (run / "config.json").write_text(json.dumps(config))
    (run / "generator.keras").unlink()  # so sample rebuilds from config + checkpoint too
    record("config", (which, key, value))
    for argv in (
        ["train", "--resume", "--out", str(run), "--steps", "6"],
        ["sample", str(run), "--out", str(tmp_path / "grid.png")],
    ):
        fails_cleanly(argv, capsys, watch=tmp_path)


@_HYP
@given(
    field=st.sampled_from(["d_steps", "batch_size", "latent_dim", "seed", "steps_per_epoch"]),
    value=st.one_of(
        st.integers(max_value=0),
        st.integers(min_value=2**31),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.none(),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_random_bad_config_values_are_refused(
    field: str, value: Any, tiny_run: Path, tmp_path_factory: pytest.TempPathFactory, capsys: Any
) -> None:
    if field == "seed" and isinstance(value, int) and value == 0:
        value = -1
    if isinstance(value, float) and value.is_integer() and field != "seed":
        pass  # floats are the wrong type for every integer field
    folder = tmp_path_factory.mktemp("hyp")
    run = folder / "run"
    shutil.copytree(tiny_run, run)
    _tamper(run, field, value)
    record("config", (field, value))
    fails_cleanly(["sample", str(run), "--out", str(folder / "g.png")], capsys, watch=folder)


# --- 4. damaged run folders: --resume refuses or continues from a verified state ----------------


def _drop(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


_DAMAGE = {
    "state truncated to 0": lambda c: c.joinpath("state.npz").write_bytes(b""),
    "state cut in half": lambda c: c.joinpath("state.npz").write_bytes(
        c.joinpath("state.npz").read_bytes()[: c.joinpath("state.npz").stat().st_size // 2]
    ),
    "state byte appended": lambda c: c.joinpath("state.npz").write_bytes(
        c.joinpath("state.npz").read_bytes() + b"x"
    ),
    "state deleted": lambda c: c.joinpath("state.npz").unlink(),
    "manifest deleted": lambda c: c.joinpath("manifest.json").unlink(),
    "manifest empty": lambda c: c.joinpath("manifest.json").write_text(""),
    "manifest list": lambda c: c.joinpath("manifest.json").write_text("[1, 2]"),
    "manifest future version": lambda c: c.joinpath("manifest.json").write_text(
        json.dumps({**json.loads(c.joinpath("manifest.json").read_text()), "format_version": 9})
    ),
    "manifest bad epoch": lambda c: c.joinpath("manifest.json").write_text(
        json.dumps({**json.loads(c.joinpath("manifest.json").read_text()), "epoch": "abc"})
    ),
    "folder emptied": lambda c: [p.unlink() for p in c.iterdir()],
    "folder replaced by a file": lambda c: (shutil.rmtree(c), c.write_text("x")),
}


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
@pytest.mark.parametrize("generator", ["kept", "deleted"])
def test_every_checkpoint_damaged_resume_refuses(
    damage: str, generator: str, tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    for ckpt in sorted((run / "checkpoints").iterdir()):
        _DAMAGE[damage](ckpt)
    if generator == "deleted":
        (run / "generator.keras").unlink()
    record("run-folder", (damage, generator))
    fails_cleanly(["train", "--resume", "--out", str(run), "--steps", "6"], capsys, watch=tmp_path)


_MISSING = [
    ("checkpoints",),
    ("checkpoints", "generator.keras"),
    ("checkpoints", "samples"),
    ("checkpoints", "samples", "generator.keras"),
]


@pytest.mark.parametrize("removed", _MISSING, ids=["+".join(m) for m in _MISSING])
def test_finished_work_without_checkpoints_resume_refuses(
    removed: tuple[str, ...], tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    for name in removed:
        _drop(run / name)
    record("run-folder", removed)
    fails_cleanly(["train", "--resume", "--out", str(run)], capsys, watch=tmp_path)


_BAD_GENERATORS = {
    "text": b"junk",
    "empty": b"",
    "truncated": None,  # first half of the real file
    "zip without weights": "zip-config-only",
    "zip of nothing": "zip-empty",
}


@pytest.mark.parametrize("name", sorted(_BAD_GENERATORS))
def test_damaged_generator_file_is_named(
    name: str, tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    path = run / "generator.keras"
    content = _BAD_GENERATORS[name]
    if content is None:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif content == "zip-config-only":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("config.json", "{}")
    elif content == "zip-empty":
        with zipfile.ZipFile(path, "w"):
            pass
    else:
        path.write_bytes(content)  # type: ignore[arg-type]
    record("run-folder", f"generator.keras:{name}")
    line = fails_cleanly(
        ["sample", str(run), "--out", str(tmp_path / "g.png")], capsys, watch=tmp_path
    )
    assert "generator.keras" in line and "not found" not in line.lower()


# --- 5. huge sizes on the command line -----------------------------------------------------

_HUGE = [
    ["train", "ring", "--latent-dim", "100000000"],
    ["train", "ring", "--latent-dim", "2147483647"],
    ["train", "ring", "--latent-dim", "10000000", "--batch-size", "4096"],
]


@pytest.mark.parametrize("argv", _HUGE, ids=[" ".join(a) for a in _HUGE])
def test_sizes_that_cannot_fit_in_memory_exit_2(
    argv: list[str], tmp_path: Path, capsys: Any
) -> None:
    fails_cleanly([*argv, "--out", str(tmp_path / "run")], capsys, watch=tmp_path, expect="memory")


@pytest.mark.parametrize("n", ["2147483647", "1000000000"])
@pytest.mark.parametrize("command", ["sample", "evaluate"])
def test_huge_sample_counts_exit_2(
    command: str, n: str, tiny_run: Path, tmp_path: Path, capsys: Any
) -> None:
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    argv = [command, str(run), "--n", n]
    if command == "sample":
        argv += ["--out", str(tmp_path / "g.png")]
    fails_cleanly(argv, capsys, watch=tmp_path, expect="memory")


@_HYP
@given(
    option=st.sampled_from(["--steps", "--batch-size", "--latent-dim", "--d-steps", "--seed"]),
    text=st.one_of(
        st.integers(max_value=0).map(str),
        st.integers(min_value=2**31).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(alphabet="abcxyz.-+e ", min_size=0, max_size=6),
    ),
)
def test_random_bad_option_values_exit_2(
    option: str, text: str, tmp_path_factory: pytest.TempPathFactory, capsys: Any
) -> None:
    if option == "--seed" and text.strip().lstrip("+").isdigit():
        text = "-" + text.strip().lstrip("+") if int(text) == 0 else text
    try:
        if option != "--seed" and 1 <= int(text) <= 100:
            return  # a valid value; the property is about bad ones
    except ValueError:
        pass
    folder = tmp_path_factory.mktemp("opt")
    fails_cleanly(["train", "ring", option, text, "--out", str(folder / "r")], capsys, watch=folder)


# --- 6. library entry points -------------------------------------------------------------------


@pytest.fixture(scope="module")
def conditional_trainer() -> Any:
    from ganlib import GANTrainer, models, optimizers

    g = models.MLPGenerator(2, (2,), hidden_units=(8,), num_classes=3).build()
    d = models.MLPDiscriminator((2,), hidden_units=(8,), num_classes=3).build()
    trainer = GANTrainer(g, d)
    trainer.compile(*optimizers.dcgan())
    return trainer


_BAD_SAMPLE_LABELS = [
    [3, 0],
    [-1, 0],
    [0.5, 1.0],
    [float("nan"), 1],
    [float("inf"), 0],
    [2**31, 0],
    [2**40, 0],
    [True, False],
    ["a", "b"],
    [[0, 5]],
    [0, 1, 2],
    [1e9, 0],
]


@pytest.mark.parametrize("labels", _BAD_SAMPLE_LABELS, ids=repr)
def test_sample_refuses_bad_labels(conditional_trainer: Any, labels: Any) -> None:
    record("trainer", ("sample labels", repr(labels)))
    with pytest.raises((ValueError, TypeError), match="labels"):
        conditional_trainer.sample(2, labels=labels)


@_HYP
@given(labels=st.lists(st.one_of(st.integers(), st.floats()), min_size=2, max_size=2))
def test_sample_labels_work_or_refuse(conditional_trainer: Any, labels: list[Any]) -> None:
    ok = all(float(v) == int(v) and 0 <= v < 3 for v in labels if np.isfinite(v))
    ok = ok and all(np.isfinite(v) for v in labels)
    if ok:
        assert conditional_trainer.sample(2, labels=labels).shape == (2, 2)
        return
    record("trainer", ("sample labels", repr(labels)))
    with pytest.raises((ValueError, TypeError), match="labels"):
        conditional_trainer.sample(2, labels=labels)


def _discriminators() -> dict[str, Any]:
    import keras

    def seq(*layers: Any) -> Any:
        return keras.Sequential([keras.Input((2,)), *layers])

    inputs = keras.Input((2,))
    two = keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(3)(inputs)])
    return {
        "sigmoid": seq(keras.layers.Dense(1, activation="sigmoid")),
        "softmax": seq(keras.layers.Dense(1, activation="softmax")),
        "sigmoid layer": seq(keras.layers.Dense(1), keras.layers.Activation("sigmoid")),
        "two units": seq(keras.layers.Dense(2)),
        "ten units": seq(keras.layers.Dense(10)),
        "two tensors": two,
    }


@pytest.mark.parametrize(
    "name", ["sigmoid", "softmax", "sigmoid layer", "two units", "ten units", "two tensors"]
)
def test_trainer_refuses_discriminator_outputs_the_loss_misreads(name: str) -> None:
    import keras

    from ganlib import GANTrainer

    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    record("trainer", ("discriminator", name))
    with pytest.raises(ValueError, match="discriminator"):
        GANTrainer(g, _discriminators()[name])


def test_sigmoid_discriminator_is_fine_with_probability_loss() -> None:
    import keras

    from ganlib import GANTrainer, losses

    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    d = _discriminators()["sigmoid"]
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(from_logits=False))
    assert trainer.loss_fn.from_logits is False


def test_an_empty_batch_in_a_stream_is_a_value_error() -> None:
    import keras
    import tensorflow as tf

    from ganlib import GANTrainer, optimizers

    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d)
    trainer.compile(*optimizers.dcgan())
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    for stream in (
        tf.data.Dataset.from_tensor_slices(x)
        .batch(8)
        .concatenate(tf.data.Dataset.from_tensors(x[:0])),
        tf.data.Dataset.from_tensors(x[:0]),
        tf.data.Dataset.from_tensor_slices(x).batch(8).filter(lambda b: True).map(lambda b: b[:0]),
    ):
        record("trainer", ("empty batch", str(stream.element_spec)))
        with pytest.raises(ValueError, match="0 examples"):
            trainer.fit(stream, epochs=1, verbose=0)


# --- 7. metrics ---------------------------------------------------------------------------------


@_HYP
@given(
    entries=st.lists(
        st.one_of(st.just(0.0), st.floats(1e-3, 10), st.floats(-10, -1e-3)), min_size=9, max_size=9
    ).map(lambda v: np.array(v).reshape(3, 3))
)
def test_frechet_refuses_non_symmetric_or_indefinite_covariances(entries: np.ndarray) -> None:
    from ganlib import metrics

    asymmetry = np.abs(entries - entries.T).max()
    smallest = np.linalg.eigvalsh((entries + entries.T) / 2).min()
    if asymmetry == 0 and smallest >= 0:
        assert metrics.frechet_distance(np.zeros(3), entries, np.zeros(3), np.eye(3)) >= 0
    elif asymmetry > 1e-3 or smallest < -1e-3:  # clearly no covariance (between: round-off)
        record("metric", ("sigma", entries.round(6).tolist()))
        with pytest.raises(ValueError, match="sigma1"):
            metrics.frechet_distance(np.zeros(3), entries, np.zeros(3), np.eye(3))


@pytest.mark.parametrize("scale", [1e31, 1e100, 1e200, 1e300, -1e300])
@pytest.mark.parametrize("metric", ["kid", "pr", "dc"])
def test_metrics_refuse_features_that_overflow(metric: str, scale: float) -> None:
    from ganlib import metrics

    real = np.random.default_rng(0).normal(size=(8, 3))
    fake = real.copy()
    fake[0, 0] = scale
    record("metric", (metric, scale))
    fn = {
        "kid": metrics.kernel_inception_distance,
        "pr": metrics.precision_recall,
        "dc": metrics.density_coverage,
    }[metric]
    with pytest.raises(ValueError, match="rescale"):
        fn(real, fake)


@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_frechet_refuses_moments_that_overflow(scale: float) -> None:
    from ganlib import metrics

    record("metric", ("frechet mean", scale))
    with pytest.raises(ValueError, match="rescale"):
        metrics.frechet_distance(np.full(2, scale), np.eye(2), -np.full(2, scale), np.eye(2))


# --- 8. through the real executable (a small sample; each child imports TensorFlow) -------------

_SUBPROCESS = [
    ["train", "ring", "--d-steps", "1000000000"],
    ["train", "ring", "--latent-dim", "100000000"],
    ["train", "ring", "--out", ""],
    ["sample", "missing-run", "--labels", "99999999999"],
]


@pytest.mark.slow
@pytest.mark.parametrize("argv", _SUBPROCESS, ids=[" ".join(a) for a in _SUBPROCESS])
def test_the_real_executable_exits_2_with_one_line(argv: list[str], tmp_path: Path) -> None:
    exe = shutil.which("ganlib") or ""
    command = [exe] if exe else [sys.executable, "-m", "ganlib.cli"]
    before = snapshot(tmp_path)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [*command, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env
    )
    record("cli", ("subprocess", *argv))
    assert done.returncode == 2, done.stderr[-2000:]
    one_error_line(done.stderr)
    assert snapshot(tmp_path) == before


def test_out_below_a_file_or_unwritable_is_refused(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "file.txt").write_text("x")
    for argv in (
        ["train", "ring", "--out", str(tmp_path / "file.txt" / "run")],
        ["train", "ring", "--out", str(tmp_path / "file.txt" / "a" / "b")],
        ["sample", "missing", "--out", str(tmp_path / "file.txt" / "g.png")],
        ["sample", "missing", "--npz", str(tmp_path / "file.txt" / "s.npz")],
    ):
        fails_cleanly(argv, capsys, watch=tmp_path, expect="is a file")
