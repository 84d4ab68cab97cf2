"""`benchmarks/_mnist_conv.py`'s `Tempered`: a generator sampled with its latent scaled by t
(`mnist_recipe.py truncate --temperature`, issue 12's recall runs).

Untrained networks, a few samples each: the trained rows are in docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _mnist_conv as conv
import _mnist_variants as variants


def test_temperature_one_is_trainer_sample() -> None:
    trainer = variants.build("paper+info+nojit", seed=0, steps=10)
    tempered = conv.Tempered(trainer, 1.0).sample(6, seed=3)
    assert tempered.dtype == np.float32
    np.testing.assert_array_equal(tempered, trainer.sample(6, seed=3, use_ema=False))


def test_temperature_widens_the_infogan_noise_and_keeps_the_code() -> None:
    # noise scale 0.5 at t = 2 is noise scale 1.0 at t = 1 (exact: both are powers of two),
    # because the code is the argmax of the first 10 entries, which scaling does not change
    trainer = variants.build("paper+info+nojit", seed=0, steps=10)
    doubled = conv.Tempered(trainer, 2.0).sample(6, seed=3)
    plain = conv.Tempered(trainer, 1.0).sample(6, seed=3)
    trainer.noise_scale = 1.0
    np.testing.assert_array_equal(doubled, conv.Tempered(trainer, 1.0).sample(6, seed=3))
    assert not np.allclose(doubled, plain, atol=1e-3)


def test_temperature_scales_a_truncated_latent() -> None:
    import keras

    from ganlib import GANTrainer

    g = keras.Sequential([keras.Input((4,)), keras.layers.Identity()])  # samples = the latent
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    z = conv.Tempered(GANTrainer(g, d, seed=0), 1.5, truncation=0.5).sample(300, seed=1)
    assert z.shape == (300, 4)
    assert 0.7 < np.abs(z).max() <= 0.75  # |z| <= 0.5 before scaling by 1.5
    untruncated = conv.Tempered(GANTrainer(g, d, seed=0), 1.5).sample(300, seed=1)
    assert 1.2 < untruncated.std() < 1.8


def test_recalibrate_bn_sets_the_statistics_of_the_latents() -> None:
    import keras

    from ganlib import GANTrainer

    dense = keras.layers.Dense(3, use_bias=False)
    norm = keras.layers.BatchNormalization(momentum=0.99)
    g = keras.Sequential([keras.Input((4,)), dense, norm])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    trainer = GANTrainer(g, d, seed=0)
    assert conv.recalibrate_bn(trainer, n=500, seed=7) == 1
    z = np.random.default_rng(7).standard_normal((500, 4)).astype("float32")
    h = z @ dense.get_weights()[0]
    np.testing.assert_allclose(norm.moving_mean.numpy(), h.mean(0), atol=1e-5)
    np.testing.assert_allclose(norm.moving_variance.numpy(), h.var(0), rtol=1e-4)
    assert norm.momentum == 0.99  # restored after the pass
    # inference now normalises those latents to zero mean, unit variance
    out = g.predict(z, verbose=0)
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(out.var(0), 1.0, atol=1e-2)
