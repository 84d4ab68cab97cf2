"""Classifier score (Inception-score style) from class probabilities."""

from __future__ import annotations

import numpy as np

from ganlib.metrics._checks import positive_int

__all__ = ["classifier_score"]


def classifier_score(
    probabilities: np.ndarray, *, splits: int = 10, from_logits: bool = False
) -> tuple[float, float]:
    """exp(E_x KL(p(y|x) || p(y))) over ``splits`` equal parts: mean and std.

    Salimans et al. 2016 ("Improved techniques for training GANs") with any classifier:
    p(y) is the mean of p(y|x) within each split. Ranges from 1 (every sample gets the
    same prediction) to the number of classes (confident and balanced predictions).

    Args:
        probabilities: (n, classes) class probabilities, rows summing to 1, or logits
            when ``from_logits=True``.
        splits: number of disjoint parts (the std is over their scores).
        from_logits: apply a softmax first.

    Returns:
        ``(mean, std)`` over splits.

    Example:
        >>> import numpy as np
        >>> mean, std = classifier_score(np.eye(10)[np.arange(1000) % 10], splits=10)
        >>> round(mean, 6), round(std, 6)
        (10.0, 0.0)
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"`probabilities` must have shape (n, classes >= 2). Received: {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("`probabilities` must be finite (no NaN or inf).")
    splits = positive_int(splits, "splits")
    if splits > p.shape[0]:
        raise ValueError(
            f"`splits` must not exceed the number of samples {p.shape[0]}. "
            f"Received: splits={splits}"
        )
    if from_logits:
        p = np.exp(p - p.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
    elif np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            "`probabilities` rows must be non-negative and sum to 1 "
            "(pass from_logits=True for logits)."
        )
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))
