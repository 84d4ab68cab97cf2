"""`ganlib.models.mixture`: a mixture of generators as one generator (`generator_mixture`)."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import models
from ganlib.sampling import generate, with_temperature


def _members(count: int = 3, latent: int = 5) -> list[keras.Model]:
    keras.utils.set_random_seed(0)
    return [models.MLPGenerator(latent, (2, 3), hidden_units=(8,)).build() for _ in range(count)]


def _z(rows: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, width)).astype("float32")


def test_each_row_is_its_chosen_members_output_on_the_shared_latent() -> None:
    members = _members()
    mixture = models.generator_mixture(members)
    z = _z(300, 7)
    index = models.MemberChoice(3).member_index(z[:, 5:]).numpy()
    expected = np.stack([g(z[:, :5]).numpy() for g in members])[index, np.arange(300)]
    np.testing.assert_allclose(mixture(z).numpy(), expected, atol=1e-6)
    assert set(index.tolist()) == {0, 1, 2}


def test_the_choice_is_the_selectors_angle_sector() -> None:
    degrees = np.array([-179.0, -61.0, -59.0, -1.0, 1.0, 59.0, 61.0, 179.0])
    radians = np.deg2rad(degrees)
    selector = np.stack([np.cos(radians), np.sin(radians)], axis=1).astype("float32")
    index = models.MemberChoice(3).member_index(selector).numpy().tolist()
    assert index == [0, 0, 1, 1, 1, 1, 2, 2]  # sectors [-180, -60), [-60, 60), [60, 180]
    assert models.MemberChoice(2).member_index(selector).numpy().tolist() == [0] * 4 + [1] * 4


def test_members_are_picked_uniformly_and_temperature_does_not_change_the_choice() -> None:
    choice = models.MemberChoice(4)
    z = _z(40_000, 2, seed=1)
    index = choice.member_index(z).numpy()
    shares = np.bincount(index, minlength=4) / len(index)
    np.testing.assert_allclose(shares, 0.25, atol=0.01)  # 4 binomial sd at n = 40,000
    np.testing.assert_array_equal(choice.member_index(1.7 * z).numpy(), index)


def test_an_unchosen_members_nan_does_not_leak() -> None:
    selector = np.array([[1.0, -1.0]], "float32")  # member 0
    bad = np.full((1, 3), np.nan, "float32")
    out = models.MemberChoice(2)([selector, np.ones((1, 3), "float32"), bad]).numpy()
    np.testing.assert_array_equal(out, np.ones((1, 3)))


def test_saved_mixture_loads_in_safe_mode_and_samples_the_same(tmp_path: Path) -> None:
    mixture = models.generator_mixture(_members(2))
    path = tmp_path / "generator.keras"
    mixture.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    a, _ = generate(mixture, 50, seed=3)
    b, _ = generate(loaded, 50, seed=3)
    np.testing.assert_array_equal(a, b)
    hot = with_temperature(loaded, 1.5)
    z = _z(50, 7, seed=4)
    np.testing.assert_allclose(hot(z).numpy(), mixture(1.5 * z).numpy(), atol=1e-6)


def test_it_shares_the_members_weights() -> None:
    members = _members(2)
    mixture = models.generator_mixture(members)
    z = _z(64, 7, seed=5)
    before = mixture(z).numpy()
    for w in members[1].trainable_weights:
        w.assign(w + 1.0)
    index = models.MemberChoice(2).member_index(z[:, 5:]).numpy()
    changed = np.any(mixture(z).numpy() != before, axis=(1, 2))
    np.testing.assert_array_equal(changed, index == 1)


@pytest.mark.parametrize(
    ("members", "match"),
    [
        (lambda: _members(1), "at least 2"),
        (lambda: [*_members(1), models.MLPGenerator(4, (2, 3), hidden_units=(8,)).build()],
         "same latent and output"),
        (lambda: [*_members(1), models.MLPGenerator(5, (3, 2), hidden_units=(8,)).build()],
         "same latent and output"),
        (lambda: [models.MLPGenerator(5, (6,), hidden_units=(8,), num_classes=3).build()] * 2,
         "unconditional"),
    ],
)  # fmt: skip
def test_bad_members_are_refused(members: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        models.generator_mixture(members())  # type: ignore[operator]


def test_layer_settings_are_checked_and_round_trip() -> None:
    for bad in (1, 0, True, 2.0):
        with pytest.raises(ValueError, match="num_members"):
            models.MemberChoice(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="latent_dim"):
        models.MixtureLatent(0)
    layer = models.MemberChoice(3, name="c")
    assert models.MemberChoice.from_config(layer.get_config()).num_members == 3
    assert models.MixtureLatent.from_config(models.MixtureLatent(4).get_config()).latent_dim == 4
