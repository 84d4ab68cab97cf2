"""Scaling out: MirroredStrategy, MultiWorkerMirroredStrategy, mixed precision, accumulation.

The multi-worker test runs in subprocesses (tests/_mwms_worker.py): `TF_CONFIG` must be set
before TensorFlow initialises, and must not leak into other tests. Two replicas on one
machine: tests/test_two_devices.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import _mwms_worker
from _helpers import child_env
from ganlib import GANTrainer, data, losses, models

WORKER = Path(__file__).with_name("_mwms_worker.py")
TIMEOUT_S = 180  # normally ~30 s; generous for CI on 2 shared cores


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_multi_worker_loopback_workers_agree_and_only_chief_writes(tmp_path: Path) -> None:
    """2 worker processes over 127.0.0.1: both finish with the weights of a one-device run of
    the same global batches (atol 1e-5; measured 2e-7); only worker 0 writes files."""
    ports = [_free_port(), _free_port()]
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    procs = []
    try:
        for index in range(2):
            out_dir = tmp_path / f"worker{index}"
            out_dir.mkdir()
            config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            procs.append(
                subprocess.Popen(
                    [sys.executable, str(WORKER), str(out_dir)],
                    env=child_env(TF_CONFIG=json.dumps(config)),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        outputs = [proc.communicate(timeout=TIMEOUT_S)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for index, (proc, output) in enumerate(zip(procs, outputs, strict=True)):
        assert proc.returncode == 0, f"worker {index} failed:\n{output[-4000:]}"
    chief = np.load(tmp_path / "worker0" / "weights.npz")
    other = np.load(tmp_path / "worker1" / "weights.npz")
    assert (int(chief["task_index"]), int(other["task_index"])) == (0, 1)
    assert int(chief["worker/step"]) == int(other["worker/step"]) == 3
    names = [n for n in chief.files if n.startswith("worker/")]
    assert sorted(other.files) == sorted(chief.files) and len(names) > 4 + 1
    for name in names:
        np.testing.assert_allclose(other[name], chief[name], rtol=0, atol=1e-6, err_msg=name)
    trainer, logs = _mwms_worker.train(tf.distribute.get_strategy())  # one device, in-process
    single = _mwms_worker.arrays("worker", trainer, logs)
    assert sorted(single) == sorted(names)
    for name in names:
        np.testing.assert_allclose(chief[name], single[name], rtol=1e-5, atol=1e-5, err_msg=name)
    chief_files = tmp_path / "worker0" / "files"
    assert sorted(p.name for p in (chief_files / "samples").iterdir()) == ["samples_epoch_0001.npy"]
    assert [p.name for p in (chief_files / "checkpoints").iterdir()] == ["ckpt-000000003"]
    assert not (tmp_path / "worker1" / "files").exists()


# ------------------------------------------------------------------- mixed precision
@pytest.fixture
def policy(request: pytest.FixtureRequest) -> Iterator[str]:
    """Sets the global Keras dtype policy for one test, then restores float32."""
    keras.mixed_precision.set_global_policy(request.param)
    try:
        yield request.param
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
def test_mixed_precision_trains_with_finite_losses(policy: str) -> None:
    keras.utils.set_random_seed(0)
    g = models.MLPGenerator(latent_dim=4, output_shape=(4, 4, 1), hidden_units=(16,)).build()
    d = models.MLPDiscriminator(input_shape=(4, 4, 1), hidden_units=(16,)).build()
    low = policy.removeprefix("mixed_")
    assert g.get_layer("dense_0").compute_dtype == low  # the body really runs in low precision
    assert g.outputs[0].dtype == "float32" and d.outputs[0].dtype == "float32"
    trainer = GANTrainer(g, d, penalties=[losses.GradientPenalty()], seed=0)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    scaled = policy == "mixed_float16"
    for opt in (trainer.g_optimizer, trainer.d_optimizer):
        assert isinstance(opt, keras.optimizers.LossScaleOptimizer) is scaled
    x = np.random.default_rng(0).uniform(-1, 1, (32, 4, 4, 1)).astype("float32")
    history = trainer.fit(x, batch_size=16, epochs=1, verbose=0)
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss", "gp"]
    assert all(np.isfinite(v).all() for v in history.history.values())
    samples = trainer.sample(8, seed=0)
    assert samples.dtype == np.float32 and samples.shape == (8, 4, 4, 1)
    assert np.isfinite(samples).all() and np.abs(samples).max() <= 1.0


def _tiny_pair() -> tuple[keras.Model, keras.Model]:
    g = models.MLPGenerator(
        latent_dim=4, output_shape=(2,), hidden_units=(16,), batch_norm=False,
        output_activation=None,
    ).build()  # fmt: skip
    d = models.MLPDiscriminator(input_shape=(2,), hidden_units=(16,)).build()
    return g, d


def _one_sgd_step(initial: list[list[np.ndarray]]) -> tuple[GANTrainer, list[np.ndarray]]:
    g, d = _tiny_pair()
    g.set_weights(initial[0])
    d.set_weights(initial[1])
    trainer = GANTrainer(g, d, seed=3)
    trainer.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5))
    trainer.fit(data.ring(16, seed=0), batch_size=16, epochs=1, shuffle=False, verbose=0)
    after = g.get_weights() + d.get_weights()
    return trainer, [a - b for a, b in zip(after, initial[0] + initial[1], strict=True)]


def test_float16_loss_scale_is_undone_before_the_update() -> None:
    """One SGD step under mixed_float16 (loss x 2**15, gradients / 2**15) == float32 step.

    SGD, not Adam: Adam's normalisation would hide a gradient off by the loss scale.
    Tolerance: 1% of the largest update (measured: 0.16%; float16 keeps ~3 significant digits).
    """
    keras.utils.set_random_seed(0)
    g, d = _tiny_pair()
    initial = [g.get_weights(), d.get_weights()]
    _, reference = _one_sgd_step(initial)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        trainer, mixed = _one_sgd_step(initial)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert isinstance(trainer.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert float(trainer.d_optimizer.dynamic_scale.numpy()) == 2.0**15  # finite: not skipped
    largest = max(np.abs(r).max() for r in reference)
    assert largest > 1e-3
    for got, want in zip(mixed, reference, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=0.01 * largest)


# ----------------------------------------------------------------- gradient accumulation
def test_gradient_accumulation_updates_every_second_step() -> None:
    keras.utils.set_random_seed(0)
    g, d = _tiny_pair()
    trainer = GANTrainer(g, d, seed=0)
    trainer.compile(
        keras.optimizers.Adam(1e-2, gradient_accumulation_steps=2),
        keras.optimizers.Adam(1e-2, gradient_accumulation_steps=2),
    )
    snapshots = [g.get_weights() + d.get_weights()]
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: snapshots.append(g.get_weights() + d.get_weights())
    )
    trainer.fit(data.ring(64, seed=0), batch_size=16, epochs=1, verbose=0, callbacks=[record])
    assert len(snapshots) == 5

    def changed(a: list[np.ndarray], b: list[np.ndarray]) -> list[bool]:
        return [not np.array_equal(x, y) for x, y in zip(a, b, strict=True)]

    for step in (1, 2, 3, 4):
        moved = changed(snapshots[step - 1], snapshots[step])
        assert all(moved) if step % 2 == 0 else not any(moved), (step, moved)
    assert int(trainer.g_optimizer.iterations.numpy()) == 2  # optimizer steps, not batches
