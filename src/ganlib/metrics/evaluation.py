"""Evaluate a generator (or samples) against real data, with sample sizes and real-data floors."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ganlib.metrics._checks import positive_int
from ganlib.metrics.coverage import class_coverage
from ganlib.metrics.extraction import FeatureSet, Source, extract_features
from ganlib.metrics.features import FeatureExtractor, InceptionFeatures, ProbabilityExtractor
from ganlib.metrics.frechet import frechet_distance
from ganlib.metrics.kid import kernel_inception_distance
from ganlib.metrics.prdc import density_coverage, precision_recall
from ganlib.metrics.report import EvaluationReport, MetricResult
from ganlib.metrics.score import classifier_score

__all__ = ["METRIC_GROUPS", "Evaluator", "evaluate", "fid_metric_fn"]

METRIC_GROUPS: dict[str, tuple[str, ...]] = {
    "fid": ("fid",),
    "kid": ("kid",),
    "pr": ("precision", "recall"),
    "dc": ("density", "coverage"),
    "score": ("classifier_score", "classes_covered", "smallest_class_share", "largest_class_share"),
}
"""Names accepted in ``metrics=`` and the values each one reports. ``score`` reports the
classifier score with the class coverage of the same predictions (`class_coverage`): how
many classes get at least 5% of the samples, and the smallest and largest class shares, so
that a table with a good score cannot hide missing classes.

Example:
    >>> from ganlib.metrics import METRIC_GROUPS
    >>> METRIC_GROUPS["pr"]
    ('precision', 'recall')
"""
_HIGHER_IS_BETTER = {
    *("precision", "recall", "density", "coverage", "classifier_score", "classes_covered"),
    "smallest_class_share",
}


def _parse_metrics(metrics: str | Sequence[str] | None, extractor: object) -> tuple[str, ...]:
    if metrics is None:
        names = [m for m in METRIC_GROUPS if m != "score"]
        if isinstance(extractor, ProbabilityExtractor):
            names.append("score")
        return tuple(names)
    items = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    names = [m.strip().lower() for m in items if m.strip()]
    unknown = [m for m in names if m not in METRIC_GROUPS]
    if unknown or not names:
        raise ValueError(
            f"`metrics` must name some of {sorted(METRIC_GROUPS)}. Received: metrics={metrics!r}"
        )
    if "score" in names and not isinstance(extractor, ProbabilityExtractor):
        raise ValueError(
            "metrics='score' needs an extractor with class probabilities (ClassifierFeatures). "
            f"Received: {type(extractor).__name__}"
        )
    return tuple(dict.fromkeys(names))


def _default_extractor(real: np.ndarray) -> FeatureExtractor:
    if tuple(real.shape[1:]) == (28, 28, 1):
        from ganlib.metrics.classifier import mnist_features

        return mnist_features()
    return InceptionFeatures()


class Evaluator:
    """Metrics of generators or sample arrays against fixed real data; real features cached.

    Call it on a generator for a ``{name: value}`` dict (the ``metric_fn`` that
    ``ganlib.callbacks.MetricMonitor`` takes), or use `report` for values with sample
    sizes and the real-data floor. Real features (``n`` real images drawn with ``seed``)
    are extracted once, on first use.

    Args:
        real: real images (N, H, W, C) in [-1, 1], N >= n.
        extractor: a `FeatureExtractor`; None picks `mnist_features()` for 28x28x1
            images and `InceptionFeatures()` otherwise.
        n: samples per set (generated and real).
        metrics: some of "fid", "kid", "pr", "dc", "score" (list or comma-separated);
            None: all the extractor supports.
        batch_size: images per extractor call.
        keep: feature rows kept for KID/PR/DC (memory keep * d * 4 bytes per set);
            None keeps all n. FID always uses all n through running statistics.
        seed: seed for latent draws and KID subsets.
        num_classes: label range for conditional generators.
        kid_subsets: number of random subsets KID averages over.
        kid_subset_size: size of each KID subset (capped at n).
        pr_k: nearest-neighbour k for precision/recall.
        dc_k: nearest-neighbour k for density/coverage.
        score_splits: number of splits for the classifier score.
        shuffle_real: draw the reference and held-out real sets from a seeded
            permutation of ``real`` (default), not its first rows: data sets are often
            ordered (MNIST's test split puts its cleaner writers first).

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> real = np.tanh(rng.normal(size=(400, 28, 28, 1))).astype("float32")
        >>> evaluator = Evaluator(real, n=200, metrics="fid,pr")
        >>> sorted(evaluator(real[200:]))
        ['fid', 'precision', 'recall']
    """

    def __init__(
        self,
        real: np.ndarray,
        extractor: FeatureExtractor | None = None,
        *,
        n: int = 10_000,
        metrics: str | Sequence[str] | None = None,
        batch_size: int = 250,
        keep: int | None = None,
        seed: int | None = 0,
        num_classes: int | None = None,
        kid_subsets: int = 100,
        kid_subset_size: int = 1000,
        pr_k: int = 3,
        dc_k: int = 5,
        score_splits: int = 10,
        shuffle_real: bool = True,
    ) -> None:
        real = np.asarray(real)
        if real.ndim < 2:
            raise ValueError(f"`real` must be an array of samples. Received: shape={real.shape}")
        self.n = positive_int(n, "n")
        if real.shape[0] < self.n:
            raise ValueError(
                f"`real` has {real.shape[0]} samples, fewer than n={self.n}. Pass a smaller n."
            )
        self.real = real
        self.shuffle_real = shuffle_real
        rng = np.random.default_rng(seed)
        self._order = rng.permutation(real.shape[0]) if shuffle_real else np.arange(real.shape[0])
        self.extractor = _default_extractor(real) if extractor is None else extractor
        if not isinstance(self.extractor, FeatureExtractor):
            raise TypeError(
                "`extractor` must have a features(images) method. "
                f"Received: {type(self.extractor).__name__}"
            )
        self.metrics = _parse_metrics(metrics, self.extractor)
        self.batch_size = positive_int(batch_size, "batch_size")
        self.keep = self.n if keep is None else min(positive_int(keep, "keep"), self.n)
        self.seed = seed
        self.num_classes = num_classes
        self.kid_subsets, self.kid_subset_size = kid_subsets, kid_subset_size
        self.pr_k, self.dc_k, self.score_splits = pr_k, dc_k, score_splits
        self._real_features: FeatureSet | None = None

    def _needs_points(self) -> bool:
        return any(m in self.metrics for m in ("kid", "pr", "dc"))

    def features(self, source: Source, n: int | None = None) -> FeatureSet:
        """Features of ``n`` (default ``self.n``) samples from ``source`` with these settings."""
        n = self.n if n is None else n
        return extract_features(
            self.extractor,
            source,
            n,
            batch_size=self.batch_size,
            keep=min(self.keep, n) if self._needs_points() else 0,
            probabilities="score" in self.metrics,
            seed=self.seed,
            num_classes=self.num_classes,
        )

    def _real_rows(self, start: int, stop: int) -> np.ndarray:
        """Rows start:stop of the (shuffled) real set, in storage order."""
        return np.asarray(self.real[np.sort(self._order[start:stop])])

    @property
    def real_features(self) -> FeatureSet:
        """Features of the ``n`` reference real samples (extracted once)."""
        if self._real_features is None:
            self._real_features = self.features(self._real_rows(0, self.n))
        return self._real_features

    def compare(self, real: FeatureSet, fake: FeatureSet) -> dict[str, tuple[float, float | None]]:
        """Every chosen metric between two feature sets: ``{name: (value, std or None)}``."""
        out: dict[str, tuple[float, float | None]] = {}
        if "fid" in self.metrics:
            out["fid"] = (
                frechet_distance(
                    real.stats.mean, real.stats.covariance, fake.stats.mean, fake.stats.covariance
                ),
                None,
            )
        if "kid" in self.metrics:
            out["kid"] = kernel_inception_distance(
                real.features,  # type: ignore[arg-type]
                fake.features,  # type: ignore[arg-type]
                subsets=self.kid_subsets,
                subset_size=self.kid_subset_size,
                seed=self.seed,
            )
        if "pr" in self.metrics:
            p, r = precision_recall(real.features, fake.features, k=self.pr_k)  # type: ignore[arg-type]
            out["precision"], out["recall"] = (p, None), (r, None)
        if "dc" in self.metrics:
            d, c = density_coverage(real.features, fake.features, k=self.dc_k)  # type: ignore[arg-type]
            out["density"], out["coverage"] = (d, None), (c, None)
        if "score" in self.metrics:
            out["classifier_score"] = classifier_score(
                fake.probabilities,  # type: ignore[arg-type]
                splits=self.score_splits,
            )
            shares = class_coverage(fake.probabilities)  # type: ignore[arg-type]
            out["classes_covered"] = (float(shares.covered), None)
            out["smallest_class_share"] = (shares.smallest, None)
            out["largest_class_share"] = (shares.largest, None)
        return out

    def _sizes(self, real: FeatureSet, fake: FeatureSet) -> dict[str, int]:
        points = min(real.kept, fake.kept)
        return {
            "fid": min(real.n, fake.n),
            "kid": points,
            "precision": points,
            "recall": points,
            "density": points,
            "coverage": points,
            "classifier_score": fake.n,
            "classes_covered": fake.n,
            "smallest_class_share": fake.n,
            "largest_class_share": fake.n,
        }

    def __call__(self, generator: Source) -> dict[str, float]:
        """``{metric: value}`` for ``n`` samples of ``generator`` (no floor): a metric_fn."""
        fake = self.features(generator)
        return {name: v for name, (v, _) in self.compare(self.real_features, fake).items()}

    def floor(self) -> tuple[dict[str, tuple[float, float | None]], int]:
        """Real vs held-out real at n (or at N // 2 if the real set holds fewer than 2n)."""
        m = min(self.n, self.real.shape[0] // 2)
        real_a = self.real_features
        if m < self.n:
            if real_a.features is not None and real_a.kept == self.n:
                # The rows of self._order[:m] within the stored (sorted) reference rows.
                rows = np.searchsorted(np.sort(self._order[: self.n]), self._order[:m])
                probs = None if real_a.probabilities is None else real_a.probabilities[rows]
                real_a = FeatureSet.from_array(real_a.features[rows], probs)
            else:
                real_a = self.features(self._real_rows(0, m), m)
        held_out = self.features(self._real_rows(m, 2 * m), m)
        return self.compare(real_a, held_out), m

    def report(self, source: Source, *, floor: bool = True) -> EvaluationReport:
        """Every metric with its sample size and (``floor=True``) the real-data floor."""
        start = time.perf_counter()
        fake = self.features(source)
        values = self.compare(self.real_features, fake)
        sizes = self._sizes(self.real_features, fake)
        floor_values: dict[str, tuple[float, float | None]] = {}
        floor_n = None
        notes: list[str] = []
        if floor:
            floor_values, floor_n = self.floor()
            if floor_n < self.n:
                notes.append(
                    f"real floor at n={floor_n}: the real set ({self.real.shape[0]}) holds "
                    f"fewer than 2n={2 * self.n}; FID's bias grows as n shrinks."
                )
        if "kid" in values:
            size = min(self.kid_subset_size, sizes["kid"])
            notes.append(f"kid: mean ± std over {self.kid_subsets} subsets of {size} per set.")
        results = {}
        for name, (value, std) in values.items():
            f_value, f_std = floor_values.get(name, (None, None))
            results[name] = MetricResult(
                name=name,
                value=float(value),
                n=sizes[name],
                std=std,
                floor=f_value,
                floor_std=f_std,
                floor_n=None if f_value is None or floor_n is None else min(sizes[name], floor_n),
                higher_is_better=name in _HIGHER_IS_BETTER,
            )
        report = EvaluationReport(results, type(self.extractor).__name__, notes=notes)
        report.seconds = time.perf_counter() - start
        return report


def evaluate(
    source: Source,
    real: np.ndarray,
    *,
    n: int = 10_000,
    extractor: FeatureExtractor | None = None,
    metrics: str | Sequence[str] | None = None,
    floor: bool = True,
    **settings: Any,
) -> EvaluationReport:
    """Evaluate a generator, a sample array or a sampling function against real data.

    Each metric is reported with its sample size and, with ``floor=True``, the
    real-data floor: the same metric for held-out real data at the same n. Settings
    are those of `Evaluator`.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> real = np.tanh(rng.normal(size=(600, 28, 28, 1))).astype("float32")
        >>> report = evaluate(np.zeros((200, 28, 28, 1), "float32"), real, n=200, metrics="fid")
        >>> report.results["fid"].value > report.results["fid"].floor
        True
    """
    evaluator = Evaluator(real, extractor, n=n, metrics=metrics, **settings)
    return evaluator.report(source, floor=floor)


def fid_metric_fn(
    real: np.ndarray,
    extractor: FeatureExtractor | None = None,
    *,
    n: int = 10_000,
    **settings: Any,
) -> Callable[[Any], dict[str, float]]:
    """A ``metric_fn(generator) -> {"fid": value}`` for ``MetricMonitor``; real features cached.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> real = np.tanh(rng.normal(size=(300, 28, 28, 1))).astype("float32")
        >>> metric_fn = fid_metric_fn(real, n=100)
        >>> blank = np.full((100, 28, 28, 1), -1.0, "float32")
        >>> metric_fn(blank)["fid"] > metric_fn(real[200:])["fid"]
        True
    """
    return Evaluator(real, extractor, n=n, metrics=("fid",), **settings)
