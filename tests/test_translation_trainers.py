"""TranslationTrainer and CycleGANTrainer: training, errors, callbacks, EMA, resume."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from _translation_worker import tiny_critic, tiny_translator
from ganlib import CycleGANTrainer, TranslationTrainer, callbacks, data, models


def _paired(seed: int = 0, lr: float = 2e-4, **kwargs) -> TranslationTrainer:
    keras.utils.set_random_seed(seed)  # the same initial weights for the same seed
    trainer = TranslationTrainer(tiny_translator(28), tiny_critic(28, 2), seed=seed, **kwargs)
    trainer.compile(keras.optimizers.Adam(lr, beta_1=0.5), keras.optimizers.Adam(lr, beta_1=0.5))
    return trainer


def _cycle(seed: int = 0, **kwargs) -> CycleGANTrainer:
    keras.utils.set_random_seed(seed)
    g, d = tiny_translator, tiny_critic  # four builders' step costs ~15 s of CPU to trace
    trainer = CycleGANTrainer(g(28), g(28), d(28), d(28), pool_size=4, seed=seed, **kwargs)
    trainer.compile()
    return trainer


def _images(n: int, seed: int) -> np.ndarray:
    """Smooth random images: 7x7 noise upsampled to 28x28, in (-1, 1)."""
    small = np.random.default_rng(seed).standard_normal((n, 7, 7, 1))
    return np.tanh(small.repeat(4, axis=1).repeat(4, axis=2)).astype("float32")


@pytest.mark.slow
def test_paired_learns_a_fixed_map_and_logs() -> None:
    x = _images(32, 0)
    y = -x  # a simple map the L1 term makes learnable in a few steps
    trainer = _paired(lr=3e-3, reconstruction_weight=100.0)
    before = float(np.abs(trainer.translate(x, use_ema=False) - y).mean())
    history = trainer.fit(x, y, batch_size=8, epochs=6, verbose=0)
    after = float(np.abs(trainer.translate(x, use_ema=False) - y).mean())
    assert after < 0.6 * before
    assert set(history.history) == {
        "d_loss", "g_loss", "g_adversarial", "reconstruction", "d_real", "d_fake"
    }  # fmt: skip
    assert int(trainer.step_counter.numpy()) == 24
    logs = trainer.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert np.isfinite(logs["reconstruction"])


def test_paired_errors() -> None:
    trainer = _paired()
    x = _images(8, 0)
    with pytest.raises(ValueError, match="CycleGANTrainer"):
        trainer.fit(x, batch_size=4, verbose=0)  # no targets
    with pytest.raises(ValueError, match="8 inputs but 6 targets"):
        trainer.fit(x, x[:6], batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="shape"):
        trainer.fit(x, np.zeros((8, 28, 28, 3), "float32"), batch_size=4, verbose=0)
    unpaired = data.unpaired_arrays(x, x, 4)
    with pytest.raises(ValueError, match="paired batches"):
        trainer.fit(unpaired, verbose=0)
    g = models.UNetGenerator(base_filters=4).build()
    d = models.PatchGANDiscriminator(input_shape=(28, 28, 3), base_filters=4).build()
    with pytest.raises(ValueError, match=r"\(28, 28, 2\) .* or \(28, 28, 1\)"):
        TranslationTrainer(g, d)
    with pytest.raises(TypeError, match="loss"):
        TranslationTrainer(g, models.PatchGANDiscriminator(base_filters=4).build(), loss="bce")


@pytest.mark.slow
def test_cycle_trains_pools_and_checks_shapes(tmp_path) -> None:
    trainer = _cycle()
    a, b = _images(16, 1), data.dilate(_images(12, 2))
    grid = callbacks.TranslationGrid(tmp_path, inputs=a[:2], direction="b_to_a")
    unpaired = data.unpaired_arrays(a, b, 4, seed=0)
    history = trainer.fit(unpaired, epochs=2, verbose=0, callbacks=[grid])
    assert len(grid.written) == 2  # one grid an epoch
    png = tf.io.decode_png(tf.io.read_file(str(grid.written[0])))
    assert tuple(png.shape) == (2 * 29 - 1, 2 * 29 - 1, 1)  # 2 rows of input|output (no target)
    assert {"cycle", "identity", "d_a_loss", "d_b_loss"} <= set(history.history)
    assert int(trainer.pool_a.count.numpy()) == 4  # the history filled
    assert {"state:pool_a_images", "state:pool_b_count"} <= set(trainer.checkpoint_groups())
    assert trainer.translate(a[:3], "b_to_a").shape == (3, 28, 28, 1)
    with pytest.raises(ValueError, match="direction"):
        trainer.translate(a, "sideways")
    with pytest.raises(ValueError, match="equal lengths"):
        trainer.fit(a, b, batch_size=4, verbose=0)
    g1 = models.ResNetGenerator(base_filters=4, num_blocks=1).build()
    g3 = models.ResNetGenerator(output_channels=3, base_filters=4, num_blocks=1).build()
    d = models.PatchGANDiscriminator(base_filters=4).build()
    with pytest.raises(ValueError, match="do not chain"):
        CycleGANTrainer(g1, g3, d, d)


@pytest.mark.slow
def test_translation_grid_and_ema(tmp_path) -> None:
    x = _images(8, 3)
    trainer = _paired()
    grid = callbacks.TranslationGrid(tmp_path, inputs=x[:3], targets=-x[:3])
    ema = callbacks.GeneratorEMA(decay=0.5)
    trainer.fit(x, -x, batch_size=4, epochs=1, verbose=0, callbacks=[grid, ema])
    png = tf.io.decode_png(tf.io.read_file(str(grid.written[0])))
    assert tuple(png.shape) == (3 * 29 - 1, 3 * 29 - 1, 1)  # 3 rows of input|output|target
    with_ema, raw = trainer.translate(x), trainer.translate(x, use_ema=False)
    assert not np.allclose(with_ema, raw)  # the EMA weights differ from the raw ones


@pytest.mark.slow
@pytest.mark.parametrize("make", [_paired, _cycle])
def test_exact_resume(tmp_path, make) -> None:
    x, y = _images(16, 4), _images(16, 5)
    kwargs = {"batch_size": 8, "shuffle": False, "verbose": 0}
    straight = make(seed=1)  # saves after epoch 1, then goes on uninterrupted
    straight.fit(x, y, epochs=1, callbacks=[callbacks.GANCheckpoint(tmp_path)], **kwargs)
    straight.fit(x, y, epochs=2, initial_epoch=1, **kwargs)
    resumed = make(seed=1)
    epoch = resumed.restore(tmp_path)
    resumed.fit(x, y, epochs=2, initial_epoch=epoch, **kwargs)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(straight.rng_state.numpy(), resumed.rng_state.numpy())
