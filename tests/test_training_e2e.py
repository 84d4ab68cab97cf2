"""End-to-end training: the 2-D ring of 8 Gaussians and a few hundred steps on real MNIST."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import GANTrainer, callbacks, data, losses, metrics, models, optimizers


@pytest.mark.slow
def test_mlp_gan_captures_the_modes_of_the_ring() -> None:
    """4,000 steps at batch 256 capture >= 7 of 8 modes (8 for seeds 0-4 when tuned).

    Recipe for 2-D data (PITFALLS #8): linear output, no BatchNorm, MLP 128-128, latent 2,
    non-saturating loss, Adam 2e-4 / beta_1 0.5 for both nets. A mode counts as captured with
    PacGAN's rule: at least 20 of 2,500 samples within 3 std (0.03) of its centre.
    """
    keras.utils.set_random_seed(0)
    x = data.ring(256 * 250, seed=0)
    g = models.MLPGenerator(
        latent_dim=2,
        output_shape=(2,),
        hidden_units=(128, 128),
        batch_norm=False,
        output_activation=None,
    ).build()
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(128, 128)).build()
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(), seed=0)
    trainer.compile(*optimizers.dcgan(learning_rate=2e-4), jit_compile=True, steps_per_execution=50)
    history = trainer.fit(x, batch_size=256, epochs=16, verbose=0)
    assert int(trainer.step_counter.numpy()) == 4000
    assert np.all(np.isfinite(history.history["d_loss"]))
    result = metrics.mixture_metrics(trainer.sample(2500, seed=1), data.ring_mixture())
    assert result.modes_captured >= 7, result
    assert result.high_quality_fraction > 0.3, result


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:only the MNIST test split")
def test_a_few_hundred_steps_on_real_mnist(mnist_dir: Path, tmp_path: Path) -> None:
    x = data.load_mnist(mnist_dir)
    assert x.shape[1:] == (28, 28, 1) and x.dtype == np.float32
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=32, hidden_units=(128, 256)).build()
    d = models.MLPDiscriminator(hidden_units=(256, 128)).build()
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(real_label=0.9), seed=0)
    trainer.compile(*optimizers.dcgan())
    grid = callbacks.SampleGrid(tmp_path, n=16)
    history = trainer.fit(x[:9600], batch_size=64, epochs=2, callbacks=[grid], verbose=0)
    assert int(trainer.step_counter.numpy()) == 300
    for name in ("d_loss", "g_loss"):
        assert np.all(np.isfinite(history.history[name])), history.history
    samples = trainer.sample(64, seed=0)
    assert samples.shape == (64, 28, 28, 1)
    assert float(samples.std(axis=0).mean()) > 0.05  # not one constant image
    assert float(samples.std(axis=(1, 2, 3)).mean()) > 0.1  # not flat images
    assert (tmp_path / "samples_epoch_0002.png").is_file()
