"""A class-conditional GAN on MNIST: `fit(x, y)` and one sample row per digit.

Both networks take the label as a second input (an `Embedding` concatenated to the
features); the generator step draws uniform random classes. `sample(n, labels=...)` picks
the digits to draw.

    python examples/conditional_mnist.py --epochs 20 --out runs/conditional_mnist
    python examples/conditional_mnist.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganlib import GANTrainer, callbacks, data, losses, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/conditional_mnist", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> GANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x, y = data.load_mnist(args.data, with_labels=True)  # images in [-1, 1], int labels 0-9
    if args.steps is not None:  # a quick run: only `steps` batches per epoch
        x, y = x[: args.steps * args.batch_size], y[: args.steps * args.batch_size]

    generator = models.MLPGenerator(latent_dim=100, num_classes=10).build()
    discriminator = models.MLPDiscriminator(num_classes=10).build()
    trainer = GANTrainer(
        generator, discriminator, loss=losses.NonSaturating(real_label=0.9), seed=args.seed
    )
    trainer.compile(*optimizers.dcgan())
    trainer.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.SampleGrid(out / "samples", n=80),  # 10 rows (digits) x 8
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
            callbacks.DivergenceGuard(),
        ],
    )
    sevens = trainer.sample(16, labels=np.full(16, 7), seed=0)
    callbacks.write_png(out / "sevens.png", callbacks.image_grid(sevens))
    return trainer


if __name__ == "__main__":
    main()
