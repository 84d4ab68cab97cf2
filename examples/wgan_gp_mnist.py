"""WGAN-GP on MNIST (Gulrajani et al. 2017): Wasserstein loss, gradient penalty, 5 critic steps.

The critic has no BatchNorm (the penalty is per sample, BatchNorm mixes samples), the
penalty weight is 10, and each training step runs 5 critic updates then one generator
update with Adam 1e-4 / betas (0.0, 0.9) -- the `optimizers.wgan_gp()` preset. The critic
reuses the real batch of the step for its 5 updates, with fresh noise each time.

    python examples/wgan_gp_mnist.py --epochs 10 --out runs/wgan_gp_mnist
    python examples/wgan_gp_mnist.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ganlib import GANTrainer, callbacks, data, losses, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/wgan_gp_mnist", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> GANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x = data.load_mnist(args.data)
    if args.steps is not None:  # a quick run: only `steps` batches per epoch
        x = x[: args.steps * args.batch_size]

    generator = models.DCGANGenerator(latent_dim=100, base_filters=args.base_filters).build()
    critic = models.DCGANDiscriminator(base_filters=args.base_filters, batch_norm=False).build()
    trainer = GANTrainer(
        generator,
        critic,
        loss=losses.Wasserstein(),
        penalties=[losses.GradientPenalty(weight=10.0)],
        d_steps=optimizers.PRESET_D_STEPS["wgan_gp"],  # 5
        seed=args.seed,
    )
    trainer.compile(*optimizers.wgan_gp())
    trainer.fit(
        x,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.SampleGrid(out / "samples", n=64),
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
            callbacks.DivergenceGuard(),
        ],
    )
    callbacks.write_png(out / "final.png", callbacks.image_grid(trainer.sample(64, seed=0)))
    return trainer


if __name__ == "__main__":
    main()
