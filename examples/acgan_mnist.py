"""AC-GAN on MNIST: the discriminator also classifies, so samples follow the requested digit.

`ACGANTrainer` is a thin `GANTrainer` subclass that overrides only the loss-assembly methods;
the discriminator is a DCGAN discriminator whose `head` returns 1 + 10 logits.

    python examples/acgan_mnist.py --epochs 5 --out runs/acgan_mnist
    python examples/acgan_mnist.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganlib import callbacks, data, models, optimizers
from ganlib.auxiliary_trainers import ACGANTrainer, auxiliary_head_discriminator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/acgan_mnist", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> ACGANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x, y = data.load_mnist(args.data, with_labels=True)
    if args.steps is not None:
        x, y = x[: args.steps * args.batch_size], y[: args.steps * args.batch_size]
    g = models.DCGANGenerator(latent_dim=64, num_classes=10, base_filters=args.base_filters)
    d = auxiliary_head_discriminator(models.DCGANDiscriminator(base_filters=args.base_filters), 10)
    trainer = ACGANTrainer(g.build(), d, seed=args.seed)
    trainer.compile(*optimizers.dcgan())
    trainer.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.SampleGrid(out / "samples", n=80),
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
        ],
    )
    digits = trainer.sample(100, labels=np.repeat(np.arange(10), 10), seed=0)
    callbacks.write_png(out / "final.png", callbacks.image_grid(digits, rows=10))
    return trainer


if __name__ == "__main__":
    main()
