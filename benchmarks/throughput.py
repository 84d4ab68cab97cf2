"""Training throughput: the classic Keras GAN loop vs `GANTrainer` vs hand-fused steps.

Runs every variant in ONE process, in alternating order (A B C ... C B A ...), `--reps`
times, and reports per variant: median steps/s; its ratio to the classic loop, to the classic
loop that calls `G(z)` directly, to the in-graph hand-fused XLA step (the reference) and to the
best hand-written step; achieved GFLOP/s as a fraction of the fp32 matmul peak measured in the
same run; and (from a fresh subprocess per variant) the time from process start to the first
finished step and the peak resident memory. A "step" is one discriminator update and one
generator update on a batch of `--batch-size` real images.

Variants (`--variants`; `--list` prints them with a one-line description):
  classic, classic_pob, classic_direct   the classic Keras 2 loop (`train_on_batch`,
             `trainable` toggled), fakes from `predict`, `predict_on_batch` or `G(z)`.
  defaults, defaults_hooked, defaults_noxla, keras_defaults, jit, jit_spe, spe, data,
  spe_data, fastest_tfdata   `GANTrainer` with compile options and numpy or `tf.data` input
             (`keras_defaults`: XLA off and one step per execution, the defaults before issue
             14; `defaults_hooked`: the defaults with a callback that hooks every batch;
             `defaults_noxla`: the defaults with `jit_compile=False`).
  device, device_spe, fastest   `GANTrainer` fed by `ganlib.data.DeviceData` (batches drawn
             inside the compiled step); `fastest` adds `jit_compile=True, steps_per_execution`.
  fused, fused_xla   a hand-written `tf.function` step fed by `tf.data`, D run twice.
  ingraph, ingraph_xla   a hand-written step that holds the data set as one tensor, gathers
             each batch inside the step and runs D once on real+fake concatenated (separately
             when D has BatchNorm); `ingraph_xla` is the reference.

FLOPs count matmuls only (see docs/performance.md).

Example (the figures in docs/benchmarks.md):
    python benchmarks/throughput.py --reps 5 --steps 60 --json out.json
Smallest run (smoke test):
    python benchmarks/throughput.py --reps 1 --steps 3 --which mlp --no-cold --quick
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, load_images, machine, median, print_header, write_json
from _throughput.base import Variant
from _throughput.classic import Classic, ClassicDirect, ClassicOnBatch
from _throughput.cold import cold_start, cold_start_subprocess
from _throughput.fused import Fused, FusedXla, InGraph, InGraphXla
from _throughput.measure import matmul_peak, profile
from _throughput.report import add_ratios, table
from _throughput.trainer import TRAINER_VARIANTS

VARIANTS: dict[str, type[Variant]] = {
    v.name: v
    for v in (
        Classic,
        ClassicOnBatch,
        ClassicDirect,
        *TRAINER_VARIANTS,
        Fused,
        FusedXla,
        InGraph,
        InGraphXla,
    )
}
ALL_VARIANTS = tuple(VARIANTS)
DEFAULT_VARIANTS = {
    "mlp": "classic,classic_direct,defaults,fastest,fused_xla,ingraph_xla",
    "dcgan": "classic,classic_direct,defaults,fastest,fused,ingraph,ingraph_xla",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="alternating repetitions (default 5)")
    p.add_argument("--steps", type=int, default=60, help="timed steps per repetition")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--which", default="mlp,dcgan", help="comma list of mlp, dcgan")
    p.add_argument("--variants", default=None, help=f"comma list of {', '.join(ALL_VARIANTS)}")
    p.add_argument("--list", action="store_true", help="print the variants and exit")
    p.add_argument("--spe", type=int, default=8, help="steps_per_execution of spe/fastest")
    p.add_argument("--dcgan-steps", type=int, default=6, help="steps per rep for DCGAN")
    p.add_argument("--peak-size", type=int, default=2048, help="matmul size for the peak")
    p.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    p.add_argument("--profile", action="store_true", help="also time step functions alone")
    p.add_argument("--quick", action="store_true", help="synthetic 1,024-image data set")
    p.add_argument("--json", default=None, help="write all figures to this JSON file")
    p.add_argument("--cold-start", default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_family(family: str, args: argparse.Namespace, x: Any, peak: float) -> list[dict[str, Any]]:
    """Sets up every variant, then times them in alternating order; one row per variant."""
    names = (args.variants or DEFAULT_VARIANTS[family]).split(",")
    for n in names:
        if n not in VARIANTS:
            raise SystemExit(f"unknown variant {n!r}; known: {', '.join(ALL_VARIANTS)}")
    steps = args.steps if family == "mlp" or args.dcgan_steps is None else args.dcgan_steps
    variants = [VARIANTS[n](family, x, args.batch_size, args.spe) for n in names]
    setup_s: dict[str, float] = {}
    for v in variants:
        start = time.perf_counter()
        v.setup()
        v.first_step()
        setup_s[v.name] = time.perf_counter() - start
        print(f"  {family}/{v.name}: set up and first step in {setup_s[v.name]:.1f} s", flush=True)
    checks: dict[str, dict[str, bool]] = {}
    for v in variants:
        if isinstance(v, Classic):
            checks[v.name] = v.check()
            print(f"  {family}/{v.name} correctness: {checks[v.name]}", flush=True)
    rates: dict[str, list[float]] = {v.name: [] for v in variants}
    for rep in range(args.reps):
        order = variants if rep % 2 == 0 else variants[::-1]
        for v in order:
            rates[v.name].append(steps / v.timed(steps))
        summary = ", ".join(f"{n} {r[-1]:.2f}" for n, r in rates.items())
        print(f"  rep {rep + 1}/{args.reps} steps/s: {summary}, load {os.getloadavg()[0]:.2f}")
    rows = []
    for v in variants:
        med = median(rates[v.name])
        rows.append(
            {
                "family": family,
                "variant": v.name,
                "describe": v.describe,
                "steps_per_s": rates[v.name],
                "median_steps_per_s": med,
                "step_gflop": v.flops / 1e9,
                "gflop_per_s": v.flops * med / 1e9,
                "fraction_of_peak": v.flops * med / 1e9 / peak,
                "setup_and_first_step_s": setup_s[v.name],
                **({"classic_check": checks[v.name]} if v.name in checks else {}),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.list:
        for name, cls in VARIANTS.items():
            print(f"{name:16s} {cls.describe}")
        return {}
    if args.cold_start:
        family, variant = args.cold_start.split(":")
        figures = cold_start(VARIANTS, family, variant, args.batch_size, args.spe, args.quick)
        print(json.dumps(figures))
        return {}
    import numpy as np

    info = machine()
    print_header("ganlib throughput benchmark", info)
    x, source = load_images(args.quick)
    x = np.asarray(x)
    print(f"data: {source}, batch {args.batch_size}, steps_per_execution {args.spe}")
    peak_reps = 3 if args.quick else 10
    size = 512 if args.quick else args.peak_size
    peaks = matmul_peak(size, peak_reps)
    peak = max(peaks.values())
    print(
        f"fp32 matmul peak ({size}x{size}, best of {peak_reps}): "
        f"graph {peaks['graph']:.1f} GFLOP/s, XLA {peaks['xla']:.1f} GFLOP/s"
    )
    rows: list[dict[str, Any]] = []
    for family in args.which.split(","):
        print(f"{family}: alternating {args.reps} reps", flush=True)
        rows += run_family(family, args, x, peak)
    if args.profile:
        for family in args.which.split(","):
            print(f"{family}: steps/s of each piece alone (best of 3):", flush=True)
            steps = args.dcgan_steps if family == "dcgan" and args.dcgan_steps else args.steps
            pieces = profile(family, x, args.batch_size, steps, min(args.reps, 3))
            print(format_table(["piece", "steps/s"], pieces))
    if not args.no_cold:
        print("fresh-process runs (time to first step, peak memory):", flush=True)
        for row in rows:
            cold = cold_start_subprocess(
                Path(__file__).resolve(), row["family"], row["variant"], args
            )
            row.update(cold or {})
    peaks_after = matmul_peak(size, peak_reps)
    print(
        f"fp32 matmul peak after the runs: graph {peaks_after['graph']:.1f}, "
        f"XLA {peaks_after['xla']:.1f} GFLOP/s"
    )
    peak = max(peak, *peaks_after.values())
    for row in rows:
        row["fraction_of_peak"] = row["gflop_per_s"] / peak
    add_ratios(rows)
    print(table(rows))
    print(f"peak = best matmul GFLOP/s (graph or XLA, before or after) = {peak:.1f}; ", end="")
    print(f"load now {os.getloadavg()[0]:.2f}")
    payload = {
        "command": " ".join(sys.argv),
        "machine": info,
        "data": source,
        "matmul_peak_gflops": peaks,
        "matmul_peak_after_gflops": peaks_after,
        "rows": rows,
        "load_at_end": f"{os.getloadavg()[0]:.2f}",
    }
    if args.json:
        write_json(args.json, payload)
    return payload


if __name__ == "__main__":
    main()
