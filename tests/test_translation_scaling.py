"""TranslationTrainer and CycleGANTrainer under mixed precision (two replicas:
tests/test_two_devices.py)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest

from _translation_worker import images, make_trainer


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
