"""`translation.py infogan`: does InfoGAN's 10-way categorical code become the digit?

`InfoGANTrainer` with DCGAN networks (`--arch dcgan`) or Chen et al. 2016's (`--arch paper`,
`ganlib.models.infogan`). Score: the shipped classifier's digit for 1,000 samples per code, and
the accuracy of the best one-to-one code -> digit map (`linear_sum_assignment`), for the raw
weights, the EMA weights (`--ema`) and truncated noise (`--truncation`, raw and EMA weights);
each row also gives FID, precision and recall (k = 3) in the classifier's features, and prints
each code's most frequent digit and its share. `--info-warmup N` raises the mutual-information
weight linearly from 0 to `--info-weight` over the first N steps.
"""

from __future__ import annotations

import argparse
from typing import Any

import _translation_shared as shared

CLEAN = 0.9  # a code is "clean" when this share of its samples is one digit


def confusion_matrix(codes: Any, predicted: Any) -> Any:
    """Counts of (code, predicted digit) pairs: a 10 x 10 matrix, codes in rows."""
    import numpy as np

    confusion = np.zeros((10, 10))
    np.add.at(confusion, (codes, predicted), 1)
    return confusion


def best_permutation(confusion: Any) -> tuple[float, dict[int, int]]:
    """Accuracy of the best one-to-one code -> digit map (`linear_sum_assignment`), and the map."""
    from scipy.optimize import linear_sum_assignment

    rows_idx, cols_idx = linear_sum_assignment(-confusion)
    best = float(confusion[rows_idx, cols_idx].sum() / confusion.sum())
    return best, {int(r): int(c) for r, c in zip(rows_idx, cols_idx, strict=True)}


def code_summary(confusion: Any) -> str:
    """Each code's most frequent digit and its share, the clean codes, the digits none draws."""
    top = confusion.argmax(axis=1)
    shares = confusion.max(axis=1) / confusion.sum(axis=1)
    parts = " ".join(f"{c}->{top[c]} {shares[c]:.2f}" for c in range(10))
    missing = sorted(set(range(10)) - set(top.tolist()))
    clean = int((shares >= CLEAN).sum())
    return (
        f"code -> top digit (share): {parts}; clean (>= {CLEAN:g}): {clean}; "
        f"digits no code draws most: {missing}"
    )


def code_probe(every: int, truncation: float | None) -> Any:
    """Every `every` steps: best-permutation accuracy on 1,000 InfoGAN samples (100 per code).

    `generate_codes` draws its own noise (seed 2), so the probe leaves training unchanged.
    """
    import numpy as np

    codes = np.arange(1000) % 10

    def report(model: Any, step: int, logs: dict[str, Any]) -> None:
        shown = []
        for psi in [None, truncation][: 1 + bool(truncation)]:
            drawn = model.generate_codes(codes, seed=2, truncation=psi, use_ema=False)
            best = best_permutation(confusion_matrix(codes, shared.predict(drawn)))[0]
            shown.append(f"{best:.3f}" + (f" (truncation {psi:g})" if psi else ""))
        print(f"  probe step {step}: {', '.join(shown)}", flush=True)

    return shared.every_steps(every, report)


def trainer_class(warmup: int) -> Any:
    """`InfoGANTrainer`, or with `warmup` > 0 one whose MI weight grows from 0 over those steps.

    The ramp is `min(1, step / warmup)` on both D's (Q's) and G's code loss; the logged
    `d_info` / `g_info` stay the unweighted code loss.
    """
    import tensorflow as tf

    from ganlib.auxiliary_trainers import InfoGANTrainer

    if not warmup:
        return InfoGANTrainer

    class WarmInfoGANTrainer(InfoGANTrainer):
        def _unramped(self, info: Any) -> Any:
            step = tf.cast(self.step_counter, info.dtype)
            return (1.0 - tf.minimum(1.0, step / warmup)) * self.info_weight * info

        def discriminator_loss(self, real: Any, fake: Any, labels: Any = None) -> Any:
            loss, logs = super().discriminator_loss(real, fake, labels)
            return loss - self._unramped(logs["d_info"]), logs

        def generator_loss(self, fake: Any, *args: Any, **kwargs: Any) -> Any:
            loss, logs = super().generator_loss(fake, *args, **kwargs)
            return loss - self._unramped(logs["g_info"]), logs

    return WarmInfoGANTrainer


def networks(args: argparse.Namespace) -> tuple[Any, Any]:
    """G and D (with Q's outputs): Chen et al.'s (`--arch paper`) or DCGAN's."""
    from ganlib import models
    from ganlib.auxiliary_trainers import auxiliary_head_discriminator
    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    d_filters = args.d_filters or args.filters
    if args.arch == "paper":  # Chen et al. 2016's networks at --filters / --hidden widths
        g = InfoGANGenerator(
            args.latent, base_filters=args.filters, hidden_units=args.hidden
        ).build()
        d = InfoGANDiscriminator(
            extra_outputs=10 + args.continuous, base_filters=d_filters,
            hidden_units=args.hidden, q_hidden_units=args.q_hidden,
        ).build()  # fmt: skip
        return g, d
    g = models.DCGANGenerator(latent_dim=args.latent, base_filters=args.filters).build()
    d = auxiliary_head_discriminator(
        models.DCGANDiscriminator(base_filters=d_filters), 10 + args.continuous
    )
    return g, d


def infogan(args: argparse.Namespace) -> dict[str, Any]:
    """Trains InfoGAN; best-permutation rows for raw, EMA and truncated samples."""
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(args.seed)
    x, _ = shared.mnist_for_gan(args)
    g, d = networks(args)
    trainer = trainer_class(args.info_warmup)(
        g, d, num_categories=10, num_continuous=args.continuous, info_weight=args.info_weight,
        noise_scale=args.noise_scale, seed=args.seed,
    )  # fmt: skip
    trainer.compile(*shared.optimizers_for(args))
    stream = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=args.seed)
    probe = [code_probe(args.probe, args.truncation)] if args.probe else []
    batches = stream.repeat().batch(args.batch_size)
    extra = [*shared.ema_callbacks(args), *probe, *shared.stop_at(args)]
    wall = shared.fit_steps(trainer, batches, args.steps, args.quick, extra)
    per_code = 20 if args.quick else 1000
    codes = np.repeat(np.arange(10), per_code)
    runs = [("InfoGAN categorical code -> digit (best permutation)", False, None)]
    if args.ema:
        runs.append(("same, EMA weights", True, None))
    if args.truncation:
        runs.append((f"same, truncation {args.truncation:g}", False, args.truncation))
        if args.ema:
            runs.append(
                (f"same, EMA weights, truncation {args.truncation:g}", True, args.truncation)
            )
    rows, mapping = [], {}
    f_real = shared.features(x[: len(codes)])
    for name, use_ema, psi in runs:
        images = np.concatenate(
            [
                trainer.generate_codes(codes[i : i + 500], seed=i, truncation=psi, use_ema=use_ema)
                for i in range(0, len(codes), 500)
            ]
        )
        confusion = confusion_matrix(codes, shared.predict(images))
        best, found = best_permutation(confusion)
        print(f"  {name}: {code_summary(confusion)}")
        mapping = mapping or found
        rows.append([name, best, len(codes), *shared.diversity(images, f_real)])
    return {
        "rows": rows,
        "headers": ["measure", "accuracy", "n", "FID (clf)", "precision", "recall"],
        "wall_s": {"infogan": wall},
        "n_test": len(codes),
        "mapping": mapping,
    }
