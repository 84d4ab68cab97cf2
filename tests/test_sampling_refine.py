"""`ganlib.sampling.refine_discriminator`: DRS's refinement moves D to the closed-form optimum.

Model N(0, 2^2), data N(0, 1): the optimal discriminator's logit is
``log(p_data / p_model) = log 2 - 3 x^2 / 8``. A discriminator that sees the features
``(x, x^2)`` through one Dense unit can represent it exactly (weights ``0, -3/8``, bias ``log 2``).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib import sampling


def quadratic_discriminator() -> keras.Model:
    x = keras.Input((1,))
    features = keras.layers.Concatenate()([x, keras.layers.Multiply()([x, x])])
    return keras.Model(x, keras.layers.Dense(1)(features))


def pools(n: int = 20000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(0, 1, (n, 1)), rng.normal(0, 2, (n, 1))


def model_proposal(k: int, rng: np.random.Generator) -> np.ndarray:
    """Fresh samples of the N(0, 2^2) model."""
    return rng.normal(0, 2, (k, 1))


@pytest.mark.parametrize("fresh", [False, True], ids=["pool", "proposal"])
def test_refinement_reaches_the_optimal_logit_and_leaves_the_original(fresh: bool) -> None:
    keras.utils.set_random_seed(0)
    d = quadratic_discriminator()
    before = [w.copy() for w in d.get_weights()]
    real, fake = pools()
    fakes = model_proposal if fresh else fake
    refined = sampling.refine_discriminator(d, real, fakes, steps=1500, learning_rate=0.02)
    x = np.linspace(-3, 3, 61, dtype="float32")[:, None]
    logits = keras.ops.convert_to_numpy(refined(x))[:, 0]
    optimum = np.log(2.0) - 3 * x[:, 0] ** 2 / 8
    start = keras.ops.convert_to_numpy(d(x))[:, 0]
    assert np.max(np.abs(logits - optimum)) < 0.15 < np.max(np.abs(start - optimum))
    for old, new in zip(before, d.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)  # the original discriminator is untouched


def test_refined_discriminator_makes_drs_exact() -> None:
    """Refined from random weights, DRS turns N(0, 2^2) proposals into N(0, 1) samples."""
    keras.utils.set_random_seed(1)
    real, fake = pools()
    d = sampling.refine_discriminator(
        quadratic_discriminator(), real, fake, steps=1500, learning_rate=0.02
    )
    drs = sampling.DiscriminatorRejectionSampler(d, burn_in=5000)
    propose = lambda k, rng: rng.normal(0, 2, (k, 1)).astype("float32")  # noqa: E731
    x = drs.sample(propose, 4000, seed=0)
    assert abs(float(x.std()) - 1.0) < 0.05 and abs(drs.acceptance_rate - 0.5) < 0.05


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "`steps` must be a positive integer"),
        ({"batch_size": 2.5}, "`batch_size` must be a positive integer"),
        ({"learning_rate": 0.0}, "`learning_rate` must be > 0"),
        ({"real": np.zeros((1, 1))}, "`real` must hold at least 2 samples"),
        ({"fake": np.full((4, 1), np.nan)}, "`fake` must be finite"),
        ({"fake": np.zeros((4, 2))}, "`real` and `fake` samples differ in shape"),
        ({"fake": lambda k, rng: np.zeros((k, 2))}, "`real` and `fake` samples differ in shape"),
        ({"fake": lambda k, rng: np.full((k, 1), np.inf)}, "`fake` must be finite"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, message: str) -> None:
    real, fake = pools(8)
    args = {"real": real, "fake": fake, **kwargs}
    with pytest.raises(ValueError, match=message):
        sampling.refine_discriminator(quadratic_discriminator(), **args)
