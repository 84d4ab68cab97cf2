"""CycleGAN on MNIST: thin <-> thick strokes learned from unpaired, disjoint halves.

Domain A is the digits of one half, domain B the dilated digits (`data.dilate`) of the other
half; no image of A has its partner in B. Because the true map is known (a 3x3 dilation),
the script prints the L1 distance of G(a) to dilate(a) beside the identity map's.

    python examples/cyclegan_strokes.py --epochs 5 --out runs/cyclegan_strokes
    python examples/cyclegan_strokes.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganlib import CycleGANTrainer, callbacks, data, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--blocks", type=int, default=3, help="residual blocks per generator")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/cyclegan_strokes", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> CycleGANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    digits = data.load_mnist(args.data)
    order = np.random.default_rng(args.seed).permutation(len(digits))  # MNIST is ordered
    half = len(digits) // 2
    thin, thick = digits[order[:half]], data.dilate(digits[order[half:]])  # disjoint halves
    if args.steps is not None:
        thin, thick = thin[: args.steps * args.batch_size], thick[: args.steps * args.batch_size]

    def generator():
        return models.ResNetGenerator(
            base_filters=args.base_filters, num_blocks=args.blocks
        ).build()

    def critic():
        return models.PatchGANDiscriminator(base_filters=args.base_filters).build()

    trainer = CycleGANTrainer(generator(), generator(), critic(), critic(), seed=args.seed)
    trainer.compile(*optimizers.dcgan())
    trainer.fit(
        data.unpaired_arrays(thin, thick, args.batch_size, seed=args.seed),
        epochs=args.epochs,
        callbacks=[
            callbacks.TranslationGrid(
                out / "samples", inputs=thin[:8], targets=data.dilate(thin[:8])
            ),
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
        ],
    )
    test = thin[:256]
    thickened = trainer.translate(test, "a_to_b")
    truth = data.dilate(test)
    print(f"L1 to dilate(a): G {np.abs(thickened - truth).mean():.4f}, "
          f"identity {np.abs(test - truth).mean():.4f}")  # fmt: skip
    return trainer


if __name__ == "__main__":
    main()
