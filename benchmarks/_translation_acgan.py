"""`translation.py acgan`: AC-GAN on MNIST, scored by the shipped classifier on 10,000 samples.

`ACGANTrainer` with a DCGAN generator and an auxiliary-head DCGAN discriminator (`--projection`:
also the projection term in D's adversarial logit). Rows: classifier agreement with the
requested class (raw weights; `--ema`: EMA weights; `--truncation PSI`: truncated noise), the
worst-scored class, and FID, precision and recall (k = 3) against the real images in the
classifier's 128-d feature space. `--probe N` scores 1,000 samples every N steps.
"""

from __future__ import annotations

import argparse
from typing import Any

from _translation_shared import (
    agreement,
    diversity,
    ema_callbacks,
    every_steps,
    features,
    fit_steps,
    mnist_for_gan,
    optimizers_for,
    predict,
)


def worst_class(hits: Any, labels: Any) -> tuple[int, float]:
    """The class whose samples the classifier agrees with least, and that agreement."""
    worst = min(range(10), key=lambda c: hits[labels == c].mean())
    return worst, float(hits[labels == worst].mean())


def class_probe(every: int) -> Any:
    """Every `every` steps: agreement on 1,000 AC-GAN samples (100 per class, seed 2), printed.

    Sampling draws its own noise (`sample(seed=...)`), so the probe leaves training unchanged.
    """
    import numpy as np

    labels = np.arange(1000) % 10

    def report(model: Any, step: int, logs: dict[str, Any]) -> None:
        hits = predict(model.sample(1000, labels=labels, seed=2, use_ema=False)) == labels
        worst, share = worst_class(hits, labels)
        print(f"  probe step {step}: {hits.mean():.3f} (worst {worst}: {share:.2f})", flush=True)

    return every_steps(every, report)


def acgan(args: argparse.Namespace) -> dict[str, Any]:
    """Trains AC-GAN; rows for raw, EMA and truncated samples beside real MNIST."""
    import keras
    import numpy as np
    import tensorflow as tf

    from ganlib import models
    from ganlib.auxiliary_trainers import ACGANTrainer, auxiliary_head_discriminator

    keras.utils.set_random_seed(args.seed)
    x, y = mnist_for_gan(args)
    g = models.DCGANGenerator(latent_dim=64, num_classes=10, base_filters=args.filters).build()
    conditioning = {"num_classes": 10, "conditioning": "projection"} if args.projection else {}
    d = auxiliary_head_discriminator(
        models.DCGANDiscriminator(base_filters=args.filters, **conditioning), 10
    )
    trainer = ACGANTrainer(
        g,
        d,
        class_weight=args.class_weight,
        fake_class_weight=args.fake_class_weight,
        seed=args.seed,
    )
    trainer.compile(*optimizers_for(args))
    stream = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=args.seed)
    batches = stream.repeat().batch(args.batch_size)
    probe = [class_probe(args.probe)] if args.probe else []
    wall = fit_steps(trainer, batches, args.steps, args.quick, [*ema_callbacks(args), *probe])
    n = 200 if args.quick else 10_000
    labels = np.arange(n) % 10
    f_real = features(x[:n])
    rows = []
    runs = [("AC-GAN samples", False, None), ("AC-GAN samples, EMA", True, None)]
    runs = runs[: 1 + bool(args.ema)]
    if args.truncation:
        runs.append((f"AC-GAN samples, truncation {args.truncation:g}", False, args.truncation))
    for name, use_ema, psi in runs:
        drawn = trainer.sample(n, labels=labels, seed=1, use_ema=use_ema, truncation=psi)
        predicted = predict(drawn)
        hits = predicted == labels
        worst, share = worst_class(hits, labels)
        per_class = " ".join(f"{c}:{hits[labels == c].mean():.3f}" for c in range(10))
        read_as = np.bincount(predicted[labels == worst], minlength=10)
        print(f"  {name}: per class {per_class}; class {worst} read as {read_as.tolist()}")
        fid, precision, recall = diversity(drawn, f_real)
        rows.append(
            [name, float(hits.mean()), f"{worst}: {share:.3f}", n, fid,
             precision, recall]
        )  # fmt: skip
    rows.append(["real MNIST (its label)", agreement(x[:n], y[:n]), "-", min(n, len(x))])
    rows[-1] += ["-", "-", "-"]
    headers = ["images", "classifier = requested class", "worst class", "n"]
    return {
        "rows": rows,
        "headers": [*headers, "FID (clf)", "precision", "recall"],
        "wall_s": {"acgan": wall},
        "n_test": n,
    }
