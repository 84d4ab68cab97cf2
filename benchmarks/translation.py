"""Image-to-image translation on MNIST tasks with a known answer, with ganlib's parts only.

Data: the 10,000 local MNIST images (`$GANLIB_DATA_DIR`); scores from the shipped MNIST
classifier. One module per task, each with its protocol in its docstring:
`_translation_paired.py` (edges -> digit, pix2pix), `_translation_unpaired.py` (thin <-> thick,
CycleGAN), `_translation_acgan.py` (AC-GAN), `_translation_infogan.py` (InfoGAN's code ->
digit); shared helpers in `_translation_shared.py`.

Training is budgeted in steps (the machine is shared); wall time, CPU time and load are printed,
and the steps after the first 50 per step (CPU of all threads, wall, run-queue wait).
`--ema DECAY` trains with a `GeneratorEMA` and also scores its weights (paired: the pix2pix
row uses them), `--lr` sets Adam's learning rate (G and D, and the L1-only U-Net; `--g-lr`
the generator's alone), `--lr-decay` decays both linearly to 0 over `--steps`,
`--truncation PSI` adds an AC-GAN or InfoGAN row for truncated noise (`sample(truncation=PSI)`,
`generate_codes(truncation=PSI)`), `--fake-class-weight` is
`ACGANTrainer(fake_class_weight=...)`, `--projection` adds the projection term to D's
adversarial logit (`conditioning="projection"`), `--probe N` scores 1,000 AC-GAN or InfoGAN
samples every N steps (training unchanged), `--info-weight` and `--continuous` are InfoGAN's MI
weight and number of continuous codes, `--noise-scale` its `noise_scale` (the other noise's
scale), `--d-filters` InfoGAN's D width (default `--filters`), `--latent` its latent size,
`--arch paper` its networks: Chen et al. 2016's (`ganlib.models.infogan`; G FC `--hidden` ->
up-conv `--filters`, D conv `--d-filters` -> FC `--hidden`, Q FC `--q-hidden`) instead of DCGAN's,
`--info-warmup N` raises its MI weight linearly from 0 over the first N steps.
InfoGAN rows print each code's most frequent digit and its share; `--stop-at HH:MM` (UTC) ends
an InfoGAN run's training early, at that time (the rows then score the weights reached).
AC-GAN rows name the worst-scored class; AC-GAN and InfoGAN rows give FID, precision and
recall (k = 3) against the 10,000 real images in the shipped classifier's 128-d feature space
(the diversity that truncation, or a small `--noise-scale`, costs).
Commands behind docs/translation.md and docs/benchmarks.md, and the smoke test:
    nice -n 5 python benchmarks/translation.py paired --steps 2000 --filters 16 --lr 1e-3
    nice -n 5 python benchmarks/translation.py unpaired --steps 1500
    nice -n 5 python benchmarks/translation.py acgan --steps 2500 --filters 16 --class-weight 2 \
        --fake-class-weight 0 --lr-decay --truncation 0.5
    nice -n 5 python benchmarks/translation.py infogan --steps 2500 --filters 16 --continuous 0 \
        --g-lr 1e-3 --lr-decay --noise-scale 0.3 --probe 500 --truncation 0.5 --ema 0.999
    nice -n 5 python benchmarks/translation.py infogan --arch paper --latent 74 --filters 32 \
        --hidden 256 --q-hidden 64 --continuous 0 --g-lr 1e-3 --noise-scale 0.5 --steps 2500 \
        --probe 500 --truncation 0.5 --ema 0.999
    nice -n 5 python benchmarks/translation.py infogan --arch paper --latent 74 --filters 32 \
        --hidden 256 --q-hidden 64 --continuous 0 --g-lr 1e-3 --noise-scale 0.5 --steps 5500 \
        --probe 500 --truncation 0.5 --ema 0.999 --info-warmup 1000
    python benchmarks/translation.py acgan --quick --ema 0.9 --truncation 0.5
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, load_average, machine, print_header, write_json
from _translation_acgan import acgan
from _translation_infogan import infogan
from _translation_paired import paired
from _translation_unpaired import unpaired


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=["paired", "unpaired", "acgan", "infogan"])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument(
        "--d-filters", type=int, default=0, help="InfoGAN: D's base filters (0: --filters)"
    )
    parser.add_argument(
        "--arch", choices=["dcgan", "paper"], default="dcgan", help="InfoGAN's networks"
    )
    parser.add_argument("--latent", type=int, default=64, help="InfoGAN: latent size (codes too)")
    parser.add_argument("--hidden", type=int, default=1024, help="InfoGAN paper nets: FC width")
    parser.add_argument("--q-hidden", type=int, default=128, help="InfoGAN paper nets: Q's FC")
    parser.add_argument("--blocks", type=int, default=3, help="ResNet blocks (unpaired)")
    parser.add_argument("--weight", type=float, default=100.0, help="L1 weight (paired)")
    parser.add_argument("--class-weight", type=float, default=1.0, help="AC-GAN class loss weight")
    parser.add_argument(
        "--fake-class-weight", type=float, default=1.0, help="AC-GAN: D's class loss on fakes"
    )
    parser.add_argument(
        "--truncation", type=float, default=None, help="AC-GAN/InfoGAN: also score truncated"
    )
    parser.add_argument(
        "--projection", action="store_true", help="AC-GAN: projection discriminator"
    )
    parser.add_argument(
        "--probe", type=int, default=0, help="AC-GAN/InfoGAN: score 1,000 samples every N steps"
    )
    parser.add_argument("--ema", type=float, default=0.0, help="GeneratorEMA decay (0: off)")
    parser.add_argument("--lr", type=float, default=2e-4, help="Adam learning rate (G and D)")
    parser.add_argument("--g-lr", type=float, default=None, help="G's rate (default: --lr)")
    parser.add_argument(
        "--lr-decay", action="store_true", help="decay the learning rate linearly to 0"
    )
    parser.add_argument("--info-weight", type=float, default=1.0, help="InfoGAN MI weight")
    parser.add_argument(
        "--info-warmup", type=int, default=0, help="InfoGAN: MI weight from 0 over N steps"
    )
    parser.add_argument("--continuous", type=int, default=2, help="InfoGAN continuous codes")
    parser.add_argument(
        "--noise-scale", type=float, default=1.0, help="InfoGAN: scale of G's other noise"
    )
    parser.add_argument(
        "--stop-at", default=None, help="InfoGAN: UTC HH:MM, stop training after that time"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="smoke test: random data, 4 steps")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.filters, args.blocks, args.batch_size = 4, 4, 1, 16
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    info = machine()
    print_header(f"translation benchmark: {args.task}", info)
    tasks = {"paired": paired, "unpaired": unpaired, "acgan": acgan, "infogan": infogan}
    result = tasks[args.task](args)
    rows = [[f"{c:.4f}" if isinstance(c, float) else c for c in row] for row in result["rows"]]
    print(f"held-out images: {result['n_test']}; steps {args.steps}, batch {args.batch_size}")
    print(format_table(result["headers"], rows))
    walls = ", ".join(f"{k} {v:.0f} s" for k, v in result["wall_s"].items())
    print(f"training wall time: {walls}; load at end {load_average()}")
    if "mapping" in result:
        print(f"code -> digit: {result['mapping']}")
    if args.json is not None:
        write_json(args.json, {"args": vars(args), "machine": info, **result})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
