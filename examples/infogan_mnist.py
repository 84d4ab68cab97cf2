"""InfoGAN on MNIST with Chen et al. 2016's networks: a categorical code that becomes the digit.

`InfoGANTrainer` feeds G a random 10-way code and trains D's Q head to recover it. Sampled
with a random code, it is also ganlib's best unconditional MNIST recipe measured so far (issue
12): `benchmarks/mnist_recipe.py run paper+info+b64+glr3`, these networks at these widths and
learning rates, 7,956 steps of batch 64 (51 epochs), gave all 10 digits at 9-11% of the
samples, classifier score 9.6-9.8, precision 0.87-0.94 and recall ~0.5 on two seeds
(docs/benchmarks.md). `final.png` shows one row per code.

    python examples/infogan_mnist.py --epochs 51 --out runs/infogan_mnist
    python examples/infogan_mnist.py --steps 2 --epochs 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganlib import callbacks, data, losses, optimizers
from ganlib.auxiliary_trainers import InfoGANTrainer
from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=51, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=256, help="units of the dense layers")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/infogan_mnist", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> InfoGANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x = data.load_mnist(args.data)
    if args.steps is not None:
        x = x[: args.steps * args.batch_size]
    widths = {"base_filters": args.base_filters, "hidden_units": args.hidden}
    g = InfoGANGenerator(latent_dim=74, **widths).build()  # 10 code entries + 64 noise
    d = InfoGANDiscriminator(extra_outputs=10, q_hidden_units=64, **widths).build()
    trainer = InfoGANTrainer(
        g, d, loss=losses.NonSaturating(), num_categories=10, noise_scale=0.5, seed=args.seed
    )
    trainer.compile(*optimizers.dcgan(g_learning_rate=1e-3, d_learning_rate=2e-4))
    trainer.fit(
        x,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.GeneratorEMA(0.999),
            callbacks.SampleGrid(out / "samples", n=64),
            callbacks.GANCheckpoint(out / "checkpoints", keep=2),
        ],
    )
    codes = np.repeat(np.arange(10), 10)  # row k: ten samples of code k
    digits = trainer.generate_codes(codes, seed=0)  # numpy, from the EMA weights
    callbacks.write_png(out / "final.png", callbacks.image_grid(digits, rows=10))
    return trainer


if __name__ == "__main__":
    main()
