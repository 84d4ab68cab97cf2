"""Sample quality: the PacGAN 2-D mixtures and MNIST, with ganlib's own parts only.

2-D protocol (Lin et al. 2018, "PacGAN", Table 1): ring of 8 and grid of 25 Gaussians
(`ganlib.data.ring_mixture` / `grid_mixture`), 10 seeds, 2,500 evaluation samples; modes
captured, high-quality fraction and reverse KL (`ganlib.metrics.mixture_metrics`) as
mean ± standard error, printed beside PacGAN's figures.

MNIST protocol: `ganlib.data.load_mnist()` (10,000 images from $GANLIB_DATA_DIR), a step
or wall-clock budget per configuration, 3 seeds, FID / precision / recall / classifier score
on the shipped MNIST classifier's features (`ganlib.metrics.Evaluator`, n = 10,000) with the
real-data floor. Each configuration is trained once per seed with a `GeneratorEMA` callback
attached, and evaluated twice: raw generator weights ("-") and EMA weights ("+ema"). EMA
only reads the weights, so both rows come from the same training run.

Full protocol (the defaults; about 2.5 hours of MNIST on 2 idle cores):
    python benchmarks/quality.py --json quality.json --images docs/img
The runs behind docs/benchmarks.md (2-D in full, MNIST reduced), and the smoke test:
    python benchmarks/quality.py --toy ring,grid --toy-seeds 10 --mnist none
    python benchmarks/quality.py --toy none --mnist all --seeds 1 --budget-minutes 3 --n 5000
    python benchmarks/quality.py --quick
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_header, write_json
from _quality_mnist import (
    DEFAULT_MNIST,
    MNIST_CONFIGS,
    format_row,
    mnist_table,
    real_floor,
    run_mnist,
)
from _quality_toy import DEFAULT_TOY, TOY_CONFIGS, run_toy
from _toy_scores import toy_table


# ------------------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--toy", default="ring,grid", help="2-D data sets (ring, grid) or 'none'")
    p.add_argument(
        "--toy-configs",
        default=None,
        help=f"of {', '.join(TOY_CONFIGS)} (default: ring {DEFAULT_TOY['ring']}, "
        f"grid {DEFAULT_TOY['grid']})",
    )
    p.add_argument("--toy-seeds", type=int, default=10)
    p.add_argument("--toy-first-seed", type=int, default=0, help="seeds first..first+seeds-1")
    p.add_argument(
        "--drs-refine",
        default=None,
        help="2-D: also score DRS through copies of D refined this many steps (e.g. 2000,6000; "
        "2000f: against fresh generator samples instead of a pool of 100,000)",
    )
    p.add_argument(
        "--drs-ascent",
        default=None,
        help="2-D: after DRS through each refined D, also score the samples moved this many "
        "steps up its logit (e.g. 5,10; ganlib.sampling.discriminator_ascent)",
    )
    p.add_argument("--toy-steps", type=int, default=None, help="override the configs' steps")
    p.add_argument(
        "--drs",
        default=None,
        help="2-D: also score discriminator rejection sampling at these gammas (e.g. 0,1)",
    )
    p.add_argument("--pack", type=int, default=None, help="2-D: override the configs' pack")
    p.add_argument(
        "--mnist",
        default="all",
        help=f"MNIST configs (comma list of {', '.join(MNIST_CONFIGS)}; all = "
        f"{','.join(DEFAULT_MNIST)}; none)",
    )
    p.add_argument("--seeds", type=int, default=3, help="MNIST seeds")
    p.add_argument("--budget-steps", type=int, default=None, help="MNIST steps per config")
    p.add_argument("--budget-minutes", type=float, default=None, help="MNIST wall clock")
    p.add_argument("--n", type=int, default=10_000, help="MNIST evaluation samples")
    p.add_argument("--jit", action="store_true", help="MNIST training with jit_compile=True")
    p.add_argument("--spe", type=int, default=1, help="MNIST steps_per_execution")
    p.add_argument("--images", default=None, help="write sample grids/scatters here")
    p.add_argument("--quick", action="store_true", help="smallest run (smoke test)")
    p.add_argument("--json", default=None, help="write all results to this JSON file")
    args = p.parse_args(argv)
    if args.quick:
        # No refinement: after 20 steps a refined D rejects nearly every sample.
        args.toy, args.toy_seeds, args.toy_steps, args.drs, args.drs_refine = "ring", 1, 20, "0", ""
        args.mnist, args.seeds, args.budget_steps, args.n = "classic_mlp", 1, 3, 200
    if args.budget_steps is None and args.budget_minutes is None:
        args.budget_minutes = 10.0
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    info = machine()
    print_header("ganlib quality benchmark", info)
    images = Path(args.images) if args.images else None
    if images is not None:
        images.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {"machine": info, "command": " ".join(sys.argv)}
    toy_results: list[dict[str, Any]] = []
    datasets = [] if args.toy == "none" else args.toy.split(",")
    for dataset in datasets:
        for name in (args.toy_configs or DEFAULT_TOY[dataset]).split(","):
            config = TOY_CONFIGS[name]
            if args.drs is not None:
                gammas = tuple(float(g) for g in args.drs.split(",") if g.strip())
                config = dataclasses.replace(config, drs_gammas=gammas)
            if args.drs_refine is not None:
                steps = tuple(
                    s.strip() if s.strip().endswith("f") else int(s)
                    for s in args.drs_refine.split(",")
                    if s.strip()
                )
                config = dataclasses.replace(config, drs_refine=steps)
            if args.drs_ascent is not None:
                ascent = tuple(int(s) for s in args.drs_ascent.split(",") if s.strip())
                config = dataclasses.replace(config, drs_ascent=ascent)
            if args.pack is not None:
                config = dataclasses.replace(config, pack=args.pack)
            print(f"{dataset} / {name}: {config.description}", flush=True)
            for seed in range(args.toy_first_seed, args.toy_first_seed + args.toy_seeds):
                png = None
                if images is not None and seed == 0:
                    png = images / f"bench_{dataset}_{name}.png"
                r = run_toy(dataset, config, seed, args.toy_steps, png)
                toy_results.append(r)
                drs = "".join(
                    f"; {label}: modes {r[k + 'modes']}, HQ {100 * r[k + 'hq']:.1f}%, "
                    f"rKL {r[k + 'reverse_kl']:.3f}, accepted {100 * r[k + 'acceptance']:.1f}%"
                    f", median distance {r.get(k + 'median_distance', float('nan')):.3f}"
                    for k, label in r["samplers"].items()
                    if k
                )
                print(
                    f"  seed {seed}: modes {r['modes']}, HQ {100 * r['hq']:.1f}%, "
                    f"rKL {r['reverse_kl']:.3f} (raw weights: {r['raw_modes']}, "
                    f"{100 * r['raw_hq']:.1f}%){drs}, {r['steps']} steps in {r['seconds']:.0f} s"
                    + "".join(
                        f"; refine {k[6:-8]} steps {v:.0f} s"
                        for k, v in r.items()
                        if k.startswith("refine") and k.endswith("_seconds")
                    ),
                    flush=True,
                )
    if toy_results:
        print(toy_table(toy_results))
        payload["toy"] = toy_results
    names = [] if args.mnist == "none" else args.mnist.split(",")
    if names == ["all"]:
        names = list(DEFAULT_MNIST)
    if names:
        from ganlib import data, metrics

        x = data.load_mnist()
        evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
        floor, floor_n = real_floor(evaluator)
        budget = f"{args.budget_steps} steps" if args.budget_steps else f"{args.budget_minutes} min"
        print(f"MNIST: {len(x)} images, budget {budget}/config, n={args.n}", flush=True)
        rows: list[dict[str, Any]] = []
        for name in names:
            config = MNIST_CONFIGS[name]
            print(f"{name}: {config.description}", flush=True)
            for seed in range(args.seeds):
                new = run_mnist(
                    config,
                    seed,
                    x,
                    evaluator,
                    args.budget_steps,
                    args.budget_minutes,
                    args.jit,
                    images,
                    args.spe,
                )
                rows += new
                for r in new:
                    print(f"  seed {seed} {r['config']}: {format_row(r)}", flush=True)
        print(mnist_table(rows, floor, args.n, floor_n))
        payload["mnist"] = {"rows": rows, "floor": floor, "floor_n": floor_n, "n": args.n}
    if args.json:
        write_json(args.json, payload)
    return payload


if __name__ == "__main__":
    main()
