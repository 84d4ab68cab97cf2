"""`translation.py paired`: edges -> digit with pix2pix, beside an L1-only U-Net and identity.

`TranslationTrainer` (U-Net + PatchGAN, L1 weight `--weight`) on `(edge_map(x), x)`; beside it
an L1-only U-Net (same builder, MAE regression, same steps) and the identity map. Held-out:
classifier agreement with the source label, L1 to the target. `--ema DECAY` also scores the
pix2pix generator's EMA weights.
"""

from __future__ import annotations

import argparse
from typing import Any

from _translation_shared import agreement, ema_callbacks, fit_steps, l1, optimizers_for, split


def paired(args: argparse.Namespace) -> dict[str, Any]:
    """Trains pix2pix and the L1-only U-Net; their rows beside the identity map's."""
    import keras
    import tensorflow as tf

    from ganlib import TranslationTrainer, data, models

    keras.utils.set_random_seed(args.seed)
    parts = split(args.quick, args.seed)
    x_in, x_out = data.edge_map(parts["x_train"]), parts["x_train"]
    t_in, t_out, t_labels = data.edge_map(parts["x_test"]), parts["x_test"], parts["y_test"]
    stream = (
        tf.data.Dataset.from_tensor_slices((x_in, x_out))
        .shuffle(len(x_in), seed=args.seed)
        .repeat()
        .batch(args.batch_size)
    )

    def unet() -> Any:
        return models.UNetGenerator(base_filters=args.filters).build()

    g = unet()
    d = models.PatchGANDiscriminator(input_shape=(28, 28, 2), base_filters=args.filters).build()
    trainer = TranslationTrainer(g, d, reconstruction_weight=args.weight, seed=args.seed)
    trainer.compile(*optimizers_for(args))
    gan_time = fit_steps(trainer, stream, args.steps, args.quick, ema_callbacks(args))
    name = f"pix2pix (U-Net + PatchGAN, L1 x{args.weight:g})"
    rows = [[name, trainer.translate(t_in, use_ema=False)]]
    if args.ema:
        rows.append([f"{name}, EMA {args.ema:g}", trainer.translate(t_in)])

    l1_only = unet()
    l1_only.compile(optimizer=keras.optimizers.Adam(args.lr, beta_1=0.5), loss="mae")
    l1_time = fit_steps(l1_only, stream, args.steps, args.quick)
    rows.append(["L1-only U-Net (same steps)", l1_only.predict(t_in, verbose=0, batch_size=500)])
    rows.append(["identity map (the edge map)", t_in])
    rows = [[label, agreement(out, t_labels), l1(out, t_out)] for label, out in rows]
    rows.append(["real target digits", agreement(t_out, t_labels), 0.0])
    return {
        "rows": rows,
        "headers": ["model", "classifier = source label", "L1 to target"],
        "wall_s": {"pix2pix": gan_time, "l1_only": l1_time},
        "n_test": len(t_in),
    }
