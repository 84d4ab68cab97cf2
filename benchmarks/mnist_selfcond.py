"""MNIST recall: self-conditioning the recipe on unsupervised clusters (issue 12, session 13).

Three jobs, one process on one thread (TensorFlow intra/inter-op threads = 1):

    clusters  k-means the 10,000 real images (`_mnist_selfcond.clusters`) and print the
              clusters' sizes, and how many of each cluster the shipped classifier calls its
              most frequent digit (a description; the clustering never sees a label).
    run       trains a ``scK`` variant of `_mnist_variants.py` (e.g. paper+b64+glr3+sc30) on
              `DeviceData(x, clusters)` with `GeneratorEMA(0.999)`, XLA and 8 steps per
              execution as `mnist_recipe.py run` does, writes the raw and EMA weights (.npz,
              `--save`) and scores raw (t = 1), EMA (t = 1) and EMA with re-estimated BatchNorm
              statistics (``ema_bn``) at every `--temperature`; clusters drawn from the
              frequencies (sample seed 20,000 + seed, as every MNIST row).
    score     the rows of `run` for a saved .npz (`--weights raw,ema,ema_bn`).

`--cluster-power a` (run, score) samples the clusters by frequency**a renormalized (1, the
default: as the data; 0: uniform).

The runs behind docs/benchmarks.md ("MNIST recall: self-conditioning on clusters (session 13)"
and "... more seeds and clusters (session 14)"):

    python benchmarks/mnist_selfcond.py clusters 30
    python benchmarks/mnist_selfcond.py run paper+b64+glr3+sc30 --steps 7956 --save runs/w \
        --images out

Output: one JSON line per scored sample set (`mnist_recipe.py`'s scoring).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def cluster_job(args: argparse.Namespace) -> None:
    from _mnist_selfcond import clusters

    from ganlib import data, metrics

    start = time.process_time()
    labels, freq = clusters(args.k)
    cpu = round(time.process_time() - start, 1)
    x = data.load_mnist()
    digits = metrics.Evaluator(x, n=len(x), metrics="score").features(x).probabilities.argmax(1)
    purity = [
        np.bincount(digits[labels == j], minlength=10).max() / (labels == j).sum()
        for j in range(args.k)
    ]
    row = {"k": args.k, "cluster_cpu_s": cpu, "smallest": round(float(freq.min()), 4)}
    row.update(largest=round(float(freq.max()), 4), sizes=sorted(np.bincount(labels).tolist()))
    row.update(purity=round(float(np.dot(freq, purity)), 3), min_purity=round(min(purity), 3))
    print(json.dumps(row), flush=True)


def rows(trainer: Any, path: Path, args: argparse.Namespace, evaluator: Any, extra: dict) -> None:
    """Scores the weights of `path` (`--weights`) at `--temperature` (raw: t = 1 only)."""
    import _mnist_conv as conv
    from _mnist_selfcond import Tempered, recalibrate
    from mnist_recipe import _print, score

    from ganlib.callbacks import image_grid, write_png

    for weights in args.weights.split(","):
        conv.load_weights(trainer, path, weights.removesuffix("_bn"))
        if weights.endswith("_bn"):
            recalibrate(trainer, seed=40_000 + args.seed)
        for t in ["1"] if weights == "raw" else args.temperature.split(","):
            start = time.process_time()
            tempered = Tempered(trainer, float(t), args.cluster_power)
            row = score(trainer, evaluator, args.n, args.seed, False, samples=tempered)
            row.update(weights=weights, t=t, eval_cpu_s=round(time.process_time() - start))
            if args.cluster_power != 1:
                row.update(cluster_power=args.cluster_power)
            del row["ema"]
            _print({**extra, **row})
            if args.images:
                name = f"mnist_{args.variant.replace('+', '_')}_{weights}_t{t}.png"
                write_png(Path(args.images) / name, image_grid(row["samples"], rows=8))


def run(args: argparse.Namespace) -> None:
    import _mnist_conv as conv
    import keras
    from _common import past
    from _mnist_selfcond import clusters
    from _mnist_variants import _SELFCOND, batch_size, build, parse

    from ganlib import callbacks, data, metrics

    k = _SELFCOND[min(parse(args.variant)[1] & _SELFCOND.keys())]
    labels, _ = clusters(k)
    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    trainer = build(args.variant, args.seed, args.steps)
    batch = batch_size(args.variant)
    cpu0, start = time.process_time(), time.perf_counter()

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if past(args.stop_at):
                trainer.stop_training = True
            if epoch % 5 == 4:
                step = int(trainer.step_counter.numpy())
                minutes = round((time.perf_counter() - start) / 60, 1)
                cpu = round(time.process_time() - cpu0)
                print(json.dumps({"step": step, "min": minutes, "cpu_s": cpu}), flush=True)

    trainer.fit(
        data.DeviceData(x, labels, batch_size=batch, seed=args.seed),
        epochs=-(-args.steps // (len(x) // batch)),
        verbose=0,
        callbacks=[callbacks.GeneratorEMA(0.999), Progress()],
    )
    steps = int(trainer.step_counter.numpy())
    extra = {"variant": args.variant, "seed": args.seed, "steps": steps}
    extra.update(train_cpu_s=round(time.process_time() - cpu0))
    extra.update(train_min=round((time.perf_counter() - start) / 60, 1))
    name = f"{args.variant.replace('+', '_')}_seed{args.seed}_{steps}.npz"
    path = Path(args.save) / name
    conv.save_weights(trainer, path)
    rows(trainer, path, args, evaluator, extra)


def score_job(args: argparse.Namespace) -> None:
    from _mnist_variants import build

    from ganlib import data, metrics

    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    trainer = build(args.variant, args.seed, 1)
    rows(
        trainer, Path(args.checkpoint), args, evaluator, {"checkpoint": Path(args.checkpoint).name}
    )


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="job", required=True)
    c = sub.add_parser("clusters", help="k-means the real images; sizes and purity")
    c.add_argument("k", type=int)
    for name in ("run", "score"):
        s = sub.add_parser(name, help="train and score" if name == "run" else "score an .npz")
        s.add_argument("variant", help="e.g. paper+b64+glr3+sc30")
        if name == "run":
            s.add_argument("--steps", type=int, default=7956)
            s.add_argument("--save", default="runs/w", help="write raw/EMA weights (.npz) here")
            s.add_argument("--stop-at", default=None, help="UTC HH:MM: stop at an epoch end")
        else:
            s.add_argument("checkpoint", help="an .npz written by `run`")
        s.add_argument("--weights", default="raw,ema,ema_bn", help="raw, ema, ema_bn")
        s.add_argument("--temperature", default="1,1.15,1.3", help="latent scales t")
        s.add_argument(
            "--cluster-power",
            type=float,
            default=1.0,
            help="sample clusters by frequency**power (1: as the data, 0: uniform)",
        )
        s.add_argument("--n", type=int, default=10_000)
        s.add_argument("--seed", type=int, default=0, help="training seed (samples 20,000+)")
        s.add_argument("--images", default=None, help="write 8x8 sample grids here")
    args = p.parse_args(argv)
    from mnist_recipe import _one_thread

    _one_thread()
    {"clusters": cluster_job, "run": run, "score": score_job}[args.job](args)


if __name__ == "__main__":
    main()
