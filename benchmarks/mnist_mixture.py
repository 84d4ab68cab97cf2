"""Score a mixture of independently trained MNIST generators (issue 12, session 16).

Issue 12's MNIST budget is 10 minutes of training on 2 cores; the recipe trains one generator on
one thread (`mnist_recipe.py run`), so the two cores can train two generators side by side, one
seed each, in the same wall time. This job samples such an ensemble: each image comes from one
of the `run --save` generators given (an equal share each, in order), at latent temperature t,
and the union is scored as every MNIST row is (class coverage, FID, precision, recall,
classifier score; n samples, sample seed 20,000 + seed). A user's sampler for the ensemble is
"pick a generator uniformly, then sample it" (`ganlib.models.generator_mixture`, which picks
by two extra latent entries instead of in equal shares). ``*_bn`` weights: the i-th
checkpoint's BatchNorm statistics are re-estimated with seed 40,000 + i.

    cd benchmarks
    python mnist_recipe.py run paper+info+b64+glr3 --steps 7956 --seed 0 --save runs/w  # and 1
    python mnist_mixture.py paper+info+b64+glr3 runs/w/paper_info_b64_glr3_seed0_7956.npz \\
        runs/w/paper_info_b64_glr3_seed1_7956.npz --weights ema_bn --temperature 1,1.15,1.3

With one checkpoint it scores that generator alone, as `mnist_recipe.py truncate` does. Self-
conditioned variants (``scK``, ``scpK``: `mnist_selfcond.py run --save`) draw each sample's
cluster from the clusters' frequencies first, as `mnist_selfcond.py score` does.
Output: one JSON line per (weights, t).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class Mixture:
    """Samples of several samplers (objects with `sample(n, seed)`), an equal share of `n` from
    each in order (the first ones get one more when `n` does not divide), part i drawn with seed
    ``seed + 1000 * i``."""

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts

    def sample(self, n: int, seed: int) -> np.ndarray:
        k = len(self.parts)
        sizes = [n // k + (i < n % k) for i in range(k)]
        parts = enumerate(zip(self.parts, sizes, strict=True))
        draws = [part.sample(m, seed + 1000 * i) for i, (part, m) in parts]
        return np.concatenate(draws, axis=0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("variant", help="the variant every checkpoint was trained as")
    p.add_argument("checkpoints", nargs="+", help=".npz files written by `run --save`")
    p.add_argument("--weights", default="ema_bn", help="raw, ema, raw_bn, ema_bn (comma list)")
    p.add_argument("--temperature", default="1", help="latent scales t, e.g. 1,1.15,1.3")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0, help="sample seed 20,000 + seed")
    args = p.parse_args()

    import _mnist_conv as conv
    import _mnist_selfcond as selfcond
    from _mnist_variants import _SELFCOND, build, parse
    from mnist_recipe import _one_thread, score

    _one_thread()
    from ganlib import data, metrics

    # self-conditioned variants (scK, scpK) draw each sample's cluster first
    clustered = bool(parse(args.variant)[1] & _SELFCOND.keys())
    tempered = selfcond.Tempered if clustered else conv.Tempered
    recalibrate = selfcond.recalibrate if clustered else conv.recalibrate_bn
    evaluator = metrics.Evaluator(data.load_mnist(), n=args.n, metrics="fid,pr,score", keep=args.n)
    trainers = [build(args.variant, i, 1) for i in range(len(args.checkpoints))]
    names = [Path(c).name for c in args.checkpoints]
    for weights in args.weights.split(","):
        for i, (trainer, path) in enumerate(zip(trainers, args.checkpoints, strict=True)):
            conv.load_weights(trainer, path, weights.removesuffix("_bn"))
            if weights.endswith("_bn"):
                recalibrate(trainer, seed=40_000 + i)
        for t in args.temperature.split(","):
            mixture = Mixture([tempered(trainer, float(t)) for trainer in trainers])
            row = score(trainers[0], evaluator, args.n, args.seed, False, samples=mixture)
            del row["steps"], row["ema"], row["samples"]
            print(json.dumps({"checkpoints": names, "weights": weights, "t": t, **row}), flush=True)


if __name__ == "__main__":
    main()
