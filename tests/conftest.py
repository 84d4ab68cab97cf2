"""Shared test fixtures: real-MNIST location and quiet TensorFlow."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder holding the real MNIST IDX files, from ``$GANLIB_DATA_DIR``.

    Skips when the data is absent on a developer machine; fails loudly under CI
    (``CI`` set), where a missing data set must never pass as a skip.
    """
    value = os.environ.get("GANLIB_DATA_DIR", "")
    path = Path(value) if value else None
    if path is not None and any(path.glob("*idx3-ubyte*")):
        return path
    message = (
        f"real MNIST not found: GANLIB_DATA_DIR={value!r} holds no *idx3-ubyte* file; "
        "set GANLIB_DATA_DIR to a folder holding the MNIST IDX files "
        "(t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 4-step `ganlib train` run on 32 ring points, shared by the session (copy it
    before changing it): checkpoints at steps 2 and 4, `generator.keras`, `metrics.csv`."""
    from _badinput import train_tiny_run

    return train_tiny_run(tmp_path_factory.mktemp("tiny_run"))


@pytest.fixture(scope="session")
def tiny_infogan_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-step `ganlib train mnist` run (the InfoGAN recipe, batch 16) on 40 random 28x28
    digits (`RUN.parent / "mnist.npz"`), shared by the session: copy it before changing it."""
    import numpy as np

    from ganlib.cli import main

    folder = tmp_path_factory.mktemp("infogan_run")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    y = (np.arange(40) % 10).astype(np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    argv = ["train", "mnist", "--data", str(folder / "mnist.npz"), "--steps", "4"]
    assert main([*argv, "--batch-size", "16", "--out", str(folder / "run")]) == 0
    return folder / "run"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Prints how many distinct bad inputs the bad-input tests tried (tests/_badinput.py)."""
    import sys

    module = sys.modules.get("_badinput")
    seen = getattr(module, "SEEN", None)
    if seen:
        kinds: dict[str, int] = {}
        for kind, _ in seen:
            kinds[kind] = kinds.get(kind, 0) + 1
        detail = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        terminalreporter.write_line(f"distinct bad inputs tried: {len(seen)} ({detail})")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests marked ``slow`` first.

    With ``-n 3`` pytest-xdist hands tests out in collection order; slow tests collected last
    leave one worker running them alone at the end. Starting them first lets the many fast
    tests fill the gaps. The order of tests within each group is kept.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
