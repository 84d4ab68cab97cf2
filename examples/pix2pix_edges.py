"""pix2pix on MNIST: edge maps -> digits with a U-Net, a PatchGAN and lambda * L1.

The inputs are `data.edge_map(x)` (morphological outlines), the targets the digits; the
TranslationGrid callback writes input | output | target rows after each epoch.

    python examples/pix2pix_edges.py --epochs 5 --out runs/pix2pix_edges
    python examples/pix2pix_edges.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganlib import TranslationTrainer, callbacks, data, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/pix2pix_edges", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> TranslationTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    digits = data.load_mnist(args.data)  # (N, 28, 28, 1) in [-1, 1]
    if args.steps is not None:  # a quick run: only `steps` batches per epoch
        digits = digits[: args.steps * args.batch_size]
    edges = data.edge_map(digits)

    generator = models.UNetGenerator(input_shape=(28, 28, 1), base_filters=args.base_filters)
    # pix2pix's D sees the input and an output side by side: 1 + 1 channels.
    critic = models.PatchGANDiscriminator(input_shape=(28, 28, 2), base_filters=args.base_filters)
    trainer = TranslationTrainer(
        generator.build(), critic.build(), reconstruction_weight=100.0, seed=args.seed
    )
    trainer.compile(*optimizers.dcgan())
    trainer.fit(
        edges,
        digits,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.TranslationGrid(out / "samples", inputs=edges[:8], targets=digits[:8]),
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
        ],
    )
    outputs = trainer.translate(edges[:16])
    rows = np.stack([edges[:16], outputs, digits[:16]], axis=1).reshape(-1, 28, 28, 1)
    callbacks.write_png(out / "final.png", callbacks.image_grid(rows, cols=6))
    return trainer


if __name__ == "__main__":
    main()
