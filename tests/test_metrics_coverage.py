"""`class_coverage`: the class histogram that shows mode collapse FID can hide."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.metrics import ClassCoverage, class_coverage


def test_shares_count_the_argmax_class() -> None:
    rng = np.random.default_rng(0)
    labels = np.array([0] * 60 + [3] * 30 + [7] * 4 + [9] * 6)
    logits = rng.normal(size=(100, 10))
    logits[np.arange(100), labels] += 20.0  # the argmax is the label
    c = class_coverage(logits)
    assert c.shares[0] == pytest.approx(0.6) and c.shares[3] == pytest.approx(0.3)
    assert c.shares[7] == pytest.approx(0.04) and c.shares[9] == pytest.approx(0.06)
    assert sum(c.shares) == pytest.approx(1.0)
    assert c.covered == 3  # 7 has 4% < 5%
    assert c.smallest == 0.0 and c.largest == pytest.approx(0.6)
    assert class_coverage(logits, threshold=0.04).covered == 4


def test_balanced_predictions_cover_every_class() -> None:
    c = class_coverage(np.eye(10)[np.arange(1000) % 10])
    assert c.covered == 10 and c.smallest == pytest.approx(0.1)
    assert c.to_dict()["covered"] == 10


def test_dataclass_properties() -> None:
    c = ClassCoverage(shares=(0.2, 0.8), threshold=0.5)
    assert (c.num_classes, c.covered, c.smallest, c.largest) == (2, 1, 0.2, 0.8)


@pytest.mark.parametrize(
    ("probabilities", "threshold", "message"),
    [
        (np.zeros((3,)), 0.05, "shape (n >= 1, classes >= 2)"),
        (np.zeros((0, 10)), 0.05, "shape (n >= 1, classes >= 2)"),
        (np.full((2, 3), np.nan), 0.05, "finite"),
        (np.eye(3), 1.5, "threshold=1.5"),
    ],
)
def test_bad_input_is_named(probabilities: np.ndarray, threshold: float, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        class_coverage(probabilities, threshold=threshold)
