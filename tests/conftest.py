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
