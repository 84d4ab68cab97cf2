"""MNIST mode coverage: screen recipe variants, and score the README's first snippet as written.

Two jobs (issue 12), both one process on one thread (TensorFlow intra/inter-op threads = 1):

    screen  trains MLP-pair variants (the README recipe plus one change each) from seed 0 on
            `ganlib.data.DeviceData`, without XLA, and scores raw and EMA samples at the end
            (class coverage, FID, precision, recall, classifier score; n samples).
    readme  runs the first ```python block of README.md exactly as written (after
            `keras.utils.set_random_seed(seed)`, in a scratch folder), then scores 10,000
            raw and EMA samples and the real-data floor, and writes 8x8 sample grids.

The runs behind docs/benchmarks.md ("MNIST: what fixes the README recipe's collapse"):

    python benchmarks/mnist_recipe.py screen --steps 1560 --n 5000 base aug drop_aug
    python benchmarks/mnist_recipe.py readme --out /tmp/readme_run --images docs/img

Output: one JSON line per scored sample set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
README = Path(__file__).resolve().parents[1] / "README.md"
_AUG = "translation,cutout"
#: Each variant is the README recipe's MLP pair, NonSaturating(0.9), dcgan preset, batch 128
#: with the listed changes.
VARIANTS: dict[str, dict[str, Any]] = {
    "base": {},
    "aug": {"augment": _AUG},
    "drop": {"d_dropout": 0.3},
    "drop_aug": {"d_dropout": 0.3, "augment": _AUG},
}


def _one_thread() -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def build(change: dict[str, Any], seed: int) -> Any:
    """The README recipe with `change` (keys: augment, d_dropout), compiled without XLA."""
    import keras

    from ganlib import GANTrainer, augment, losses, models, optimizers

    keras.utils.set_random_seed(seed)
    g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    d = models.MLPDiscriminator((28, 28, 1), dropout=change.get("d_dropout", 0.0)).build()
    extra = {"augment": augment.DiffAugment(change["augment"])} if "augment" in change else {}
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(real_label=0.9), seed=seed, **extra)
    trainer.compile(*optimizers.dcgan())
    return trainer


def score(trainer: Any, evaluator: Any, n: int, seed: int, use_ema: bool) -> dict[str, Any]:
    """Class coverage and FID/precision/recall/score of `n` samples (raw or EMA weights)."""
    from ganlib import metrics

    samples = trainer.sample(n, seed=20_000 + seed, use_ema=use_ema)
    features = evaluator.features(samples)
    coverage = metrics.class_coverage(features.probabilities)
    row: dict[str, Any] = {
        "ema": use_ema,
        "steps": int(trainer.step_counter.numpy()),
        "digits_covered": coverage.covered,
        "smallest_share": round(coverage.smallest, 4),
        "largest_share": round(coverage.largest, 4),
        "shares": [round(float(v), 4) for v in coverage.shares],
    }
    compared = evaluator.compare(evaluator.real_features, features)
    row.update({k: round(float(v), 4) for k, (v, _) in compared.items()})
    row["samples"] = samples[:64]
    return row


def _print(row: dict[str, Any]) -> None:
    print(json.dumps({k: v for k, v in row.items() if k != "samples"}), flush=True)


def screen(args: argparse.Namespace) -> None:
    from ganlib import callbacks, data, metrics

    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    for name in args.variants:
        trainer = build(VARIANTS[name], args.seed)
        ema = callbacks.GeneratorEMA(decay=0.999)
        start = time.perf_counter()
        per_epoch = len(x) // 128
        epochs = -(-args.steps // per_epoch)
        batches = data.DeviceData(x, batch_size=128, seed=args.seed)
        trainer.fit(batches, epochs=epochs, verbose=0, callbacks=[ema])
        minutes = round((time.perf_counter() - start) / 60, 2)
        for use_ema in (False, True):
            row = score(trainer, evaluator, args.n, args.seed, use_ema)
            _print({"variant": name, "train_min": minutes, **row})


def readme(args: argparse.Namespace) -> None:
    import keras

    from ganlib import data, metrics
    from ganlib.callbacks import image_grid, write_png

    code = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[0]
    images = Path(args.images).resolve() if args.images else None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(out)
    keras.utils.set_random_seed(args.seed)
    namespace: dict[str, Any] = {}
    start = time.perf_counter()
    exec(compile(code, "README.md snippet 0", "exec"), namespace)
    minutes = round((time.perf_counter() - start) / 60, 2)
    trainer = namespace["trainer"]
    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    for use_ema in (False, True):
        row = score(trainer, evaluator, args.n, 0, use_ema)
        _print({"run": "README snippet 0", "train_min": minutes, **row})
        if images is not None:
            name = f"mnist_readme_{'ema' if use_ema else 'raw'}.png"
            write_png(images / name, image_grid(row["samples"], rows=8))
    floor, floor_n = evaluator.floor()
    values = {k: round(float(v), 4) for k, (v, _) in floor.items()}
    print(json.dumps({"real_floor_n": floor_n, **values}), flush=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="job", required=True)
    s = sub.add_parser("screen", help="train recipe variants, score at the end")
    s.add_argument("variants", nargs="+", choices=sorted(VARIANTS))
    s.add_argument("--steps", type=int, default=1560)
    s.add_argument("--n", type=int, default=5000)
    s.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("readme", help="run README snippet 0 as written, then score it")
    r.add_argument("--out", default="runs/readme_snippet", help="scratch folder (runs/mnist)")
    r.add_argument("--images", default=None, help="write 8x8 sample grids here")
    r.add_argument("--n", type=int, default=10_000)
    r.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    _one_thread()
    if args.job == "screen":
        screen(args)
    else:
        readme(args)


if __name__ == "__main__":
    main()
