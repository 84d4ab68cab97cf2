"""Class coverage: the histogram of a classifier's predicted classes over generated samples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ClassCoverage", "class_coverage"]


@dataclass(frozen=True)
class ClassCoverage:
    """Share of samples per predicted class (see `class_coverage`).

    Example:
        >>> c = ClassCoverage(shares=(0.5, 0.5, 0.0), threshold=0.05)
        >>> c.covered, c.smallest, c.num_classes
        (2, 0.0, 3)
    """

    shares: tuple[float, ...]
    threshold: float = 0.05

    @property
    def num_classes(self) -> int:
        """Number of classes of the classifier."""
        return len(self.shares)

    @property
    def covered(self) -> int:
        """Classes that receive at least `threshold` of the samples."""
        return sum(s >= self.threshold for s in self.shares)

    @property
    def smallest(self) -> float:
        """The smallest class share."""
        return min(self.shares)

    @property
    def largest(self) -> float:
        """The largest class share."""
        return max(self.shares)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: shares, threshold, covered, smallest and largest share."""
        return {
            "shares": list(self.shares),
            "threshold": self.threshold,
            "covered": self.covered,
            "smallest": self.smallest,
            "largest": self.largest,
        }


def class_coverage(probabilities: np.ndarray, *, threshold: float = 0.05) -> ClassCoverage:
    """The share of samples assigned to each class (argmax of the classifier's output).

    A mode-collapse check that FID and the classifier score can hide: with a 10-class
    classifier, a generator that covers every class evenly gives shares near 0.1 each;
    a collapsed one leaves some classes under `threshold` (5% by default).

    Args:
        probabilities: (n, classes) class probabilities (or logits: only the argmax is used).
        threshold: the share a class needs to count as covered, in [0, 1].

    Example:
        >>> import numpy as np
        >>> probs = np.eye(10)[[0] * 50 + [1] * 30 + [2] * 20]
        >>> c = class_coverage(probs)
        >>> c.covered, c.smallest, c.shares[:3]
        (3, 0.0, (0.5, 0.3, 0.2))
    """
    p = np.asarray(probabilities)
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 2:
        raise ValueError(
            f"`probabilities` must have shape (n >= 1, classes >= 2). Received: {p.shape}"
        )
    if not np.all(np.isfinite(p)):
        raise ValueError("`probabilities` must be finite (no NaN or inf).")
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"`threshold` must be in [0, 1]. Received: threshold={threshold}")
    counts = np.bincount(np.argmax(p, axis=1), minlength=p.shape[1])
    shares = tuple(float(c) / p.shape[0] for c in counts)
    return ClassCoverage(shares=shares, threshold=float(threshold))
