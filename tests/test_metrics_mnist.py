"""ganlib.metrics on real MNIST: the shipped classifier and the ordering of every metric."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ganlib.data import load_mnist
from ganlib.metrics import (
    Evaluator,
    evaluate,
    mnist_classifier,
    mnist_classifier_info,
    mnist_features,
)

ASSETS = Path(__file__).resolve().parents[1] / "src" / "ganlib" / "assets"
N = 1000


def blur(images: np.ndarray) -> np.ndarray:
    """Separable binomial blur [1, 4, 6, 4, 1] / 16, background -1."""
    kernel = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
    x = np.pad(images[..., 0], ((0, 0), (2, 2), (2, 2)), constant_values=-1.0)
    x = sum(kernel[i] * x[:, i : i + 28, :] for i in range(5))
    x = sum(kernel[i] * x[:, :, i : i + 28] for i in range(5))
    return np.asarray(x, dtype=np.float32)[..., None]


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return load_mnist(mnist_dir, split="test", with_labels=True)


@pytest.fixture(scope="module")
def values(mnist):
    """Every metric of four sets against a disjoint real reference set, n = 1000 each."""
    x, y = mnist
    order = np.random.default_rng(0).permutation(len(x))
    reference, other, rest = x[order[:N]], x[order[N : 2 * N]], order[N:]
    sets = {
        "real": other,
        "blurred": blur(other),
        "noise": np.random.default_rng(1).uniform(-1, 1, other.shape).astype("float32"),
        "one digit": x[rest[y[rest] == 1][:N]],
    }
    evaluator = Evaluator(reference, mnist_features(), n=N, kid_subsets=20, kid_subset_size=500)
    return {name: evaluator(images) for name, images in sets.items()}


def test_shipped_classifier_heldout_accuracy(mnist):
    x, y = mnist
    predictions = np.asarray(mnist_classifier()(x[8000:], training=False)).argmax(axis=1)
    accuracy = float(np.mean(predictions == y[8000:]))
    info = mnist_classifier_info()
    assert accuracy >= 0.98
    assert accuracy == pytest.approx(info["heldout_accuracy"], abs=0.003)
    assert "8000-9999" in info["split"]
    assert 50_000 <= info["params"] <= 150_000
    assert (ASSETS / "mnist_classifier.weights.h5").stat().st_size < 500_000


def test_shipped_weights_are_a_weights_only_h5():
    import h5py

    with h5py.File(ASSETS / "mnist_classifier.weights.h5", "r") as f:
        names: list[str] = []
        f.visit(names.append)
    assert not any("optimizer" in name for name in names)  # no training state, no pickle
    info = json.loads((ASSETS / "mnist_classifier.json").read_text())
    assert info["seed"] == 0


@pytest.mark.slow  # shares a ~5-10 s fixture: features of 5 sets of 1,000
def test_fid_orders_real_blurred_noise(values):
    fid = {name: v["fid"] for name, v in values.items()}
    assert fid["real"] < 10.0
    assert fid["real"] * 5 < fid["blurred"] < fid["noise"]
    assert fid["one digit"] > 10 * fid["real"]


@pytest.mark.slow  # shares a ~5-10 s fixture: features of 5 sets of 1,000
def test_kid_orders_real_blurred_noise(values):
    kid = {name: v["kid"] for name, v in values.items()}
    assert abs(kid["real"]) < 0.5 < kid["blurred"] < kid["noise"]


@pytest.mark.slow  # shares a ~5-10 s fixture: features of 5 sets of 1,000
def test_one_digit_loses_recall_and_coverage_not_precision(values):
    real, one = values["real"], values["one digit"]
    assert real["precision"] > 0.8 and real["recall"] > 0.8 and real["coverage"] > 0.9
    assert one["recall"] < 0.25 * real["recall"]
    assert one["coverage"] < 0.25 * real["coverage"]
    assert one["precision"] > 0.7  # each digit 1 is a realistic MNIST image
    assert values["noise"]["precision"] < 0.05 and values["noise"]["recall"] < 0.05


@pytest.mark.slow  # shares a ~5-10 s fixture: features of 5 sets of 1,000
def test_classifier_score_separates_variety(values):
    assert values["real"]["classifier_score"] > 9.0
    assert values["one digit"]["classifier_score"] < 1.5
    assert values["noise"]["classifier_score"] < 2.0


@pytest.mark.slow  # shares the ~5-10 s fixture above
def test_score_reports_class_coverage_beside_it(values):
    """A set of one digit scores its class coverage: 1 class at >= 5%, ~all samples in it."""
    real, one = values["real"], values["one digit"]
    assert real["classes_covered"] == 10 and 0.05 < real["smallest_class_share"] < 0.1
    assert real["largest_class_share"] < 0.15
    assert one["classes_covered"] == 1 and one["smallest_class_share"] == 0.0
    assert one["largest_class_share"] > 0.95


def test_evaluate_reports_the_real_floor_on_mnist(mnist):
    x, _ = mnist
    images = blur(x[:N])
    report = evaluate(images, x, n=N, metrics="fid,score")
    fid, score = report.results["fid"], report.results["classifier_score"]
    assert report.extractor == "ClassifierFeatures"  # the MNIST classifier picked by default
    assert fid.n == fid.floor_n == N and fid.floor < 10.0 < fid.value
    assert score.floor is not None and score.floor > score.value
