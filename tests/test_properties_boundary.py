"""Property-based tests over the public boundary: builders, losses, GANTrainer, the CLI.

Each generated input either works (and the result is checked) or raises `ValueError` /
`TypeError` whose message names the argument; the CLI answers exit code 2 with one line on
stderr. Examples are bounded (max_examples 15-40, derandomized so CI sees the same ones) and
build tiny models only. Regression cases for the bugs found here are
at the end.
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ganlib import GANTrainer, losses, models

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.integers(-3, 0),
)


def is_positive_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0


def is_shape(value: Any) -> bool:
    if is_positive_int(value):
        return True
    return isinstance(value, (tuple, list)) and len(value) > 0 and all(map(is_positive_int, value))


def as_shape(value: Any) -> tuple[int, ...]:
    return (int(value),) if isinstance(value, numbers.Integral) else tuple(int(v) for v in value)


def refused(error: Exception, *names: str) -> None:
    """A refusal is a ValueError/TypeError whose message names one of the arguments."""
    event(f"refused: {type(error).__name__}")
    assert isinstance(error, (ValueError, TypeError)), repr(error)
    assert any(name in str(error) for name in names), f"{names} not named in: {error}"


VALID_SHAPES = st.one_of(
    st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), st.integers(1, 5)
)
BAD_SHAPES = st.one_of(
    st.just(()),
    st.lists(st.integers(-1, 5), min_size=1, max_size=3).filter(lambda v: min(v) < 1).map(tuple),
    st.integers(-1, 0),
    JUNK.filter(lambda v: v is not None and not is_positive_int(v)),
)
VALID_CLASSES = st.one_of(st.none(), st.integers(2, 4))
BAD_CLASSES = st.one_of(st.integers(-1, 1), st.booleans(), st.floats(0, 4), st.text(max_size=2))
VALID_LATENT = st.integers(1, 5)
BAD_LATENT = JUNK.filter(lambda v: not is_positive_int(v))


def one_broken(data: st.DataObject, names: list[str], valid: list[Any], bad: list[Any]) -> dict:
    """Valid values for every argument but (maybe) one, drawn invalid; "" means none broken."""
    broken = data.draw(st.sampled_from(["", *names]), label="broken")
    values = {
        n: data.draw(bad[i] if n == broken else valid[i], label=n) for i, n in enumerate(names)
    }
    values["broken"] = broken
    return values


# -------------------------------------------------------------------------- builders
@SETTINGS
@given(data=st.data())
def test_mlp_generator_builds_exactly_the_valid_configurations(data: st.DataObject) -> None:
    names = ["latent_dim", "output_shape", "num_classes"]
    v = one_broken(
        data,
        names,
        [VALID_LATENT, VALID_SHAPES, VALID_CLASSES],
        [BAD_LATENT, BAD_SHAPES, BAD_CLASSES],
    )
    try:
        builder = models.MLPGenerator(
            latent_dim=v["latent_dim"],
            output_shape=v["output_shape"],
            hidden_units=(3,),
            num_classes=v["num_classes"],
        )
    except (ValueError, TypeError) as error:
        assert v["broken"], f"refused a valid configuration: {error}"
        refused(error, v["broken"])
        return
    assert not v["broken"], f"accepted a bad {v['broken']}: {v}"
    event("accepted")
    model = builder.build()
    n, classes = 2, v["num_classes"]
    z = np.zeros((n, v["latent_dim"]), "float32")
    out = model([z, np.zeros(n, "int32")] if classes else z)
    assert tuple(out.shape) == (n, *as_shape(v["output_shape"]))
    assert np.all(np.abs(keras.ops.convert_to_numpy(out)) <= 1.0)  # tanh


@SETTINGS
@given(data=st.data())
def test_mlp_discriminator_builds_exactly_the_valid_configurations(data: st.DataObject) -> None:
    names = ["input_shape", "num_classes", "conditioning"]
    modes = st.sampled_from(["concat", "projection"])
    bad_modes = st.sampled_from(["other", "", None, 1])
    v = one_broken(
        data, names, [VALID_SHAPES, VALID_CLASSES, modes], [BAD_SHAPES, BAD_CLASSES, bad_modes]
    )
    try:
        builder = models.MLPDiscriminator(
            input_shape=v["input_shape"],
            hidden_units=(3,),
            num_classes=v["num_classes"],
            conditioning=v["conditioning"],
        )
    except (ValueError, TypeError) as error:
        assert v["broken"], f"refused a valid configuration: {error}"
        refused(error, v["broken"])
        return
    assert not v["broken"], f"accepted a bad {v['broken']}: {v}"
    event("accepted")
    model = builder.build()
    x = np.zeros((2, *as_shape(v["input_shape"])), "float32")
    out = model([x, np.zeros(2, "int32")] if v["num_classes"] else x)
    assert tuple(out.shape) == (2, 1)


@settings(SETTINGS, max_examples=15)
@given(
    side=st.integers(-1, 33),
    width=st.integers(1, 33),
    channels=st.integers(-1, 4),
    latent=st.integers(1, 4),
)
def test_dcgan_builders_accept_square_sides_4_or_7_times_a_power_of_two(
    side: int, width: int, channels: int, latent: int
) -> None:
    width = side if width % 2 else width  # half the examples square
    shape = (side, width, channels)
    ok_side = side == width and any(
        side % s == 0 and side // s & (side // s - 1) == 0 for s in (4, 7) if side >= s
    )
    valid = ok_side and channels >= 1
    try:
        g = models.DCGANGenerator(latent_dim=latent, output_shape=shape, base_filters=2).build()
        d = models.DCGANDiscriminator(input_shape=shape, base_filters=2).build()
    except (ValueError, TypeError) as error:
        refused(error, "output_shape", "input_shape")
        assert not valid, f"refused {shape}: {error}"
        return
    assert valid, f"accepted {shape}"
    event("accepted")
    images = g(np.zeros((2, latent), "float32"))
    assert tuple(images.shape) == (2, *shape)
    assert tuple(d(images).shape) == (2, 1)


# ---------------------------------------------------------------------------- losses
PAIRS: dict[str, Callable[..., Any]] = {
    "non_saturating_d": losses.non_saturating_discriminator_loss,
    "minimax_d": losses.minimax_discriminator_loss,
    "least_squares_d": losses.least_squares_discriminator_loss,
    "wasserstein_d": losses.wasserstein_discriminator_loss,
    "hinge_d": losses.hinge_discriminator_loss,
    "relativistic_d": losses.relativistic_average_discriminator_loss,
    "relativistic_g": losses.relativistic_average_generator_loss,
}
SINGLES: dict[str, Callable[..., Any]] = {
    "non_saturating_g": losses.non_saturating_generator_loss,
    "minimax_g": losses.minimax_generator_loss,
    "least_squares_g": losses.least_squares_generator_loss,
    "wasserstein_g": losses.wasserstein_generator_loss,
    "hinge_g": losses.hinge_generator_loss,
}
FLOATS = ("float16", "float32", "float64")
DTYPES = st.sampled_from([*FLOATS, *FLOATS, "int32", "int64", "bool", "complex64", "str"])
TAILS = st.sampled_from([(), (1,), (3,), (2, 2)])


def logits(batch: int, tail: tuple[int, ...], dtype: str, seed: int) -> np.ndarray:
    values = np.random.default_rng(seed).normal(size=(batch, *tail))
    return values.astype(str) if dtype == "str" else values.astype(dtype)


@SETTINGS
@given(
    name=st.sampled_from(sorted(PAIRS)),
    batches=st.integers(1, 4).flatmap(lambda b: st.sampled_from([(b, b), (b, b), (b, b + 1)])),
    tails=st.tuples(TAILS, TAILS),
    dtypes=st.tuples(DTYPES, DTYPES),
    rank0=st.booleans(),
)
def test_loss_pairs_work_or_refuse_bad_shapes_and_dtypes(
    name: str,
    batches: tuple[int, int],
    tails: tuple[tuple[int, ...], tuple[int, ...]],
    dtypes: tuple[str, str],
    rank0: bool,
) -> None:
    fn = PAIRS[name]
    a = logits(batches[0], tails[0], dtypes[0], 0)
    b = logits(batches[1], tails[1], dtypes[1], 1)
    if rank0:
        a = a.reshape(-1)[0]
    try:
        value = fn(a, b)
    except (ValueError, TypeError) as error:
        refused(error, "logits")
        bad_dtype = any(d not in FLOATS for d in dtypes)
        assert rank0 or bad_dtype or batches[0] != batches[1], f"refused valid input: {error}"
        return
    assert dtypes[0] in FLOATS and dtypes[1] in FLOATS, f"accepted {dtypes}"
    assert batches[0] == batches[1] and not rank0, "accepted mismatched batches / a scalar"
    event("accepted")
    result = keras.ops.convert_to_numpy(value)
    assert result.shape == () and result.dtype == np.float32 and math.isfinite(float(result))
    per_example = keras.ops.convert_to_numpy(fn(a, b, reduction="none"))
    assert per_example.shape == (batches[0],)
    np.testing.assert_allclose(per_example.mean(), result, rtol=1e-5, atol=1e-6)
    flat = fn(a.reshape(batches[0], -1), b.reshape(batches[1], -1))  # trailing layout is free
    np.testing.assert_allclose(keras.ops.convert_to_numpy(flat), result, rtol=1e-5, atol=1e-6)


@SETTINGS
@given(
    name=st.sampled_from(sorted(SINGLES)),
    batch=st.integers(1, 4),
    tail=TAILS,
    dtype=DTYPES,
    reduction=st.sampled_from(["mean", "none", "sum", ""]),
)
def test_generator_losses_work_or_refuse(
    name: str, batch: int, tail: tuple[int, ...], dtype: str, reduction: str
) -> None:
    fn = SINGLES[name]
    x = logits(batch, tail, dtype, 2)
    try:
        value = keras.ops.convert_to_numpy(fn(x, reduction=reduction))
    except (ValueError, TypeError) as error:
        refused(error, "logits", "reduction")
        assert dtype not in FLOATS or reduction not in ("mean", "none"), str(error)
        return
    event("accepted")
    assert dtype in FLOATS and reduction in ("mean", "none")
    assert value.shape == (() if reduction == "mean" else (batch,))
    assert np.all(np.isfinite(value))


# ------------------------------------------------------------------------ GANTrainer
def tiny_pair() -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return g, d


PAIR = tiny_pair()
BAD_STEPS = st.one_of(
    st.integers(-2, 0), st.booleans(), st.floats(0, 3), st.none(), st.text(max_size=2)
)


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_trainer_constructor_accepts_exactly_the_valid_arguments(data: st.DataObject) -> None:
    g, d = PAIR
    names = ["d_steps", "g_steps", "latent_dim", "num_classes", "loss", "models", "seed"]
    names.append("penalties")
    valid = [
        st.integers(1, 3),
        st.integers(1, 3),
        st.sampled_from([None, 3]),
        st.none(),
        st.sampled_from([None, losses.Hinge(), losses.NonSaturating(real_label=0.9)]),
        st.just((g, d)),
        st.one_of(st.none(), st.integers(0, 2**63 - 1)),
        st.sampled_from([(), [losses.GradientPenalty()], (losses.R1Penalty(weight=1.0),)]),
    ]
    bad = [
        BAD_STEPS,
        BAD_STEPS,
        st.one_of(st.integers(-1, 2), st.integers(4, 9)),
        st.integers(-1, 3),
        st.sampled_from(["hinge", object(), 1]),
        st.sampled_from([(d, g), (g, g), (None, d), (g, "d")]),
        st.one_of(
            st.integers(2**63, 2**80),
            st.integers(-(2**40), -1),
            st.floats(),
            st.booleans(),
            st.text(max_size=3),
        ),
        st.sampled_from(["gp", [1], [losses.Hinge()], 3.0, [None], True]),
    ]
    v = one_broken(data, names, valid, bad)
    seed = v["seed"]
    generator, discriminator = v["models"]
    try:
        trainer = GANTrainer(
            generator,
            discriminator,
            loss=v["loss"],
            d_steps=v["d_steps"],
            g_steps=v["g_steps"],
            latent_dim=v["latent_dim"],
            num_classes=v["num_classes"],
            seed=seed,
            penalties=v["penalties"],
        )
    except (ValueError, TypeError) as error:
        assert v["broken"], f"refused valid arguments: {error}"
        expected = {"models": ("generator", "discriminator", "Generator")}.get(
            v["broken"], (v["broken"],)
        )
        refused(error, *expected)
        return
    assert not v["broken"], f"accepted a bad {v['broken']}: {v}"
    event("accepted")
    assert (trainer.d_steps, trainer.g_steps, trainer.latent_dim) == (
        v["d_steps"],
        v["g_steps"],
        3,
    )
    if seed is not None:
        assert trainer.seed == seed


# ------------------------------------------------------------------------------- CLI
def run_cli(argv: list[str]) -> tuple[int, str]:
    from ganlib.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def assert_one_line_usage_error(code: int, stderr: str, command: str, *names: str) -> None:
    assert code == 2, f"exit code {code}; stderr: {stderr}"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {stderr}"
    assert lines[0].startswith(f"ganlib {command}: error: ") or lines[0].startswith(
        "ganlib: error: "
    )
    assert "Traceback" not in stderr
    if names:
        assert any(n in lines[0] for n in names), f"{names} not in {lines[0]}"


NOT_POSITIVE_INT = st.one_of(
    st.integers(-(2**40), 0).map(str), st.sampled_from(["abc", "1.5", "", "1e3", "0x10"])
)
NOT_POSITIVE_FLOAT = st.one_of(
    st.floats(max_value=0.0, allow_nan=False).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "x"]),
)
BAD_OPTIONS = st.one_of(
    st.tuples(
        st.sampled_from(["--steps", "--batch-size", "--latent-dim", "--d-steps", "--epochs"]),
        NOT_POSITIVE_INT,
    ),
    st.tuples(st.just("--lr"), NOT_POSITIVE_FLOAT),
    st.tuples(st.just("--seed"), st.sampled_from(["-1", str(2**31), "seven"])),
    st.tuples(st.sampled_from(["--arch", "--loss", "--preset"]), st.sampled_from(["x", "", "gan"])),
)


@pytest.fixture(scope="module")
def cli_available() -> None:
    pytest.importorskip("ganlib.cli", reason="the CLI is not written yet")


@SETTINGS
@given(dataset=st.sampled_from(["ring", "grid", "mnist"]), bad=BAD_OPTIONS, before=st.booleans())
def test_cli_train_refuses_a_bad_option_with_exit_code_2_and_one_line(
    cli_available: None, tmp_path: Path, dataset: str, bad: tuple[str, str], before: bool
) -> None:
    option, value = bad
    out = tmp_path / f"run-{abs(hash((dataset, bad, before)))}"
    args = [option, value, "--out", str(out)]
    argv = ["train", *args, dataset] if before else ["train", dataset, *args]
    code, stderr = run_cli(argv)
    assert_one_line_usage_error(code, stderr, "train", option, "argument")
    assert not out.exists(), "a refused command wrote its --out folder"


@SETTINGS
@given(
    command=st.sampled_from(["train", "sample", "evaluate"]),
    name=st.text(
        alphabet=st.characters(codec="ascii", exclude_characters="\x00/"), min_size=1, max_size=8
    ).filter(lambda s: s.strip() not in ("", ".", "..") and not s.startswith("-")),
)
def test_cli_missing_dataset_or_run_folder_is_exit_code_2(
    cli_available: None, tmp_path: Path, command: str, name: str
) -> None:
    missing = str(tmp_path / "missing" / name)
    argv = [command, missing] if command != "train" else ["train", missing, "--out", missing]
    code, stderr = run_cli(argv)
    assert_one_line_usage_error(code, stderr, command)
    assert not (tmp_path / "missing").exists()


# ------------------------------------------ regression tests for bugs found here (R5, C1, R6)


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        pytest.param({"seed": 2**70}, "seed", id="seed_2**70"),
        pytest.param({"seed": "abc"}, "seed", id="seed_str"),
        pytest.param({"seed": 1.5}, "seed", id="seed_float"),
        pytest.param({"seed": True}, "seed", id="seed_bool"),
        pytest.param({"penalties": [1]}, "penalties", id="penalty_int"),
        pytest.param({"penalties": "gp"}, "penalties", id="penalty_str"),
    ],
)
def test_trainer_refuses_bad_seed_and_penalties_naming_them(
    kwargs: dict[str, Any], names: str
) -> None:
    g, d = PAIR
    with pytest.raises((ValueError, TypeError), match=names):
        GANTrainer(g, d, **kwargs)


@pytest.mark.parametrize("name", ["non_saturating_d", "wasserstein_d", "hinge_d"])
def test_losses_refuse_an_empty_batch(name: str) -> None:
    empty = np.zeros((0, 1), "float32")
    with pytest.raises(ValueError, match=r"empty|batch"):
        PAIRS[name](empty, empty)


def test_cli_huge_steps_is_refused_naming_steps_and_writes_nothing(
    cli_available: None, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, stderr = run_cli(["train", "ring", "--steps", str(10**23), "--out", str(out)])
    assert_one_line_usage_error(code, stderr, "train", "--steps")
    assert not out.exists()
