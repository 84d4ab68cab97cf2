"""Print every ganlib metric on real, blurred, noisy, pure-noise and single-digit MNIST sets.

The reference set and the compared sets are disjoint draws from the local MNIST files
(shuffled with a fixed seed); features come from the shipped MNIST classifier. With
``--time`` it also times a full evaluation of 10,000 samples.

Usage:
    GANLIB_DATA_DIR=path/to/mnist python scripts/metrics_table.py [--n 1000] [--time]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ganlib.data import load_mnist
from ganlib.metrics import Evaluator, evaluate, mnist_features

COLUMNS = ("real", "blurred", "noisy", "noise", "one digit")
ROWS = (
    *("fid", "kid", "precision", "recall", "density", "coverage", "classifier_score"),
    *("classes_covered", "smallest_class_share", "largest_class_share"),
)


def blur(images: np.ndarray) -> np.ndarray:
    """Separable binomial blur [1, 4, 6, 4, 1] / 16 (about a Gaussian with sigma 1)."""
    kernel = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
    x = np.pad(images[..., 0], ((0, 0), (2, 2), (2, 2)), constant_values=-1.0)
    x = sum(kernel[i] * x[:, i : i + 28, :] for i in range(5))
    x = sum(kernel[i] * x[:, :, i : i + 28] for i in range(5))
    return np.asarray(x, dtype=np.float32)[..., None]


def make_sets(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The reference set and the compared sets, each of n images, disjoint from it."""
    x, y = load_mnist(split="test", with_labels=True)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    reference, other = x[order[:n]], x[order[n : 2 * n]]
    rest = order[n:]
    ones = rest[y[rest] == 1][:n]
    if len(ones) < n:
        raise SystemExit(f"only {len(ones)} images of digit 1 outside the reference set; lower --n")
    sets = {
        "real": other,
        "blurred": blur(other),
        "noisy": np.clip(other + rng.normal(0.0, 0.5, other.shape), -1, 1).astype(np.float32),
        "noise": rng.uniform(-1, 1, other.shape).astype(np.float32),
        "one digit": x[ones],
    }
    return reference, sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--time", action="store_true", help="also time n=10,000 evaluations")
    args = parser.parse_args()

    reference, sets = make_sets(args.n)
    evaluator = Evaluator(reference, mnist_features(), n=args.n)
    values = {name: evaluator(images) for name, images in sets.items()}
    print(f"n = {args.n} per set; features: shipped MNIST classifier (128-d)\n")
    print("| metric | " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for row in ROWS:
        cells = [f"{values[c][row]:.4g}" for c in COLUMNS]
        print(f"| {row} | " + " | ".join(cells) + " |")

    if args.time:
        x = load_mnist(split="test")
        start = time.perf_counter()
        fid_only = evaluate(x, x, n=10_000, metrics="fid", floor=False)
        fid_seconds = time.perf_counter() - start
        start = time.perf_counter()
        full = evaluate(x, x, n=10_000, floor=False)
        full_seconds = time.perf_counter() - start
        print(f"\nFID of 10,000 samples (MNIST classifier features): {fid_seconds:.1f} s")
        print(fid_only.format_table())
        print(f"all metrics of 10,000 samples: {full_seconds:.1f} s")
        print(full.format_table())


if __name__ == "__main__":
    main()
