"""MNIST recall: sampling around inverted latents, on held-out images (issue 12, session 17).

`ganlib evaluate RUN --bank` scores samples around the latents of the run's training images
against those same images (MNIST here is the 10,000-image test split, both training data and
reference set), so part of what it measures is closeness to the training set. This job asks
whether the gain survives without that: it splits the images into halves A and B by a seeded
permutation, samples around the latents of A only (`ganlib.models.generator_with_bank` over
A's rows of the run's `latent-bank.npz`, made by the first `--bank` if missing; inversion is
per image, so A's rows are what inverting A alone gives) and scores against B, beside the
run's plain samples at temperatures t, B's own real floor (A against B) and A resampled with
replacement (a sampler that returns training images). Every row also says how close its
samples are to the training images: the median pixel distance of each sample to its nearest
image of A, and the share of samples nearer than the 5th percentile of B's distances to A
(fresh digits: 5% by definition; copies: most).

    ganlib train mnist --seed 0 --out runs/m0
    ganlib evaluate runs/m0 --n 10000 --bank          # the issue's protocol; writes the bank
    python benchmarks/mnist_bank.py runs/m0 --spread 0,0.3,0.45,0.6 --temperature 1,1.15,1.3
    python benchmarks/mnist_bank.py runs/m0 --mix runs/m1 --spread 0.45,0.6 --temperature 1.3

With `--mix`, every row samples the mixture of the runs (`ganlib.models.generator_mixture`),
each run around its own bank.

Output: one JSON line per row (FID, precision, recall, classifier score, class coverage on B,
n = 5,000 by default, and the distances).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def nearest_distances(samples: np.ndarray, reference: np.ndarray, chunk: int = 1000) -> np.ndarray:
    """Each sample's Euclidean pixel distance to its nearest `reference` image."""
    ref = reference.reshape(len(reference), -1).astype("float64")
    ref_sq = (ref**2).sum(axis=1)
    flat = samples.reshape(len(samples), -1).astype("float64")
    out = np.empty(len(flat))
    for begin in range(0, len(flat), chunk):
        part = flat[begin : begin + chunk]
        squared = (part**2).sum(axis=1)[:, None] + ref_sq[None] - 2.0 * part @ ref.T
        out[begin : begin + chunk] = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", help="a folder written by `ganlib train` (an unconditional run)")
    p.add_argument("--spread", default="0,0.3,0.45,0.6", help="bank spreads, comma list")
    p.add_argument("--temperature", default="1,1.15,1.3", help="plain-sample temperatures")
    p.add_argument("--n", type=int, default=5000, help="samples per row (at most half the data)")
    p.add_argument("--seed", type=int, default=0, help="split seed 123 + seed, sample seed")
    p.add_argument("--bank-steps", type=int, default=None, help="if a bank must be made")
    p.add_argument("--mix", nargs="+", default=[], help="more runs: every row samples the mixture")
    args = p.parse_args(argv)

    from _quality_mnist import score_samples

    from ganlib import metrics
    from ganlib.cli._bank import BANK_STEPS, bank_latents
    from ganlib.cli._setup import load_data
    from ganlib.cli.sample import load_generator
    from ganlib.models import generator_mixture, generator_with_bank
    from ganlib.sampling import generate, with_temperature

    folders = [Path(args.run_dir), *map(Path, args.mix)]
    loaded = [load_generator(folder) for folder in folders]
    config = loaded[0][1]
    if config is None or any(c is None or c.dataset != config.dataset for _, c, _ in loaded):
        raise SystemExit("every run needs a config.json, all of the same data")
    x = np.asarray(load_data(config).x, dtype="float32")
    half = len(x) // 2
    if not 0 < args.n <= half:
        raise SystemExit(f"--n must lie in [1, {half}]; received {args.n}")
    order = np.random.default_rng(123 + args.seed).permutation(len(x))
    a, b = order[:half], order[half : 2 * half]
    steps = args.bank_steps or BANK_STEPS
    runs = zip(loaded, folders, strict=True)
    members = [(g, bank_latents(g, c, folder, steps)) for (g, c, _), folder in runs]

    def mixed(models: list[Any]) -> Any:
        return models[0] if len(models) == 1 else generator_mixture(models)

    evaluator = metrics.Evaluator(x[b], n=args.n, metrics="fid,pr,score", keep=args.n)
    fresh = nearest_distances(x[b], x[a])
    threshold = float(np.percentile(fresh, 5))

    def row(what: str, samples: np.ndarray) -> None:
        values: dict[str, Any] = score_samples(evaluator, samples)
        distances = nearest_distances(samples, x[a])
        values = {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}
        values["shares"] = [round(float(v), 4) for v in values["shares"]]
        values["median_nearest"] = round(float(np.median(distances)), 3)
        values["nearer_than_fresh_p5"] = round(float((distances < threshold).mean()), 4)
        print(json.dumps({"row": what, "n": len(samples), **values}), flush=True)

    rng = np.random.default_rng(args.seed)
    row("real A (against B: the floor)", x[a][: args.n])
    row("real A resampled with replacement", x[a][rng.integers(0, half, args.n)])
    plain = mixed([g for g, _ in members])
    for t in (float(v) for v in args.temperature.split(",")):
        samples, _ = generate(with_temperature(plain, t), args.n, seed=args.seed)
        row(f"plain samples, t = {t:g}", samples)
    for spread in (float(v) for v in args.spread.split(",")):
        banked = mixed([generator_with_bank(g, bank[a], spread) for g, bank in members])
        samples, _ = generate(banked, args.n, seed=args.seed)
        row(f"bank of A, spread {spread:g}", samples)


if __name__ == "__main__":
    main()
