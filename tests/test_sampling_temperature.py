"""`ganlib.sampling.with_temperature` and `check_temperature`."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib import sampling
from ganlib.models import with_infogan_latent


def _generator(conditional: bool = False) -> keras.Model:
    keras.utils.set_random_seed(0)
    z = keras.Input((3,))
    if not conditional:
        return keras.Model(z, keras.layers.Dense(2, activation="tanh")(z))
    labels = keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(4, 2)(labels)])
    return keras.Model([z, labels], keras.layers.Dense(2, activation="tanh")(h))


def test_the_latent_is_scaled_and_the_weights_shared() -> None:
    g = _generator()
    hot = sampling.with_temperature(g, 1.7)
    z = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    np.testing.assert_allclose(hot(z).numpy(), g(1.7 * z).numpy(), rtol=1e-6, atol=1e-7)
    samples, _ = sampling.generate(hot, 16, seed=0)
    np.testing.assert_allclose(samples, g(1.7 * z).numpy(), rtol=1e-6, atol=1e-7)
    g.layers[-1].bias.assign([0.5, -0.5])  # a change of the generator reaches the wrapper
    np.testing.assert_allclose(hot(z).numpy(), g(1.7 * z).numpy(), rtol=1e-6, atol=1e-7)
    assert sampling.with_temperature(g, 1) is g


def test_a_conditional_generator_keeps_its_labels() -> None:
    g = _generator(conditional=True)
    z = np.random.default_rng(1).standard_normal((8, 3)).astype("float32")
    labels = np.arange(8, dtype="int32") % 4
    out = sampling.with_temperature(g, 0.5)([z, labels]).numpy()
    np.testing.assert_allclose(out, g([0.5 * z, labels]).numpy(), rtol=1e-6, atol=1e-7)


def test_infogan_codes_keep_their_shares() -> None:
    """The categorical code is an argmax of latent entries: scaling does not change it."""
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
    g = with_infogan_latent(inner, num_categories=4, noise_scale=0.5)
    z = np.random.default_rng(2).standard_normal((32, 6)).astype("float32")
    hot = sampling.with_temperature(g, 2.0)(z).numpy()
    expected = np.concatenate([np.eye(4)[z[:, :4].argmax(1)], 2.0 * 0.5 * z[:, 4:]], axis=1)
    np.testing.assert_allclose(hot, inner(expected.astype("float32")).numpy(), rtol=1e-5)


def test_the_wrapper_saves_and_loads(tmp_path) -> None:
    hot = sampling.with_temperature(_generator(), 1.3)
    path = tmp_path / "hot.keras"
    hot.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    z = np.random.default_rng(3).standard_normal((4, 3)).astype("float32")
    np.testing.assert_allclose(loaded(z).numpy(), hot(z).numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "2", None])
def test_bad_temperatures_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="`temperature` must be a finite number > 0"):
        sampling.with_temperature(_generator(), bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`temperature` must be a finite number > 0"):
        sampling.check_temperature(bad)


def test_an_unconditional_wrapper_takes_a_bare_latent_without_a_keras_warning() -> None:
    import warnings

    hot = sampling.with_temperature(_generator(), 1.3)
    z = np.random.default_rng(4).standard_normal((4, 3)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when the input structure does not match
        hot(z)
