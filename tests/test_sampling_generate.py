"""One sampling path: `sampling.generate` behind GANTrainer.sample, the metrics and the CLI."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganlib.cli.sample import generate as cli_generate
from ganlib.metrics.extraction import iter_samples
from ganlib.sampling import generate, generate_batches
from ganlib.trainer import GANTrainer


def conditional_pair(classes: int = 3) -> tuple[keras.Model, keras.Model]:
    z, label = keras.Input((4,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(classes, 2)(label)])
    g = keras.Model([z, label], keras.layers.Dense(2)(h))
    x, dl = keras.Input((2,)), keras.Input((1,), dtype="int32")
    d_h = keras.layers.Concatenate()(
        [x, keras.layers.Flatten()(keras.layers.Embedding(classes, 2)(dl))]
    )
    return g, keras.Model([x, dl], keras.layers.Dense(1)(d_h))


def plain_pair() -> tuple[keras.Model, keras.Model]:
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return g, d


def test_trainer_metrics_and_cli_draw_the_same_samples() -> None:
    g, d = plain_pair()
    trainer = GANTrainer(g, d, seed=0)
    expected, labels = generate(g, 10, seed=3, batch_size=4)
    assert labels is None
    np.testing.assert_array_equal(trainer.sample(10, seed=3, batch_size=4), expected)
    streamed = np.concatenate(list(iter_samples(g, 10, seed=3, batch_size=4)))
    np.testing.assert_array_equal(streamed, expected)
    from_cli, _ = cli_generate(g, 10, seed=3)
    np.testing.assert_allclose(from_cli, expected, rtol=1e-5, atol=1e-6)  # other batch size


def test_conditional_labels_cycle_the_same_way_everywhere() -> None:
    g, d = conditional_pair()
    trainer = GANTrainer(g, d, seed=0)
    samples, labels = generate(g, 7, seed=1, num_classes=3, batch_size=3)
    assert labels is not None and labels.tolist() == [0, 1, 2, 0, 1, 2, 0]
    np.testing.assert_array_equal(trainer.sample(7, seed=1, batch_size=3), samples)
    streamed = np.concatenate(list(iter_samples(g, 7, seed=1, batch_size=3, num_classes=3)))
    np.testing.assert_array_equal(streamed, samples)
    _, chosen = cli_generate(g, 5, seed=1, labels=[2, 1], num_classes=3)
    assert chosen is not None and chosen.tolist() == [2, 1, 2, 1, 2]


def test_generate_checks_its_arguments() -> None:
    g, _ = conditional_pair()
    with pytest.raises(ValueError, match="num_classes"):
        generate(g, 2)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        generate(g, 2, labels=[3], num_classes=3)
    with pytest.raises(ValueError, match="n="):
        generate(g, -1, num_classes=3)
    with pytest.raises(ValueError, match="noise"):
        generate(g, 2, num_classes=3, noise=np.zeros((3, 4), "float32"))
    plain, _ = plain_pair()
    with pytest.raises(ValueError, match="unconditional"):
        generate(plain, 2, labels=[0])
    samples, _ = generate(plain, 0)
    assert samples.shape == (0, 2)


def test_noise_replaces_the_seeded_draw_and_batches_split_it() -> None:
    g, _ = plain_pair()
    z = np.random.default_rng(9).standard_normal((5, 4)).astype("float32")
    samples, _ = generate(g, 5, noise=z, batch_size=5)
    np.testing.assert_array_equal(samples, np.asarray(g(z, training=False)))
    assert [len(b) for b, _ in generate_batches(g, 5, noise=z, batch_size=2)] == [2, 2, 1]
