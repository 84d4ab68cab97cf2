"""A TF-GAN `GANEstimator` MNIST script, translated to ganlib (docs/migrating-from-tf-gan.md).

The TF-GAN side used: a transposed-convolution generator of 64 latent values, a strided
convolution discriminator, `tfgan.losses.modified_generator_loss` /
`modified_discriminator_loss` (label smoothing 0.25: a real target of 0.875), Adam 2e-4 /
beta_1 0.5 for both networks, image summaries for TensorBoard, `estimator.predict` for
samples and an exported SavedModel. Each has a one-line ganlib equivalent below.

    python examples/tfgan_migration_mnist.py --epochs 5 --out runs/tfgan_migration
    python examples/tfgan_migration_mnist.py --steps 2 --epochs 1   # smoke run
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras

from ganlib import GANTrainer, callbacks, data, export, losses, models, optimizers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--steps", type=int, default=None, help="batches per epoch (quick runs)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--base-filters", type=int, default=64, help="width of the networks")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="runs/tfgan_migration", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> GANTrainer:
    args = parse_args(argv)
    out = Path(args.out)
    x = data.load_mnist(args.data)  # input_fn: images in [-1, 1]; the noise is the trainer's
    if args.steps is not None:
        x = x[: args.steps * args.batch_size]

    # generator_fn / discriminator_fn
    generator = models.DCGANGenerator(latent_dim=64, base_filters=args.base_filters).build()
    discriminator = models.DCGANDiscriminator(base_filters=args.base_filters).build()
    # generator_loss_fn / discriminator_loss_fn: TF-GAN's label_smoothing=0.25 is real_label=0.875
    trainer = GANTrainer(
        generator, discriminator, loss=losses.NonSaturating(real_label=0.875), seed=args.seed
    )
    # generator_optimizer / discriminator_optimizer
    trainer.compile(*optimizers.dcgan(learning_rate=2e-4))
    # gan_estimator.train(input_fn, max_steps=...), with add_summaries=SummaryType.IMAGES
    log_dir = out / "tensorboard"
    trainer.fit(
        x,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[
            callbacks.SampleGrid(out / "samples", n=64),
            callbacks.GANCheckpoint(out / "checkpoints", keep=3),  # the estimator's model_dir
            keras.callbacks.TensorBoard(str(log_dir), write_graph=False),
            callbacks.TensorBoardSamples(log_dir, n=64),
        ],
    )
    # gan_estimator.predict(predict_input_fn)
    callbacks.write_png(out / "final.png", callbacks.image_grid(trainer.sample(64, seed=0)))
    # gan_estimator.export_saved_model(...): served with tf.saved_model.load, no ganlib needed
    export.export_trainer(trainer, out / "saved_model")
    return trainer


if __name__ == "__main__":
    main()
