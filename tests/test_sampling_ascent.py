"""`ganlib.sampling.discriminator_ascent`: gradient steps up the logit, checked in closed form.

A discriminator seeing ``(x, x^2)`` through one Dense unit with weights ``(2 a c, -a)`` has the
logit ``-a |x - c|^2 + a |c|^2``: one ascent step of size ``eta`` maps ``x`` to
``c + (1 - 2 a eta) (x - c)``, so ``k`` steps contract the distance to ``c`` by
``(1 - 2 a eta)^k``.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib import sampling


def quadratic_discriminator(a: float, center: np.ndarray) -> keras.Model:
    x = keras.Input((2,))
    features = keras.layers.Concatenate()([x, keras.layers.Multiply()([x, x])])
    model = keras.Model(x, keras.layers.Dense(1)(features))
    model.set_weights([np.concatenate([2 * a * center, [-a, -a]])[:, None], np.zeros(1)])
    return model


def test_steps_contract_towards_the_logit_maximum() -> None:
    center = np.array([1.0, -2.0])
    d = quadratic_discriminator(2.0, center)
    x = np.random.default_rng(0).normal(0, 3, (7, 2)).astype("float32")
    before = x.copy()
    moved = sampling.discriminator_ascent(d, x, steps=3, step_size=0.05)
    np.testing.assert_allclose(moved, center + 0.8**3 * (x - center), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(x, before)  # the input is not changed


def test_samples_move_independently_of_their_chunk() -> None:
    d = quadratic_discriminator(1.0, np.array([0.5, 0.5]))
    x = np.random.default_rng(1).normal(0, 1, (10, 2))
    whole = sampling.discriminator_ascent(d, x, steps=2, step_size=0.1)
    chunked = sampling.discriminator_ascent(d, x, steps=2, step_size=0.1, batch_size=3)
    np.testing.assert_allclose(whole, chunked, rtol=1e-6, atol=1e-6)
    alone = sampling.discriminator_ascent(d, x[4:5], steps=2, step_size=0.1)
    np.testing.assert_allclose(alone, whole[4:5], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "`steps` must be a positive integer"),
        ({"step_size": 0.0}, "`step_size` must be > 0"),
        ({"samples": np.zeros(3)}, "shape (n, ...)"),
        ({"samples": np.full((2, 2), np.nan)}, "must be finite"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    d = quadratic_discriminator(1.0, np.zeros(2))
    arguments: dict[str, object] = {"samples": np.zeros((2, 2))} | kwargs
    samples = arguments.pop("samples")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sampling.discriminator_ascent(d, samples, **arguments)  # type: ignore[arg-type]


def test_a_discriminator_without_one_logit_per_sample_is_refused() -> None:
    two_logits = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one logit per sample"):
        sampling.discriminator_ascent(two_logits, np.zeros((4, 2)), steps=1)
