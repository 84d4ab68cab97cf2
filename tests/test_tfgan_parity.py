"""ganlib against TF-GAN's own functions (the `tensorflow-gan` package, a dev dependency).

`import tensorflow_gan` fails on TensorFlow >= 2.16 (its package `__init__` imports the
estimator module, and `tf.estimator` is gone). Its pure modules still import once the package
`__init__` files are bypassed: `_tfgan(module)` loads `tensorflow_gan.python.<module>` that
way, and skips the test with the exact import error when even that fails. The table in
docs/migrating-from-tf-gan.md lists which modules import.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from ganlib import callbacks, losses, metrics

_PACKAGES = ("", ".python", ".python.losses", ".python.eval", ".python.features")


def _root() -> str | None:
    """The folder of the installed `tensorflow_gan` package, found without importing it."""
    known = sys.modules.get("tensorflow_gan")
    if known is not None and hasattr(known, "__path__"):
        return str(next(iter(known.__path__)))
    spec = importlib.util.find_spec("tensorflow_gan")
    return (
        None
        if spec is None or not spec.submodule_search_locations
        else str(next(iter(spec.submodule_search_locations)))
    )


def _tfgan(module: str) -> Any:
    """`tensorflow_gan.python.<module>`, loaded without running the package `__init__`s."""
    root = _root()
    if root is None:
        pytest.skip("tensorflow-gan is not installed (pip install -e '.[dev]')")
    for suffix in _PACKAGES:
        name = "tensorflow_gan" + suffix
        if name not in sys.modules or not hasattr(sys.modules[name], "__path__"):
            package = types.ModuleType(name)
            package.__path__ = [root + suffix.replace(".", "/")]
            sys.modules[name] = package
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(f"tensorflow_gan.python.{module}")
    except Exception as error:  # the reason is the skip message
        pytest.skip(
            f"tensorflow_gan.python.{module} does not import: {type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}"
        )


@pytest.mark.slow
def test_the_tfgan_package_itself_does_not_import_on_this_tensorflow() -> None:
    """Documents why `_tfgan` bypasses the package: if this starts to pass, update the doc."""
    if _root() is None:
        pytest.skip("tensorflow-gan is not installed (pip install -e '.[dev]')")
    code = "import tensorflow_gan"
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "estimator" in result.stderr


rng = np.random.default_rng(0)
REAL = rng.normal(0.5, 1.5, size=(16, 1)).astype("float32")
FAKE = rng.normal(-0.5, 1.5, size=(16, 1)).astype("float32")
CLASSES = 5
LABELS = rng.integers(0, CLASSES, size=16)
ONE_HOT = np.eye(CLASSES, dtype="float32")[LABELS]
REAL_CLS = rng.normal(size=(16, CLASSES)).astype("float32")
FAKE_CLS = rng.normal(size=(16, CLASSES)).astype("float32")
IMG = [rng.uniform(-1, 1, size=(4, 6, 6, 3)).astype("float32") for _ in range(4)]

LossCase = tuple[str, Callable[[Any], Any], Callable[[], Any]]
LOSS_CASES: list[LossCase] = [
    (
        "modified_generator_loss",
        lambda t: t.modified_generator_loss(FAKE),
        lambda: losses.non_saturating_generator_loss(FAKE),
    ),
    (
        "modified_discriminator_loss",
        lambda t: t.modified_discriminator_loss(REAL, FAKE, label_smoothing=0.25),
        lambda: losses.non_saturating_discriminator_loss(REAL, FAKE, real_label=0.875),
    ),
    (
        "minimax_discriminator_loss",
        lambda t: t.minimax_discriminator_loss(REAL, FAKE, label_smoothing=0.0),
        lambda: losses.minimax_discriminator_loss(REAL, FAKE),
    ),
    (
        # TF-GAN negates its discriminator loss with ones passed as the *logits* of the real
        # term, adding the constant -log(1 + e^-1): the same gradients, a shifted value.
        "minimax_generator_loss",
        lambda t: t.minimax_generator_loss(FAKE, label_smoothing=0.0) + np.log1p(np.exp(-1.0)),
        lambda: losses.minimax_generator_loss(FAKE),
    ),
    (
        "least_squares_discriminator_loss",
        lambda t: t.least_squares_discriminator_loss(REAL, FAKE),
        lambda: losses.least_squares_discriminator_loss(REAL, FAKE),
    ),
    (
        "least_squares_generator_loss",
        lambda t: t.least_squares_generator_loss(FAKE),
        lambda: losses.least_squares_generator_loss(FAKE),
    ),
    (
        "wasserstein_discriminator_loss",
        lambda t: t.wasserstein_discriminator_loss(REAL, FAKE),
        lambda: losses.wasserstein_discriminator_loss(REAL, FAKE),
    ),
    (
        "wasserstein_generator_loss",
        lambda t: t.wasserstein_generator_loss(FAKE),
        lambda: losses.wasserstein_generator_loss(FAKE),
    ),
    (
        "wasserstein_hinge_discriminator_loss",
        lambda t: t.wasserstein_hinge_discriminator_loss(REAL, FAKE),
        lambda: losses.hinge_discriminator_loss(REAL, FAKE),
    ),
    (
        "wasserstein_hinge_generator_loss",
        lambda t: t.wasserstein_hinge_generator_loss(FAKE),
        lambda: losses.hinge_generator_loss(FAKE),
    ),
    (
        "relativistic_discriminator_loss",
        lambda t: t.relativistic_discriminator_loss(REAL, FAKE),
        lambda: losses.relativistic_average_discriminator_loss(REAL, FAKE),
    ),
    (
        "relativistic_generator_loss",
        lambda t: t.relativistic_generator_loss(REAL, FAKE),
        lambda: losses.relativistic_average_generator_loss(FAKE, REAL),
    ),
    (
        "acgan_discriminator_loss",
        lambda t: t.acgan_discriminator_loss(REAL_CLS, FAKE_CLS, ONE_HOT),
        lambda: losses.acgan_discriminator_loss(REAL_CLS, FAKE_CLS, LABELS),
    ),
    (
        "acgan_generator_loss",
        lambda t: t.acgan_generator_loss(FAKE_CLS, ONE_HOT),
        lambda: losses.acgan_generator_loss(FAKE_CLS, LABELS),
    ),
    (
        "cycle_consistency_loss",
        # TF-GAN averages the two directions; ganlib sums them as the CycleGAN paper does.
        lambda t: 2 * t.cycle_consistency_loss(IMG[0], IMG[1], IMG[2], IMG[3]),
        lambda: losses.cycle_consistency_loss(IMG[0], IMG[1], IMG[2], IMG[3]),
    ),
    (
        "combine_adversarial_loss",
        lambda t: t.combine_adversarial_loss(
            tf.constant(0.7),
            tf.constant(2.5),
            weight_factor=100.0,
            scalar_summaries=False,
            gradient_summaries=False,
        ),
        lambda: losses.combine_adversarial_loss(100.0 * 2.5, 0.7, weight=1.0),
    ),
]


@pytest.mark.parametrize("case", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_losses_match_tfgan(case: LossCase) -> None:
    _, theirs, ours = case
    tfgan = _tfgan("losses.losses_impl")
    expected = float(theirs(tfgan))
    np.testing.assert_allclose(float(ours()), expected, rtol=1e-5, atol=1e-6)


def test_mutual_information_penalty_matches_tfgan() -> None:
    tfgan = _tfgan("losses.losses_impl")
    import tensorflow_probability as tfp

    codes = rng.integers(0, 4, size=16)
    logits = rng.normal(size=(16, 4)).astype("float32")
    continuous = rng.normal(size=(16, 1)).astype("float32")
    mean = rng.normal(size=(16, 1)).astype("float32")
    log_std = rng.normal(0, 0.3, size=(16, 1)).astype("float32")
    expected = tfgan.mutual_information_penalty(
        [tf.one_hot(codes, 4), continuous],
        [
            tfp.distributions.OneHotCategorical(logits=logits, dtype=tf.float32),
            tfp.distributions.Normal(mean, np.exp(log_std)),
        ],
    )
    ours = losses.mutual_information_penalty(
        categorical_codes=codes,
        categorical_logits=logits,
        continuous_codes=continuous,
        continuous_mean=mean,
        continuous_log_std=log_std,
    )
    # TF-GAN averages the per-code terms (two here); ganlib sums them as InfoGAN's objective.
    np.testing.assert_allclose(float(ours), 2 * float(expected), rtol=1e-5, atol=1e-6)


def test_gradient_penalty_matches_tfgan_on_a_linear_critic() -> None:
    """A linear critic has the same gradient at every interpolate, so the random
    interpolation weights of both libraries cannot make the values differ."""
    tfgan = _tfgan("losses.losses_impl")
    w = rng.normal(size=(6,)).astype("float32")
    real, fake = rng.normal(size=(8, 6)).astype("f4"), rng.normal(size=(8, 6)).astype("f4")
    with tf.Graph().as_default():

        def critic(x: Any, unused_inputs: Any) -> Any:
            return tf.reduce_sum(x * w, axis=1, keepdims=True)

        with tf.compat.v1.variable_scope("critic") as scope:
            pass
        penalty = tfgan.wasserstein_gradient_penalty(
            tf.constant(real), tf.constant(fake), None, critic, scope
        )
        with tf.compat.v1.Session() as session:
            expected = float(session.run(penalty))

    def keras_critic(x: Any, training: bool = True) -> Any:
        return tf.reduce_sum(x * w, axis=1, keepdims=True)

    ours = float(losses.gradient_penalty(keras_critic, real, fake, seed=0))
    np.testing.assert_allclose(ours, expected, rtol=1e-4)
    np.testing.assert_allclose(ours, (np.linalg.norm(w) - 1) ** 2, rtol=1e-4)


def test_frechet_distance_matches_tfgan() -> None:
    tfgan = _tfgan("eval.classifier_metrics")
    a = rng.normal(size=(200, 8))
    b = rng.normal(0.3, 1.2, size=(200, 8))
    expected = float(
        tfgan.frechet_classifier_distance_from_activations(tf.constant(a), tf.constant(b))
    )
    ours = metrics.frechet_distance(
        a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    )
    np.testing.assert_allclose(ours, expected, rtol=1e-4)


def test_kernel_distance_matches_tfgan() -> None:
    tfgan = _tfgan("eval.classifier_metrics")
    a = rng.normal(size=(300, 8))
    b = rng.normal(0.3, 1.2, size=(300, 8))
    expected = float(
        tfgan.kernel_classifier_distance_from_activations(tf.constant(a), tf.constant(b))
    )
    np.testing.assert_allclose(metrics.polynomial_mmd2(a, b), expected, rtol=1e-4)


def test_classifier_score_matches_tfgan() -> None:
    tfgan = _tfgan("eval.classifier_metrics")
    logits = rng.normal(0, 2, size=(500, 10)).astype("float32")
    expected = float(tfgan.classifier_score_from_logits(tf.constant(logits)))
    ours, _ = metrics.classifier_score(logits, splits=1, from_logits=True)
    np.testing.assert_allclose(ours, expected, rtol=1e-4)


def test_image_grid_matches_tfgan() -> None:
    tfgan = _tfgan("eval.eval_utils")
    images = rng.uniform(-1, 1, size=(6, 5, 4, 3)).astype("float32")
    theirs = tfgan.image_grid(tf.constant(images), (2, 3), (5, 4), 3).numpy()[0]
    ours = callbacks.image_grid(images, rows=2, cols=3, padding=0)
    np.testing.assert_array_equal(ours, np.clip(np.rint((theirs + 1) * 127.5), 0, 255))


# ------------------------------------------------------------------ the migration table
DOC = Path(__file__).resolve().parents[1] / "docs" / "migrating-from-tf-gan.md"
_MODULES = (
    "losses/tuple_losses",
    "eval/classifier_metrics",
    "eval/eval_utils",
    "eval/inception_metrics",
    "eval/sliced_wasserstein",
    "eval/summaries",
    "features/clip_weights",
    "features/conditioning_utils",
    "features/normalization",
    "features/random_tensor_pool",
    "features/spectral_normalization",
    "features/virtual_batchnorm",
    "train",
    "namedtuples",
    "estimator/gan_estimator",
    "estimator/stargan_estimator",
    "estimator/tpu_gan_estimator",
    "estimator/latent_gan_estimator",
    "tpu/normalization_ops",
    "tpu/cross_replica_ops",
)


def _table_rows() -> dict[str, str]:
    """{TF-GAN name: ganlib cell} from the mapping tables (rows whose third cell is checked)."""
    rows: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        checked = len(cells) == 3 and (cells[2] in ("—", "yes") or cells[2].startswith("yes ("))
        if checked and re.fullmatch(r"`[A-Za-z_]\w*`", cells[0]):
            name = cells[0].strip("`")
            assert name not in rows, f"{name} is listed twice"
            rows[name] = cells[1]
    return rows


def _tfgan_public_names(root: str) -> set[str]:
    names: set[str] = set()
    for module in _MODULES:
        tree = ast.parse(Path(root, "python", f"{module}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "__all__" for t in node.targets
            ):
                names.update(ast.literal_eval(node.value))
    return names


def test_migration_table_lists_every_tfgan_name_once_with_the_stated_counts() -> None:
    rows = _table_rows()
    kinds = {"ganlib": 0, "keras": 0, "not provided": 0}
    for cell in rows.values():
        if cell.startswith("not provided"):
            kinds["not provided"] += 1
        elif cell.startswith("Keras"):
            kinds["keras"] += 1
        else:
            kinds["ganlib"] += 1
    text = DOC.read_text(encoding="utf-8")
    assert f"Of TF-GAN's **{len(rows)}** public names" in text
    assert f"| a ganlib function, class or argument | **{kinds['ganlib']}** |" in text
    assert f"| plain Keras / TensorFlow (works with ganlib as it is) | **{kinds['keras']}** |" in (
        text
    )
    assert f"| not provided | **{kinds['not provided']}** |" in text
    root = _root()
    if root is None:
        pytest.skip("tensorflow-gan is not installed: names not compared with its __all__")
    expected = _tfgan_public_names(root)
    assert sorted(set(rows) - expected) == [] and sorted(expected - set(rows)) == []
