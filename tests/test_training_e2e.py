"""End-to-end training: a few hundred steps on real MNIST.

Learning the 2-D ring end to end is checked by `ganlib demo` (tests/test_cli_demo.py) and by
the custom-loop example (tests/test_examples_extra.py)."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganlib import GANTrainer, callbacks, data, losses, models, optimizers


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
