"""`ganlib.data.DeviceData`: batches drawn inside the compiled step.

What must hold: the same samples and weights as the numpy-array path for the same data order;
each epoch a permutation (without replacement) that depends only on the seed and the epoch,
the same with and without XLA; exact resume from `data_position`; labels that stay with
their samples; `validation_data`; and N replicas training like one device.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import GANTrainer, callbacks, data, models


def _trainer(seed: int = 0, conditional: bool = False, **compile_kwargs: object) -> GANTrainer:
    keras.utils.set_random_seed(seed)
    classes = 3 if conditional else None
    g = models.MLPGenerator(
        latent_dim=4,
        output_shape=(2,),
        hidden_units=(16,),
        batch_norm=False,
        output_activation=None,
        num_classes=classes,
    ).build()
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(16,), num_classes=classes).build()
    trainer = GANTrainer(g, d, seed=seed + 1)
    trainer.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2), **compile_kwargs)
    return trainer


def _weights(trainer: GANTrainer) -> list[np.ndarray]:
    return [np.array(w) for w in trainer.generator.weights + trainer.discriminator.weights]


def _order(source: data.DeviceData, positions: int, jit: bool) -> np.ndarray:
    """The indices `draw` takes at positions 0..positions-1 (rows encode their index)."""
    source.bind(7)

    @tf.function(jit_compile=jit)
    def draw(position: tf.Tensor) -> tf.Tensor:
        return source.draw(position, source.batch_size, (0, source.batch_size), 7)[0]

    rows = [draw(tf.constant(p, "int64")).numpy()[:, 0] for p in range(positions)]
    return np.concatenate(rows).astype(int)


def test_same_weights_as_the_array_path_for_the_same_order() -> None:
    x = data.ring(64, seed=0)
    a, b = _trainer(), _trainer()
    a.fit(x, batch_size=16, epochs=2, shuffle=False, verbose=0)
    b.fit(data.DeviceData(x, batch_size=16, shuffle=False), epochs=2, verbose=0)
    assert int(b.data_position.numpy()) == 8 and int(a.step_counter.numpy()) == 8
    for wa, wb in zip(_weights(a), _weights(b), strict=True):
        np.testing.assert_allclose(wb, wa, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("jit", [False, True])
def test_each_epoch_is_a_fresh_permutation_without_replacement(jit: bool) -> None:
    x = np.arange(50, dtype="float32").reshape(50, 1)  # each row holds its own index
    source = data.DeviceData(x, batch_size=8)  # 6 steps per epoch, 2 samples left out
    order = _order(source, 18, jit)
    epochs = order.reshape(3, 48)
    for epoch in epochs:
        assert len(set(epoch.tolist())) == 48  # no repeat within an epoch
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled
    assert not np.array_equal(epochs[0], np.sort(epochs[0]))  # shuffled at all
    assert np.array_equal(epochs[1], source.permutation(1, 7).numpy()[:48])  # seed and epoch only


def test_the_order_is_the_same_with_and_without_xla() -> None:
    source = data.DeviceData(np.arange(40, dtype="float32").reshape(40, 1), batch_size=10)
    np.testing.assert_array_equal(_order(source, 8, jit=True), _order(source, 8, jit=False))


def test_resume_from_a_checkpoint_is_exact(tmp_path: Path) -> None:
    x = data.ring(48, seed=1)
    straight = _trainer()
    straight.fit(data.DeviceData(x, batch_size=16), epochs=3, verbose=0)
    first = _trainer()
    first.fit(
        data.DeviceData(x, batch_size=16),
        epochs=1,
        verbose=0,
        callbacks=[callbacks.GANCheckpoint(tmp_path)],
    )
    resumed = _trainer()
    epoch = resumed.restore(tmp_path)
    assert epoch == 1 and int(resumed.data_position.numpy()) == 3  # restored by name
    resumed.fit(data.DeviceData(x, batch_size=16), epochs=3, initial_epoch=epoch, verbose=0)
    for ws, wr in zip(_weights(straight), _weights(resumed), strict=True):
        np.testing.assert_array_equal(wr, ws)  # identical computations: exact


def test_labels_stay_with_their_samples_and_validation_data_runs() -> None:
    x = np.arange(30, dtype="float32").reshape(15, 2)
    y = np.arange(15) % 3
    source = data.DeviceData(x, y, batch_size=5, seed=2)
    source.bind(2)
    real, labels = source.draw(tf.constant(4, "int64"), 5, (0, 5), 2)
    index = (real.numpy()[:, 0] / 2).astype(int)
    np.testing.assert_array_equal(labels.numpy(), index % 3)
    trainer = _trainer(conditional=True, steps_per_execution=2)
    history = trainer.fit(
        source, epochs=2, verbose=0, validation_data=data.DeviceData(x, y, batch_size=5)
    )
    assert {"val_d_loss", "val_g_loss"} <= set(history.history)
    assert np.isfinite(history.history["val_d_loss"]).all()
    assert int(trainer.data_position.numpy()) == 6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y": np.zeros(8, "int32")}, "labels inside the DeviceData"),
        ({"batch_size": 4}, "`batch_size` is set by the DeviceData"),
        ({"validation_split": 0.5}, "`validation_split` is not supported"),
    ],
)
def test_fit_rejects_arguments_that_do_not_apply(kwargs: dict, message: str) -> None:
    trainer = _trainer()
    with pytest.raises(ValueError, match=message):
        trainer.fit(data.DeviceData(data.ring(8, seed=0), batch_size=8), verbose=0, **kwargs)


def test_device_data_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="float array"):
        data.DeviceData(np.zeros((4, 2), "int32"))
    with pytest.raises(ValueError, match="batch_size"):
        data.DeviceData(np.zeros((4, 2), "float32"), batch_size=5)
    with pytest.raises(ValueError, match="integer labels"):
        data.DeviceData(np.zeros((4, 2), "float32"), y=np.zeros(3), batch_size=2)
    trainer = _trainer()
    with pytest.raises(ValueError, match="shape"):
        trainer.fit(data.DeviceData(np.zeros((8, 3), "float32"), batch_size=4), verbose=0)
