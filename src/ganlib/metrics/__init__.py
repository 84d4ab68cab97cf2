"""GAN evaluation metrics: FID, KID, precision/recall, density/coverage, classifier score.

The maths (`frechet_distance`, `kernel_inception_distance`, `precision_recall`,
`density_coverage`, `classifier_score`, `mixture_metrics`) takes numpy arrays and knows
nothing about networks. Feature extractors (`InceptionFeatures`, `ClassifierFeatures`,
`mnist_features`) turn images into features batch by batch (`extract_features`), and
`evaluate` / `Evaluator` put both together, reporting each metric with its sample size
and the real-data floor.

Example:
    >>> import numpy as np
    >>> from ganlib import metrics
    >>> metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2))
    0.0
"""

from __future__ import annotations

from ganlib.metrics.classifier import (
    build_mnist_classifier,
    mnist_classifier,
    mnist_classifier_info,
    mnist_features,
)
from ganlib.metrics.coverage import ClassCoverage, class_coverage
from ganlib.metrics.evaluation import METRIC_GROUPS, Evaluator, evaluate, fid_metric_fn
from ganlib.metrics.extraction import FeatureSet, RunningStats, extract_features, iter_samples
from ganlib.metrics.features import (
    ClassifierFeatures,
    FeatureExtractor,
    InceptionFeatures,
    ProbabilityExtractor,
)
from ganlib.metrics.frechet import frechet_distance, trace_sqrt_product
from ganlib.metrics.kid import kernel_inception_distance, polynomial_mmd2
from ganlib.metrics.mixture import MixtureMetrics, mixture_metrics
from ganlib.metrics.prdc import density_coverage, knn_radii, precision_recall
from ganlib.metrics.report import EvaluationReport, MetricResult
from ganlib.metrics.score import classifier_score

__all__ = [
    "METRIC_GROUPS",
    "ClassCoverage",
    "ClassifierFeatures",
    "EvaluationReport",
    "Evaluator",
    "FeatureExtractor",
    "FeatureSet",
    "InceptionFeatures",
    "MetricResult",
    "MixtureMetrics",
    "ProbabilityExtractor",
    "RunningStats",
    "build_mnist_classifier",
    "class_coverage",
    "classifier_score",
    "density_coverage",
    "evaluate",
    "extract_features",
    "fid_metric_fn",
    "frechet_distance",
    "iter_samples",
    "kernel_inception_distance",
    "knn_radii",
    "mixture_metrics",
    "mnist_classifier",
    "mnist_classifier_info",
    "mnist_features",
    "polynomial_mmd2",
    "precision_recall",
    "trace_sqrt_product",
]
