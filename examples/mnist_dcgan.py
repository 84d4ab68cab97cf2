"""DCGAN on MNIST (Radford et al. 2016) with an EMA of the generator weights.

Transposed-convolution generator and strided-convolution discriminator with BatchNorm,
non-saturating loss, Adam 2e-4 / beta_1 0.5. Samples and checkpoints use the EMA weights
(`GeneratorEMA`), which are usually smoother than the raw ones.

    python examples/mnist_dcgan.py --epochs 10 --out runs/mnist_dcgan
    python examples/mnist_dcgan.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ganlib import GANTrainer, callbacks, data, losses, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--base-filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/mnist_dcgan", help="output folder")
    parser.add_argument("--resume", action="store_true", help="resume from --out/checkpoints")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> GANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x = data.load_mnist(args.data)
    if args.steps is not None:  # a quick run: only `steps` batches per epoch
        x = x[: args.steps * args.batch_size]

    generator = models.DCGANGenerator(latent_dim=100, base_filters=args.base_filters).build()
    discriminator = models.DCGANDiscriminator(base_filters=args.base_filters).build()
    trainer = GANTrainer(generator, discriminator, loss=losses.NonSaturating(), seed=args.seed)
    trainer.compile(*optimizers.dcgan())

    ema = callbacks.GeneratorEMA(decay=0.999)
    initial_epoch = trainer.restore(out / "checkpoints") if args.resume else 0
    trainer.fit(
        x,
        batch_size=args.batch_size,
        epochs=args.epochs,
        initial_epoch=initial_epoch,
        callbacks=[
            ema,  # first, so that the callbacks after it see updated EMA weights
            callbacks.SampleGrid(out / "samples", n=64),
            callbacks.GANCheckpoint(out / "checkpoints", keep=3),
            callbacks.DivergenceGuard(),
        ],
    )
    callbacks.write_png(out / "final.png", callbacks.image_grid(trainer.sample(64, seed=0)))
    return trainer


if __name__ == "__main__":
    main()
