"""`InfoGANDiscriminator(minibatch_stddev=True)`: where the statistic enters, and that it is off
by default. Small widths; the paper shapes and the trainer are in test_auxiliary_trainers.py."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from ganlib.models import MinibatchStdDev
from ganlib.models.infogan import InfoGANDiscriminator

SMALL = {"extra_outputs": 11, "base_filters": 4, "hidden_units": 16, "q_hidden_units": 8}


def _layer_types(model: keras.Model) -> list[tuple[str, str]]:
    return [(layer.name, type(layer).__name__) for layer in model.layers]


def test_the_statistic_enters_the_adversarial_logit_only() -> None:
    builder = InfoGANDiscriminator(**SMALL, minibatch_stddev=True)
    d = builder.build()
    assert d.output_shape == (None, 1 + 11)
    stddev = d.get_layer("minibatch_stddev")
    assert isinstance(stddev, MinibatchStdDev)
    assert d.get_layer("logit").input.shape == (None, 16 + 1)
    assert d.get_layer("logit").input is stddev.output
    assert d.get_layer("q_fc").input is stddev.input  # Q reads the shared features as before
    # inference mode (BatchNorm on its moving statistics): only the statistic mixes samples, so
    # changing the rest of the batch moves the first samples' logits and not their Q outputs
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(4, 28, 28, 1)).astype("float32")
    other = np.concatenate([x[:2], np.zeros_like(x[2:])])
    a, b = d(x, training=False).numpy()[:2], d(other, training=False).numpy()[:2]
    np.testing.assert_allclose(a[:, 1:], b[:, 1:], rtol=1e-5, atol=1e-6)
    assert np.all(np.abs(a[:, 0] - b[:, 0]) > 1e-6)


def test_off_by_default_and_the_model_is_unchanged() -> None:
    default = InfoGANDiscriminator(**SMALL)
    assert default.get_config()["minibatch_stddev"] is False
    assert default == InfoGANDiscriminator(**SMALL, minibatch_stddev=False)
    d = default.build()
    assert not any(isinstance(layer, MinibatchStdDev) for layer in d.layers)
    assert d.get_layer("logit").input is d.get_layer("q_fc").input
    with_layer = InfoGANDiscriminator(**SMALL, minibatch_stddev=True).build()
    # the same layers but the statistic; the logit has one more input weight
    assert [t for t in _layer_types(with_layer) if t[0] != "minibatch_stddev"] == _layer_types(d)
    assert with_layer.count_params() == d.count_params() + 1


def test_config_round_trip_and_the_saved_model_loads_in_safe_mode(tmp_path: Path) -> None:
    builder = InfoGANDiscriminator(**SMALL, batch_norm=False, minibatch_stddev=True)
    config = builder.get_config()
    assert config["minibatch_stddev"] is True
    assert InfoGANDiscriminator.from_config(config) == builder
    assert InfoGANDiscriminator.from_config(config) != InfoGANDiscriminator(
        **SMALL, batch_norm=False
    )
    d = builder.build()
    path = tmp_path / "d.keras"
    d.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded.get_layer("minibatch_stddev"), MinibatchStdDev)
    x = np.random.default_rng(1).uniform(-1, 1, size=(4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(loaded(x).numpy(), d(x).numpy(), rtol=1e-5, atol=1e-5)
