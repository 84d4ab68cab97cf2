"""MNIST mode coverage: screen recipe variants, and score the README's first snippet as written.

Six jobs (issue 12), each one process on one thread (TensorFlow intra/inter-op threads = 1):

    screen  trains MLP-pair variants (the README recipe plus one change each) from seed 0 on
            `ganlib.data.DeviceData`, without XLA, and scores raw and EMA samples at the end
            (class coverage, FID, precision, recall, classifier score; n samples).
    ablation  trains each variant once for a fixed step budget (`DeviceData`, no XLA) and
            scores raw weights, `GeneratorEMA(0.999)` weights and discriminator rejection
            sampling (DRS, gamma 0) through the run's discriminator on the raw generator.
    readme  runs the first ```python block of README.md exactly as written (after
            `keras.utils.set_random_seed(seed)`, in a scratch folder), then scores 10,000
            raw and EMA samples and the real-data floor, and writes 8x8 sample grids.
    speed   steps/s of token variants (benchmarks/_mnist_conv.py) against the first, measured
            alternating in one process, and each one's step budget (`--budget` x speed ratio).
    run     trains one token variant (XLA, 8 steps per execution, `DeviceData`) and scores
            raw, `GeneratorEMA(0.999)`, a second average (decay `--ema2`) and `--drs` (DRS,
            raw G) samples; `--save DIR` writes raw and EMA G weights (.npz) at each score.
    truncate  scores a `run --save` generator at truncations psi and latent temperatures t.

The runs behind docs/benchmarks.md ("MNIST: what fixes the README recipe's collapse"):

    python benchmarks/mnist_recipe.py screen --steps 1560 --n 5000 base aug drop_aug
    python benchmarks/mnist_recipe.py readme --out /tmp/readme_run --images docs/img
    python benchmarks/mnist_recipe.py ablation --steps 1000 aug base ada mbstd_aug

Fifth session ("MNIST: a small DCGAN pair at the 10-minute budget"):

    python benchmarks/mnist_recipe.py speed mlp+aug dc16+aug dc8+aug dc32+aug --reps 3
    python benchmarks/mnist_recipe.py run dc16+aug --steps 1000 --n 5000
    python benchmarks/mnist_recipe.py run dc8+aug --steps 19000 --ema2 0.995 --stop-at 12:22
    python benchmarks/mnist_recipe.py run dc16+aug --steps 2425 --stop-at 12:22

Sixth session ("MNIST: ablations of the conv pair at the 10-minute budget"; each run also
scores a screen row at 1,014 steps):

    python benchmarks/mnist_recipe.py run dc16+augt --steps 2425 --eval-at 1014 --stop-at 15:48
    python benchmarks/mnist_recipe.py run dc16+aug+hinge --steps 2425 --eval-at 1014 --stop-at 15:48

Session 8 ("MNIST: + minibatch-stddev at 8,892 steps, and truncation"):

    python benchmarks/mnist_recipe.py run mlp+aug+mbstd --steps 8892 --eval-at 3900,6240 \
        --screen-n 10000 --stop-at 21:15 --floor --save runs/w
    python benchmarks/mnist_recipe.py truncate mlp+aug+mbstd runs/w/mlp_aug_mbstd_seed0_8892.npz

Session 10 ("MNIST: the InfoGAN paper networks at the 10-minute budget"):

    python benchmarks/mnist_recipe.py speed mlp+aug paper+info+b64+glr3 --reps 3 --steps 32
    python benchmarks/mnist_recipe.py run paper+info+b64+glr3 --steps 7956 --eval-at 5460 \
        --screen-n 10000 --floor --save runs/w                  # and --seed 1

Session 11 ("Longer runs and sampling temperature", "+ minibatch-stddev and R1 ..."):

    python benchmarks/mnist_recipe.py run paper+info+b64+glr3 --steps 12700 \
        --eval-at 7956,10000 --screen-n 10000 --save runs/w
    python benchmarks/mnist_recipe.py truncate paper+info+b64+glr3 --weights raw,ema,ema_bn \
        runs/w/paper_info_b64_glr3_seed0_12792.npz --psi none --temperature 1,1.25,1.5,2
    python benchmarks/mnist_recipe.py run paper+info+b64+glr3+mbstd --steps 7956  # +r1, +r1a
    python benchmarks/mnist_recipe.py run paper+b64+glr3 --steps 7956 --save runs/w

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
    "ada": {"augment": _AUG, "ada": True},
    "mbstd_aug": {"augment": _AUG, "mbstd": True},
}
#: ADA's ramp in steps for these short runs (the callback's default, 5,000, would move p by at
#: most a fifth over a 1,000-step run).
ADA_RAMP = 1000


def _one_thread() -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def build(change: dict[str, Any], seed: int) -> Any:
    """The README recipe with `change` (augment, ada, mbstd, d_dropout), compiled without XLA."""
    import keras

    from ganlib import GANTrainer, augment, losses, models, optimizers

    keras.utils.set_random_seed(seed)
    g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    d = models.MLPDiscriminator(
        (28, 28, 1),
        dropout=change.get("d_dropout", 0.0),
        minibatch_stddev=change.get("mbstd", False),
    ).build()
    extra: dict[str, Any] = {}
    if "augment" in change:  # ADA starts at p = 0 and lets the callback raise it
        p0 = 0.0 if change.get("ada") else 1.0
        extra["augment"] = augment.DiffAugment(change["augment"], probability=p0)
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(real_label=0.9), seed=seed, **extra)
    trainer.compile(*optimizers.dcgan())
    return trainer


def score(
    trainer: Any,
    evaluator: Any,
    n: int,
    seed: int,
    use_ema: bool,
    rejection: Any = None,
    samples: Any = None,
    truncation: float | None = None,
) -> dict[str, Any]:
    """Class coverage and FID/precision/recall/score of `n` samples (raw or EMA weights;
    `samples`: an object whose `sample(n, seed)` draws them instead; `truncation`: psi)."""
    from ganlib import metrics

    if samples is not None:
        samples = samples.sample(n, 20_000 + seed)
    else:
        samples = trainer.sample(
            n, seed=20_000 + seed, use_ema=use_ema, rejection=rejection, truncation=truncation
        )
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


def drs_sampler(trainer: Any, x: Any, seed: int, use_ema: bool) -> tuple[Any, bool]:
    """A DRS sampler on the run's discriminator and whether its logits are calibrated.

    Calibrated on 5,000 real images (the training images: there is no held-out set) against
    5,000 samples of the same weights; where a threshold separates the two perfectly the
    calibration is undefined and the raw logits are used. gamma = the 80th percentile of F over
    those 5,000 samples (DRS's shift; gamma 0 accepted 0.1-0.3% of proposals here)."""
    import numpy as np

    from ganlib.sampling import DiscriminatorRejectionSampler, drs_acceptance

    sampler = DiscriminatorRejectionSampler(
        trainer.discriminator, burn_in=5000, max_proposals=300_000
    )
    fake = trainer.sample(5000, seed=30_000 + seed, use_ema=use_ema)
    calibrated = True
    try:
        sampler.calibrate(x[:5000], fake)
    except ValueError:
        calibrated = False
    logits = sampler.logits(fake)
    accept = np.clip(drs_acceptance(logits, float(logits.max()), 0.0), 1e-12, 1 - 1e-12)
    sampler.gamma = float(np.percentile(np.log(accept / (1 - accept)), 80))
    return sampler, calibrated


def ablation(args: argparse.Namespace) -> None:
    """One run per variant for `--steps`; rows: raw, EMA, and DRS on the raw generator."""
    from ganlib import callbacks, data, metrics
    from ganlib.callbacks import image_grid, write_png

    x = data.load_mnist()
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    floor, floor_n = evaluator.floor()
    values = {k: round(float(v), 4) for k, (v, _) in floor.items()}
    print(json.dumps({"real_floor_n": floor_n, **values}), flush=True)
    for name in args.variants:
        change = VARIANTS[name]
        trainer = build(change, args.seed)
        used: list[Any] = [callbacks.GeneratorEMA(decay=0.999)]
        if change.get("ada"):
            used.append(callbacks.AdaptiveAugmentation(ramp_steps=ADA_RAMP))
        start = time.perf_counter()
        batches = data.DeviceData(x, batch_size=128, seed=args.seed)
        per_epoch = len(x) // 128
        trainer.fit(
            batches, epochs=-(-args.steps // per_epoch), verbose=0, callbacks=used
        )  # whole epochs: the step count is the next multiple of 78 at or above --steps
        minutes = round((time.perf_counter() - start) / 60, 2)
        extra: dict[str, Any] = {"variant": name, "train_min": minutes}
        if change.get("ada"):
            extra["ada_p"] = round(float(trainer.augment_probability.numpy()), 3)
        for weights in args.weights.split(","):
            use_ema = weights in ("ema", "drs_ema")
            rejection, calibrated = None, None
            if weights.startswith("drs"):
                rejection, calibrated = drs_sampler(trainer, x, args.seed, use_ema)
            start = time.perf_counter()
            try:
                row = score(trainer, evaluator, args.n, args.seed, use_ema, rejection)
            except RuntimeError as e:  # DRS accepted too few of max_proposals
                _print({**extra, "weights": weights, "error": str(e)})
                continue
            row.update(weights=weights, calibrated=calibrated)
            row["eval_min"] = round((time.perf_counter() - start) / 60, 2)
            if rejection is not None:
                row["accepted"] = round(float(rejection.acceptance_rate), 4)
                row["gamma"] = round(rejection.gamma, 3)
            _print({**extra, **row})
            if args.images:
                path = Path(args.images) / f"mnist_ablation_{name}_{weights}.png"
                write_png(path, image_grid(row["samples"], rows=8))


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
    a = sub.add_parser("ablation", help="one run per variant: raw, EMA and DRS rows")
    a.add_argument("variants", nargs="+", choices=sorted(VARIANTS))
    a.add_argument("--steps", type=int, default=1000)
    a.add_argument("--n", type=int, default=10_000)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--weights", default="raw,ema,drs", help="rows: raw, ema, drs, drs_ema")
    a.add_argument("--images", default=None, help="write 8x8 sample grids here")
    r = sub.add_parser("readme", help="run README snippet 0 as written, then score it")
    r.add_argument("--out", default="runs/readme_snippet", help="scratch folder (runs/mnist)")
    r.add_argument("--images", default=None, help="write 8x8 sample grids here")
    r.add_argument("--n", type=int, default=10_000)
    r.add_argument("--seed", type=int, default=0)
    v = sub.add_parser("speed", help="steps/s of variants against the first; step budgets")
    v.add_argument("variants", nargs="+")
    v.add_argument("--reps", type=int, default=3)
    v.add_argument("--steps", type=int, default=32, help="steps per timed round")
    v.add_argument("--budget", type=int, default=9700, help="the first variant's step budget")
    u = sub.add_parser("run", help="train one token variant; raw, EMA, EMA2 rows")
    u.add_argument("variant", help="e.g. dc16+aug (benchmarks/_mnist_conv.py)")
    u.add_argument("--steps", type=int, default=1000)
    u.add_argument("--n", type=int, default=10_000)
    u.add_argument("--seed", type=int, default=0)
    u.add_argument("--ema2", type=float, default=0.99, help="decay of the second average")
    u.add_argument("--images", default=None, help="write 8x8 sample grids here")
    u.add_argument("--floor", action="store_true", help="also print the real-data floor")
    u.add_argument("--drs", action="store_true", help="also score DRS on the raw generator")
    u.add_argument("--stop-at", default=None, help="UTC HH:MM: stop at the next epoch end")
    u.add_argument("--eval-at", default="", help="steps (comma list): raw/EMA screen rows there")
    u.add_argument("--screen-n", type=int, default=5000, help="samples of the --eval-at rows")
    u.add_argument("--save", default=None, help="write raw/EMA generator weights (.npz) here")
    t = sub.add_parser("truncate", help="a `run --save` generator at several truncations")
    t.add_argument("variant", help="the variant the weights were trained as, e.g. mlp+aug")
    t.add_argument("checkpoint", help="an .npz written by `run --save`")
    t.add_argument("--psi", default="none,1.0,0.9,0.8,0.7", help="thresholds; none: untruncated")
    t.add_argument("--temperature", default="1", help="latent scales t (z times t), e.g. 1,1.5")
    t.add_argument("--weights", default="raw,ema", help="raw, ema, raw_bn, ema_bn (own BN stats)")
    t.add_argument("--n", type=int, default=10_000)
    t.add_argument("--seed", type=int, default=0, help="the run's seed (sample seed 20,000+)")
    t.add_argument("--images", default=None, help="write 8x8 sample grids here")
    t.add_argument("--floor", action="store_true", help="also print the real-data floor")
    args = p.parse_args(argv)
    _one_thread()
    import _mnist_conv as conv

    if args.job == "speed":
        conv.speed_job(args)
    elif args.job == "run":
        conv.run(args, score, _print)
    elif args.job == "truncate":
        conv.truncate_job(args, score, _print)
    elif args.job == "screen":
        screen(args)
    elif args.job == "ablation":
        ablation(args)
    else:
        readme(args)


if __name__ == "__main__":
    main()
