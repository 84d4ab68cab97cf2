"""`benchmarks/_mnist_selfcond.py` and the ``scK`` tokens of `benchmarks/_mnist_variants.py`:
self-conditioning the MNIST recipe on k-means clusters (issue 12, session 13).

Clustering on toy blobs, model builds and label draws only (no MNIST, no training run): the
trained rows are in docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _mnist_selfcond as selfcond
import _mnist_variants as variants

#: Skewed cluster frequencies for `sc10` (stand-ins for the MNIST clusters' in these tests).
FREQ = np.array([0.3, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.02])


def test_kmeans_recovers_separated_blobs() -> None:
    rng = np.random.default_rng(1)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat(np.arange(3), [50, 30, 20])
    x = centres[truth] + rng.normal(0, 0.5, (100, 2))
    labels, found = selfcond.kmeans(x, 3, seed=0)
    # the same partition up to a renaming of the clusters
    assert len({(int(a), int(b)) for a, b in zip(truth, labels, strict=True)}) == 3
    assert np.allclose(np.sort(found, axis=0), np.sort(centres, axis=0), atol=0.3)


@pytest.mark.parametrize(
    "variant",
    ["dc16+sc30", "paper+info+sc30", "paper+sc10+sc30", "paper+mbstd+sc10", "paper+sc10+scp10"],
)
def test_sc_tokens_are_refused_off_the_plain_paper_pair(variant: str) -> None:
    with pytest.raises(ValueError, match="scK"):
        variants.parse(variant)


@pytest.fixture
def trainer(monkeypatch: pytest.MonkeyPatch) -> object:
    labels = np.arange(100) % 10
    monkeypatch.setattr(selfcond, "clusters", lambda k: (labels, FREQ))
    return variants.build("paper+b64+glr3+sc10+nojit", seed=0, steps=10)


def test_sc10_builds_an_acgan_on_the_clusters(trainer: object) -> None:
    import tensorflow as tf

    from ganlib.auxiliary_trainers import ACGANTrainer

    assert variants.parse("paper+b64+glr3+sc30")[1] == {"b64", "glr3", "sc30"}
    assert isinstance(trainer, ACGANTrainer)
    assert trainer.num_classes == 10  # type: ignore[attr-defined]
    g, d = trainer.generator, trainer.discriminator  # type: ignore[attr-defined]
    assert g.get_layer("fc_0").input.shape == (None, 10 + selfcond.NOISE)
    assert d.output_shape == (None, 1 + 10)
    z = tf.zeros((2, selfcond.NOISE))
    a, b = (g([z, tf.constant([c, c])], training=False) for c in (0, 9))
    assert not np.allclose(a.numpy(), b.numpy())  # the cluster reaches G


def test_generated_clusters_follow_the_frequencies(trainer: object) -> None:
    import tensorflow as tf

    draw = tf.function(lambda: trainer._labels(tf.constant(20_000), 10), jit_compile=True)  # type: ignore[attr-defined]
    for labels in (draw().numpy(), trainer.cluster_draw(20_000, seed=3)):  # type: ignore[attr-defined]
        assert np.abs(np.bincount(labels, minlength=10) / 20_000 - FREQ).max() < 0.01
    samples = trainer.sample(6, seed=0)  # type: ignore[attr-defined]
    assert samples.shape == (6, 28, 28, 1)
    again = trainer.sample(6, labels=trainer.cluster_draw(6, 0), seed=0)  # type: ignore[attr-defined]
    assert np.array_equal(samples, again)


def test_cluster_power_flattens_the_draw(trainer: object) -> None:
    """`cluster_draw(..., power)`: frequencies**power renormalized; power 1 is the data's draw,
    power 0 uniform, and `Tempered` samples with the clusters of that draw."""
    draw = trainer.cluster_draw  # type: ignore[attr-defined]
    assert np.array_equal(draw(500, 4, 1.0), draw(500, 4))
    for power in (0.0, 0.5):
        expected = FREQ**power / (FREQ**power).sum()
        share = np.bincount(draw(40_000, 5, power), minlength=10) / 40_000
        assert np.abs(share - expected).max() < 0.01
    flat = selfcond.Tempered(trainer, 1.0, power=0.0).sample(6, seed=0)
    labels = draw(6, 0, 0.0)
    expected_images = trainer.sample(6, labels, seed=0, use_ema=False)  # type: ignore[attr-defined]
    assert np.array_equal(flat, expected_images)


def test_scp10_conditions_the_adversarial_logit_by_projection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tensorflow as tf

    from ganlib.auxiliary_trainers import ACGANTrainer

    monkeypatch.setattr(selfcond, "clusters", lambda k: (np.arange(100) % 10, FREQ))
    trainer = variants.build("paper+b64+glr3+scp10+nojit", seed=0, steps=10)
    assert not isinstance(trainer, ACGANTrainer) and trainer.num_classes == 10
    d = trainer.discriminator
    assert d.output_shape == (None, 1) and len(d.inputs) == 2
    x = tf.random.stateless_uniform((2, 28, 28, 1), [0, 1], -1, 1)
    d.get_layer("projection_embedding").set_weights(
        [np.random.default_rng(0).normal(size=(10, variants.PAPER["hidden"]))]
    )  # a fresh embedding may be all but zero: make the label's term visible
    a, b = (d([x, tf.constant([c, c])], training=False) for c in (0, 9))
    assert not np.allclose(a.numpy(), b.numpy())  # the cluster reaches D's logit
    counts = np.bincount(trainer.cluster_draw(20_000, seed=1), minlength=10)
    assert np.abs(counts / 20_000 - FREQ).max() < 0.01
