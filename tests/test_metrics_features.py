"""ganlib.metrics feature extraction, extractors and the evaluate/Evaluator API (no network)."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from ganlib import metrics
from ganlib.metrics import (
    ClassifierFeatures,
    Evaluator,
    FeatureExtractor,
    InceptionFeatures,
    ProbabilityExtractor,
    evaluate,
    extract_features,
    fid_metric_fn,
    frechet_distance,
    iter_samples,
)


class Flatten:
    """A trivial extractor: the pixels are the features."""

    def features(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(images).reshape(len(images), -1)


def _tiny_classifier() -> keras.Model:
    inputs = keras.Input((4, 4, 1))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(6, activation="relu", name="hidden")(x)
    x = keras.layers.Dense(5, name="penultimate")(x)
    outputs = keras.layers.Dense(3, name="logits")(x)
    return keras.Model(inputs, outputs)


def _tiny_generator(latent_dim: int = 3, conditional: bool = False) -> keras.Model:
    z = keras.Input((latent_dim,))
    x = keras.layers.Dense(2)(z)
    if conditional:
        labels = keras.Input((), dtype="int32")
        x = x + keras.layers.Embedding(4, 2)(labels)
        return keras.Model([z, labels], x)
    return keras.Model(z, x)


# ---------------------------------------------------------------- InceptionFeatures


def test_inception_preprocess_tiles_resizes_and_keeps_range():
    fx = InceptionFeatures(weights=None)
    images = np.linspace(-1, 1, 2 * 28 * 28, dtype="float32").reshape(2, 28, 28, 1)
    x = np.asarray(fx.preprocess(images))
    assert x.shape == (2, 299, 299, 3)
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    assert x.min() >= -1.0 and x.max() <= 1.0
    constant = np.asarray(fx.preprocess(np.full((1, 32, 32, 3), 0.25, "float32")))
    np.testing.assert_allclose(constant, 0.25, atol=1e-6)
    assert fx._model is None  # preprocessing never builds the network


@pytest.mark.parametrize(
    ("images", "match"),
    [(np.full((1, 8, 8, 1), 255.0), r"\[-1, 1\]"), (np.zeros((1, 8, 8, 2)), "channels")],
)
def test_inception_rejects_bad_images(images, match):
    with pytest.raises(ValueError, match=match):
        InceptionFeatures(weights=None).preprocess(images)


def test_inception_offline_error_says_where_keras_looks(monkeypatch, tmp_path):
    calls = []

    def offline(**kwargs):
        calls.append(kwargs)
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    fx = InceptionFeatures()
    with pytest.raises(RuntimeError) as info:
        fx.features(np.zeros((1, 28, 28, 1), "float32"))
    message = str(info.value)
    expected = tmp_path / "models" / "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert str(expected) in message and "URL fetch failure" in message
    assert "https://storage.googleapis.com" in message
    assert calls[0]["weights"] == "imagenet" and calls[0]["pooling"] == "avg"
    assert not calls[0]["include_top"]


def test_inception_random_weights_give_2048_features():
    fx = InceptionFeatures(weights=None, batch_size=2)
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    features = fx.features(images)  # two network calls: 2 + 1 images
    assert features.shape == (3, 2048) and np.all(np.isfinite(features))
    np.testing.assert_allclose(features[2:], fx.features(images[2:]), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- ClassifierFeatures


def test_classifier_features_layer_default_and_logits():
    model = _tiny_classifier()
    images = np.random.default_rng(0).uniform(-1, 1, (5, 4, 4, 1)).astype("float32")
    named = ClassifierFeatures(model, layer="hidden", from_logits=True)
    f, p = named.features_and_probabilities(images)
    assert f.shape == (5, 6) and p.shape == (5, 3)
    logits = np.asarray(model(images))
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, expected, rtol=1e-5)
    default = ClassifierFeatures(model)  # the input of the last layer
    assert default.features(images).shape == (5, 5)
    assert isinstance(default, ProbabilityExtractor)
    np.testing.assert_allclose(ClassifierFeatures(model).probabilities(images), logits, rtol=1e-5)


def test_classifier_features_errors():
    with pytest.raises(ValueError, match="hidden"):
        ClassifierFeatures(_tiny_classifier(), layer="nope")
    with pytest.raises(TypeError, match=r"keras\.Model"):
        ClassifierFeatures(lambda x: x)


# ---------------------------------------------------------------- sources and extraction


def test_extract_features_streams_statistics_and_keeps_a_prefix():
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, (1000, 3, 3, 1)).astype("float32")
    fs = extract_features(Flatten(), images, 900, batch_size=128, keep=100)
    flat = images[:900].reshape(900, -1).astype(np.float64)
    assert fs.n == 900 and fs.kept == 100
    np.testing.assert_allclose(fs.stats.mean, flat.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(fs.stats.covariance, np.cov(flat, rowvar=False), atol=1e-6)
    np.testing.assert_array_equal(fs.features, flat[:100].astype("float32"))
    assert extract_features(Flatten(), images, 10, keep=0).features is None


def test_extract_probabilities_needs_a_probability_extractor():
    images = np.zeros((4, 4, 4, 1), "float32")
    fs = extract_features(ClassifierFeatures(_tiny_classifier()), images, 4, probabilities=True)
    assert fs.probabilities is not None and fs.probabilities.shape == (4, 3)
    with pytest.raises(TypeError, match="features_and_probabilities"):
        extract_features(Flatten(), images, 4, probabilities=True)


def test_iter_samples_from_generators_is_seeded():
    g = _tiny_generator()
    first = np.concatenate(list(iter_samples(g, 10, batch_size=4, seed=5)))
    again = np.concatenate(list(iter_samples(g, 10, batch_size=3, seed=5)))
    other = np.concatenate(list(iter_samples(g, 10, batch_size=4, seed=6)))
    assert first.shape == (10, 2)
    np.testing.assert_allclose(first[:3], again[:3], rtol=1e-6)  # same first latent draws
    assert not np.allclose(first, other)
    cg = _tiny_generator(conditional=True)
    assert np.concatenate(list(iter_samples(cg, 7, num_classes=4))).shape == (7, 2)
    with pytest.raises(ValueError, match="num_classes"):
        next(iter_samples(cg, 7))


def test_iter_samples_from_functions_and_errors():
    def sample(b):
        return np.ones((b, 2))

    assert [len(b) for b in iter_samples(sample, 5, batch_size=2)] == [2, 2, 1]
    with pytest.raises(ValueError, match="fewer than n=5"):
        next(iter_samples(np.zeros((3, 2)), 5))
    with pytest.raises(TypeError, match="source"):
        next(iter_samples("samples.npy", 5))
    with pytest.raises(ValueError, match="returned 1 rows"):
        next(iter_samples(lambda b: np.ones((1, 2)), 5))


# ---------------------------------------------------------------- Evaluator / evaluate


def _gaussian_images(seed: int, n: int, shift: float = 0.0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(shift, 0.3, size=(n, 2, 2, 1))
    return np.clip(x, -1, 1).astype("float32")


def test_evaluate_reports_values_sizes_and_floor(tmp_path):
    real = _gaussian_images(0, 600)
    report = evaluate(_gaussian_images(1, 300, shift=0.3), real, n=300, extractor=Flatten())
    assert list(report.results) == ["fid", "kid", "precision", "recall", "density", "coverage"]
    fid = report.results["fid"]
    assert fid.n == 300 and fid.floor_n == 300 and fid.value > 10 * fid.floor
    assert report.results["kid"].std is not None and report.results["kid"].n == 300
    assert "kid: mean ± std over 100 subsets of 300 per set." in report.notes
    assert report.results["recall"].higher_is_better and not fid.higher_is_better
    # The floor: two disjoint sets of 300 drawn by a seeded permutation, computed directly.
    order = np.random.default_rng(0).permutation(600)
    assert fid.floor == pytest.approx(_fid(real[order[:300]], real[order[300:]]), rel=1e-4)
    report.save_json(tmp_path / "metrics.json")
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["metrics"]["fid"]["n"] == 300 and saved["extractor"] == "Flatten"
    table = report.format_table()
    assert "fid" in table and "real floor" in table and "coverage" in table


def _fid(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return frechet_distance(a.mean(0), np.cov(a.T), b.mean(0), np.cov(b.T))


@pytest.mark.parametrize("metrics", ["fid", "fid,pr"])  # features kept or statistics only
def test_floor_uses_half_the_real_set_when_it_is_smaller_than_2n(metrics):
    real = _gaussian_images(2, 500)
    report = evaluate(real[:400], real, n=400, extractor=Flatten(), metrics=metrics, seed=7)
    fid = report.results["fid"]
    assert fid.floor_n == 250 and fid.n == 400
    assert any("n=250" in note for note in report.notes)
    order = np.random.default_rng(7).permutation(500)  # disjoint halves of the permutation
    assert fid.floor == pytest.approx(_fid(real[order[:250]], real[order[250:]]), rel=1e-4)
    assert fid.value == pytest.approx(_fid(real[order[:400]], real[:400]), rel=1e-4)


def test_real_sets_are_shuffled_so_ordered_data_gives_a_fair_floor():
    ordered = np.concatenate([_gaussian_images(3, 300), _gaussian_images(4, 300, shift=0.3)])
    fair = evaluate(ordered[:300], ordered, n=300, extractor=Flatten(), metrics="fid")
    naive = evaluate(
        ordered[:300], ordered, n=300, extractor=Flatten(), metrics="fid", shuffle_real=False
    )
    assert naive.results["fid"].value == pytest.approx(0.0, abs=1e-9)  # reference = ordered[:300]
    assert naive.results["fid"].floor > 10 * fair.results["fid"].floor


def test_evaluator_is_a_metric_fn_and_caches_real_features():
    real = _gaussian_images(3, 400)
    evaluator = Evaluator(real, Flatten(), n=200, metrics=["fid", "kid"], kid_subsets=5)
    first = evaluator(_gaussian_images(4, 200))
    cached = evaluator.real_features
    second = evaluator(_gaussian_images(4, 200))
    assert set(first) == {"fid", "kid"} and first == second and evaluator.real_features is cached
    fn = fid_metric_fn(real, Flatten(), n=200)
    reference = real[np.random.default_rng(0).permutation(400)[:200]]
    assert fn(real[:200]) == {"fid": pytest.approx(_fid(reference, real[:200]), rel=1e-4)}
    assert fn(_gaussian_images(4, 200))["fid"] == pytest.approx(first["fid"])


def test_evaluator_argument_errors():
    real = _gaussian_images(5, 100)
    with pytest.raises(ValueError, match="fewer than n=200"):
        Evaluator(real, Flatten(), n=200)
    with pytest.raises(ValueError, match="metrics"):
        Evaluator(real, Flatten(), n=50, metrics="fid,is")
    with pytest.raises(ValueError, match="probabilities"):
        Evaluator(real, Flatten(), n=50, metrics="score")
    with pytest.raises(TypeError, match="features"):
        Evaluator(real, object(), n=50)  # type: ignore[arg-type]
    assert isinstance(Flatten(), FeatureExtractor)


def test_public_names_are_exported_and_documented():
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        if callable(obj):
            assert obj.__doc__ and "Example" in obj.__doc__, name
