"""A custom architecture by overriding one builder hook, trained with WGAN-GP on MNIST.

A gradient penalty is computed per sample, so the critic must not mix samples: BatchNorm in
training mode is out (see docs/losses.md). Here the stock MLP discriminator gets a
`LayerNormalization` in every block by overriding `block()` alone; inputs, stem, head,
conditioning and `build()` are inherited unchanged.

    python examples/custom_builder.py --epochs 5 --out runs/custom_builder
    python examples/custom_builder.py --steps 50 --limit 2000     # a quick look
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras

from ganlib import GANTrainer, callbacks, data, losses, models, optimizers


class LayerNormMLPDiscriminator(models.MLPDiscriminator):
    """`MLPDiscriminator` whose blocks are `Dense -> LayerNormalization -> LeakyReLU`."""

    def block(self, x, width, index):  # type: ignore[no-untyped-def]
        x = keras.layers.Dense(width, name=f"dense_{index}")(x)
        x = keras.layers.LayerNormalization(name=f"norm_{index}")(x)
        return keras.layers.LeakyReLU(negative_slope=self.negative_slope, name=f"act_{index}")(x)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (default: all)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N images")
    parser.add_argument("--data", default=None, help="MNIST folder or .npz (default: search)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    parser.add_argument("--out", default="runs/custom_builder", help="where samples.png goes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    x = data.load_mnist(args.data)[: args.limit]
    generator = models.MLPGenerator(latent_dim=64, hidden_units=args.hidden[::-1]).build()
    critic = LayerNormMLPDiscriminator(hidden_units=args.hidden).build()
    print(f"critic layers: {[layer.name for layer in critic.layers]}")

    preset = optimizers.PRESETS["wgan_gp"]
    trainer = GANTrainer(
        generator,
        critic,
        loss=losses.Wasserstein(),
        penalties=[losses.GradientPenalty(weight=10.0)],
        d_steps=preset.d_steps,
        seed=args.seed,
    )
    trainer.compile(*optimizers.wgan_gp())
    history = trainer.fit(
        x,
        batch_size=args.batch_size,
        epochs=args.epochs,
        steps_per_epoch=args.steps,
        callbacks=[callbacks.DivergenceGuard()],
        verbose=2,
    )
    out = Path(args.out)
    path = callbacks.write_png(
        out / "samples.png", callbacks.image_grid(trainer.sample(64, seed=0))
    )
    print(f"wrote {path}")
    return {name: float(values[-1]) for name, values in history.history.items()}


if __name__ == "__main__":
    main()
