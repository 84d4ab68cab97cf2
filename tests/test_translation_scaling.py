"""TranslationTrainer and CycleGANTrainer under MirroredStrategy and mixed precision."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from _helpers import child_env
from _translation_worker import images, make_trainer

WORKER = Path(__file__).with_name("_translation_worker.py")


def _part(results: Any, prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) :]: results[k] for k in results.files if k.startswith(prefix)}


@pytest.mark.slow
def test_mirrored_two_cpu_devices_train_like_one_device(tmp_path: Path) -> None:
    """3 SGD steps on 2 replicas == 3 steps on 1 device, same global batches (4, 4, 2).

    Logs (metrics over the global batch): 1e-5 relative. Weights: 2% of the largest update
    of the run. Measured: paired 1.5e-8 against 0.034; cycle 5.6e-6 in one run and 4.5e-4
    (0.7%) in another, against 0.063: the float32 summation order of the cross-replica
    gradient sum, amplified by instance normalization on tiny images, and not the same from
    run to run. A loss averaged per replica instead of over the global batch (here: twice the
    gradient), or a replica training on other data, moves weights by the size of an update.
    """
    out = tmp_path / "results.npz"  # one worker process runs both kinds
    proc = subprocess.run(
        [sys.executable, str(WORKER), str(out)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=900,  # ~30-80 s on 2 quiet cores; 240 s ran out at load 7-9
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = np.load(out)
    for kind in ("paired", "cycle"):
        _check_kind(results, kind)


def _check_kind(results: Any, kind: str) -> None:
    initial = _part(results, f"{kind}/initial/")
    single, mirrored = _part(results, f"{kind}/single/"), _part(results, f"{kind}/mirrored/")
    assert single.keys() == mirrored.keys()
    assert int(single["step"]) == int(mirrored["step"]) == 3
    logs = [n for n in single if n.startswith("log/")]
    assert {"log/d_loss", "log/g_loss"} <= set(logs)
    for name in logs:
        assert np.isfinite(mirrored[name]).all(), name
        np.testing.assert_allclose(mirrored[name], single[name], rtol=1e-5, err_msg=name)
    weights = [n for n in initial if n != "step"]
    largest = max(float(np.abs(single[n] - initial[n]).max()) for n in weights)
    assert largest > 1e-2  # the runs trained
    atol = 2e-2 * largest
    for name in weights:
        np.testing.assert_allclose(mirrored[name], single[name], rtol=0, atol=atol, err_msg=name)


# ------------------------------------------------------------------- mixed precision
def _one_sgd_step(kind: str, initial: list[list[np.ndarray]] | None) -> tuple[Any, list[Any]]:
    """One SGD step of the worker's trainer from `initial` (or its own) weights: (trainer,
    [initial weights per network, updates per network])."""
    trainer = make_trainer(kind)
    nets = trainer._networks()
    start = initial or [net.get_weights() for net in nets]
    for net, weights in zip(nets, start, strict=True):
        net.set_weights(weights)
    a = images(0)[:4]
    b = -a if kind == "paired" else images(1)[:4]
    trainer.fit(a, b, batch_size=4, epochs=1, shuffle=False, verbose=0)
    updates = [
        [x - y for x, y in zip(net.get_weights(), weights, strict=True)]
        for net, weights in zip(nets, start, strict=True)
    ]
    return trainer, [start, updates]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["paired", "cycle"])
def test_mixed_float16_step_matches_float32_with_the_loss_scale_undone(kind: str) -> None:
    """One SGD step under mixed_float16 (loss x 2**15, gradients / 2**15) ~ the float32 step;
    float16 convolutions, float32 outputs, finite losses, float32 translations.

    SGD, so an update off by the loss scale would be 2**15 times too large. Tolerance: 4% of
    the largest update (measured 0.08% paired, 1.3% for CycleGAN's discriminators; float16
    keeps ~3 significant digits). CycleGAN's generator gradients overflow float16 at the
    initial scale 2**15 (cycle weight 10): that step is skipped (generators unchanged) and the
    scale halved, as dynamic loss scaling should.
    """
    _, (initial, reference) = _one_sgd_step(kind, None)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        trainer, (_, mixed) = _one_sgd_step(kind, initial)
        out = trainer.translate(images(2)[:3], use_ema=False)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    conv = next(layer for layer in trainer.generator.layers if "Conv2D" in type(layer).__name__)
    assert conv.compute_dtype == "float16"  # the body really runs in half precision
    assert all(net.outputs[0].dtype == "float32" for net in trainer._networks())
    logs = trainer.history.history  # the History of the last fit
    assert {"d_loss", "g_loss"} <= set(logs) and all(np.isfinite(v).all() for v in logs.values())
    assert out.dtype == np.float32 and out.shape == (3, 16, 16, 1)
    assert np.isfinite(out).all() and np.abs(out).max() <= 1.0
    for opt in (trainer.g_optimizer, trainer.d_optimizer):
        assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
    assert float(trainer.d_optimizer.dynamic_scale.numpy()) == 2.0**15  # finite: applied
    g_skipped = kind == "cycle"
    g_scale = float(trainer.g_optimizer.dynamic_scale.numpy())
    assert g_scale == (2.0**14 if g_skipped else 2.0**15)
    skipped = 2 if g_skipped else 0  # _networks(): generator_ab, generator_ba, D_a, D_b
    for updates in mixed[:skipped]:  # the skipped generators did not move
        assert all(not u.any() for u in updates)
    pairs = [
        (m, r)
        for ms, rs in zip(mixed[skipped:], reference[skipped:], strict=True)
        for m, r in zip(ms, rs, strict=True)
    ]
    largest = max(float(np.abs(r).max()) for _, r in pairs)
    worst = max(float(np.abs(m - r).max()) for m, r in pairs)
    assert largest > 1e-3
    assert worst <= 0.04 * largest, (worst, largest)
