"""Two replicas (`MirroredStrategy` over 2 logical CPU devices) train like one device.

One subprocess (tests/_two_devices.py) runs every part: logical devices must be set before
TensorFlow initialises, and each fresh interpreter costs TensorFlow's import. Each part
trains the same global batches on one device and on two replicas from the same weights.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from _helpers import child_env

WORKER = Path(__file__).with_name("_two_devices.py")


def _part(results: Any, prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) :]: results[k] for k in results.files if k.startswith(prefix)}


def _gan(results: Any) -> None:
    """A conditional GAN, 3 steps (global batches 16, 16, 9: the last splits 5 + 4), so
    generator labels are drawn too. Weights 1e-5 absolute on weights of size ~0.3 (measured
    2e-7: the float32 summation order of the cross-replica gradient sum); logs 1e-5 relative."""
    single, mirrored = _part(results, "gan/single/"), _part(results, "gan/mirrored/")
    assert single.keys() == mirrored.keys()
    assert {n.split("/")[0] for n in single} == {"generator", "discriminator", "log", "step"}
    assert int(single["step"]) == int(mirrored["step"]) == 3
    for name in single:
        if name.startswith("log/"):  # metrics aggregated over both replicas = global batch
            np.testing.assert_allclose(mirrored[name], single[name], rtol=1e-5, err_msg=name)
        else:
            np.testing.assert_allclose(mirrored[name], single[name], atol=1e-5, err_msg=name)
    initial = _part(results, "gan/initial/")
    for name in initial:  # not vacuous: 3 Adam steps at lr 1e-2 moved every weight by > 1e-3
        if name != "step":
            assert np.abs(single[name] - initial[name]).max() > 1e-3, name


def _device_data(results: Any) -> None:
    """A shuffled `DeviceData`, 2 epochs of 2 steps: each replica draws its rows in-graph."""
    single, mirrored = (
        _part(results, "device_data/single/"),
        _part(results, "device_data/mirrored/"),
    )
    assert single.keys() == mirrored.keys() and int(single["position"]) == 4
    for name in single:  # float32 summation order of the cross-replica gradient sum
        np.testing.assert_allclose(mirrored[name], single[name], atol=1e-5, err_msg=name)


def _pack(results: Any) -> None:
    """pack=2 + R1 for 3 steps (global batches 16, 16, 8: two packs per replica); atol 1e-5."""
    single, mirrored = _part(results, "pack/single/"), _part(results, "pack/mirrored/")
    assert single.keys() == mirrored.keys()
    assert any(n.startswith("log/r1") for n in single)
    for name in single:
        np.testing.assert_allclose(mirrored[name], single[name], rtol=1e-5, atol=1e-5, err_msg=name)


def _translation(results: Any) -> None:
    """Paired and cycle translation, 3 SGD steps (global batches 4, 4, 2).

    Logs (metrics over the global batch): 1e-5 relative. Weights: 2% of the largest update
    of the run. Measured with the ResNet/PatchGAN builders: paired 1.5e-8 against 0.034; cycle
    5.6e-6 in one run and 4.5e-4 (0.7%) in another, against 0.063: the float32 summation order
    of the cross-replica gradient sum, amplified by instance normalization on tiny images, and
    not the same from run to run. A loss averaged per replica instead of over the global batch
    (here: twice the gradient), or a replica training on other data, moves weights by the size
    of an update.
    """
    for kind in ("paired", "cycle"):
        prefix = f"translation/{kind}/"
        initial = _part(results, f"{prefix}initial/")
        single, mirrored = _part(results, f"{prefix}single/"), _part(results, f"{prefix}mirrored/")
        assert single.keys() == mirrored.keys()
        assert int(single["step"]) == int(mirrored["step"]) == 3
        logs = [n for n in single if n.startswith("log/")]
        assert {"log/d_loss", "log/g_loss"} <= set(logs)
        for name in logs:
            assert np.isfinite(mirrored[name]).all(), name
            np.testing.assert_allclose(mirrored[name], single[name], rtol=1e-5, err_msg=name)
        weights = [n for n in initial if n != "step"]
        largest = max(float(np.abs(single[n] - initial[n]).max()) for n in weights)
        assert largest > 1e-2, kind  # the runs trained
        for name in weights:
            np.testing.assert_allclose(
                mirrored[name], single[name], rtol=0, atol=2e-2 * largest, err_msg=f"{kind} {name}"
            )


CHECKS: dict[str, Callable[[Any], None]] = {
    "gan": _gan,
    "device_data": _device_data,
    "pack": _pack,
    "translation": _translation,
}


def _run_worker(out: Path) -> subprocess.CompletedProcess[str]:
    """The worker in a fresh interpreter (faulthandler on: a native crash prints where)."""
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", str(WORKER), str(out)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=900,  # ~60-100 s on 2 quiet cores; 240 s ran out at load 7-9
    )


@pytest.mark.slow
def test_two_replicas_train_like_one_device(tmp_path: Path) -> None:
    out = tmp_path / "two_devices.npz"
    proc = _run_worker(out)
    if proc.returncode < 0:
        # Killed by a signal: the worker (TensorFlow with two logical CPU devices) died by
        # SIGSEGV once in four full suites of session 17, with no Python error; 18 runs of it
        # alone, 4 at a time, passed. One more try; a second crash, or any failure, fails.
        signal = -proc.returncode
        warnings.warn(f"two-device worker died by signal {signal}; retried once", stacklevel=1)
        proc = _run_worker(out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = np.load(out)
    assert {name.split("/")[0] for name in results.files} == set(CHECKS)
    failures = []
    for part, check in CHECKS.items():  # every part is checked, and every failure reported
        try:
            check(results)
        except AssertionError as error:
            failures.append(f"{part}: {error}")
    assert not failures, "\n\n".join(failures)
