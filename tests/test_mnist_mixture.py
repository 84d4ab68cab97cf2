"""`benchmarks/mnist_mixture.py`: the ensemble sampler's shares and seeds (no training)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from mnist_mixture import Mixture


class _Part:
    """Records each call; its samples are rows holding (part index, seed)."""

    def __init__(self, index: int) -> None:
        self.index, self.calls = index, []  # type: ignore[var-annotated]

    def sample(self, n: int, seed: int) -> np.ndarray:
        self.calls.append((n, seed))
        return np.tile(np.array([[self.index, seed]], "float32"), (n, 1))


def test_each_part_gives_an_equal_share_in_order_with_its_own_seed() -> None:
    parts = [_Part(i) for i in range(3)]
    rows = Mixture(parts).sample(10, seed=7)
    assert [p.calls for p in parts] == [[(4, 7)], [(3, 1007)], [(3, 2007)]]
    np.testing.assert_array_equal(rows[:, 0], [0] * 4 + [1] * 3 + [2] * 3)


def test_one_part_is_that_sampler_alone() -> None:
    part = _Part(0)
    rows = Mixture([part]).sample(5, seed=3)
    assert part.calls == [(5, 3)] and rows.shape == (5, 2)
