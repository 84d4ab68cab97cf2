"""Improved precision/recall (k-NN manifolds) and density/coverage, with chunked distances."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ganlib.metrics._checks import as_features, positive_int, same_dim

__all__ = ["density_coverage", "knn_radii", "precision_recall"]

_CHUNK = 1024  # rows per distance block: memory = _CHUNK * n * 8 bytes (80 MB at n = 10,000)


def _sq_norms(x: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", x, x)


def _distance_blocks(
    queries: np.ndarray, points: np.ndarray, chunk: int
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield (row slice, Euclidean distances of those query rows to every point)."""
    point_norms = _sq_norms(points)
    for start in range(0, queries.shape[0], chunk):
        rows = slice(start, min(start + chunk, queries.shape[0]))
        block = queries[rows]
        sq = _sq_norms(block)[:, None] + point_norms[None, :] - 2.0 * (block @ points.T)
        yield rows, np.sqrt(np.clip(sq, 0.0, None))


def knn_radii(features: np.ndarray, k: int = 3, *, chunk_size: int = _CHUNK) -> np.ndarray:
    """Distance from each row to its k-th nearest other row (the k-NN ball radius).

    Computed in blocks of ``chunk_size`` rows, so memory is chunk_size * n * 8 bytes.

    Example:
        >>> import numpy as np
        >>> knn_radii(np.array([[0.0], [1.0], [3.0]]), k=1).tolist()
        [1.0, 1.0, 2.0]
    """
    x = as_features(features, "features", min_rows=2)
    k = positive_int(k, "k")
    if k >= x.shape[0]:
        raise ValueError(
            f"`k` must be smaller than the number of rows {x.shape[0]}. Received: k={k}"
        )
    chunk_size = positive_int(chunk_size, "chunk_size")
    radii = np.empty(x.shape[0])
    for rows, dist in _distance_blocks(x, x, chunk_size):
        # Index k of the sorted row skips the point itself (distance 0 at index 0).
        radii[rows] = np.partition(dist, k, axis=1)[:, k]
    return radii


def _fraction_inside(
    queries: np.ndarray, centres: np.ndarray, radii: np.ndarray, chunk: int
) -> float:
    """Fraction of query rows inside at least one ball B(centre_j, radius_j)."""
    inside = 0
    for _, dist in _distance_blocks(queries, centres, chunk):
        inside += int(np.count_nonzero(np.any(dist <= radii[None, :], axis=1)))
    return inside / queries.shape[0]


def _check_pair(real: object, fake: object, k: int) -> tuple[np.ndarray, np.ndarray, int]:
    r = as_features(real, "real_features", min_rows=2)
    f = as_features(fake, "fake_features", min_rows=2)
    same_dim(r, f, "real_features", "fake_features")
    return r, f, positive_int(k, "k")


def precision_recall(
    real_features: np.ndarray,
    fake_features: np.ndarray,
    *,
    k: int = 3,
    chunk_size: int = _CHUNK,
) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019), k-NN manifolds with k = 3.

    precision = fraction of fake samples inside the real manifold (the union of balls
    around each real sample with radius its distance to its k-th nearest real neighbour);
    recall = fraction of real samples inside the fake manifold. Distances are computed in
    blocks of ``chunk_size`` rows (memory chunk_size * n * 8 bytes); both sets are held
    in memory (n * d * 8 bytes each).

    Returns:
        ``(precision, recall)``, each in [0, 1].

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> real = rng.normal(size=(500, 2))
        >>> p, r = precision_recall(real, 0.2 * rng.normal(size=(500, 2)))
        >>> p > 0.9 and r < 0.5   # a collapsed model: good samples, little variety
        True
    """
    real, fake, k = _check_pair(real_features, fake_features, k)
    chunk_size = positive_int(chunk_size, "chunk_size")
    precision = _fraction_inside(fake, real, knn_radii(real, k, chunk_size=chunk_size), chunk_size)
    recall = _fraction_inside(real, fake, knn_radii(fake, k, chunk_size=chunk_size), chunk_size)
    return precision, recall


def density_coverage(
    real_features: np.ndarray,
    fake_features: np.ndarray,
    *,
    k: int = 5,
    chunk_size: int = _CHUNK,
) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020), k-NN balls around real samples only.

    density = 1/(k M) sum_j sum_i 1[Y_j in B(X_i, NND_k(X_i))]  (can exceed 1);
    coverage = 1/N sum_i 1[exists j: Y_j in B(X_i, NND_k(X_i))], with N real samples X,
    M fake samples Y. The paper recommends k = 5. Distances are chunked as in
    `precision_recall`.

    Returns:
        ``(density, coverage)``; density about 1 and coverage near 1 for real vs real.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> d, c = density_coverage(rng.normal(size=(500, 2)), rng.normal(size=(500, 2)))
        >>> 0.8 < d < 1.2 and c > 0.9
        True
    """
    real, fake, k = _check_pair(real_features, fake_features, k)
    chunk_size = positive_int(chunk_size, "chunk_size")
    radii = knn_radii(real, k, chunk_size=chunk_size)
    balls_per_fake = 0
    for _, dist in _distance_blocks(fake, real, chunk_size):
        balls_per_fake += int(np.count_nonzero(dist <= radii[None, :]))
    covered = 0
    for rows, dist in _distance_blocks(real, fake, chunk_size):
        covered += int(np.count_nonzero(dist.min(axis=1) <= radii[rows]))
    density = balls_per_fake / (k * fake.shape[0])
    return density, covered / real.shape[0]
