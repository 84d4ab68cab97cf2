"""`translation.py unpaired`: thin <-> thick strokes with CycleGAN, scored against the truth.

`CycleGANTrainer` (ResNet generators + PatchGANs, LSGAN, pool 50) on `x` from one half of the
training images and `dilate(x)` from the other (disjoint). Held-out: label kept both ways, L1 to
the true map (`dilate`, and back the original digit) beside the identity map, cycle L1.
"""

from __future__ import annotations

import argparse
from typing import Any

from _translation_shared import agreement, fit_steps, l1, optimizers_for, split


def unpaired(args: argparse.Namespace) -> dict[str, Any]:
    """Trains CycleGAN; both directions' rows beside the identity map's."""
    import keras

    from ganlib import CycleGANTrainer, data, models

    keras.utils.set_random_seed(args.seed)
    parts = split(args.quick, args.seed)
    half = len(parts["x_train"]) // 2
    thin, thick = parts["x_train"][:half], data.dilate(parts["x_train"][half:])  # disjoint
    t_thin, t_labels = parts["x_test"], parts["y_test"]
    t_thick = data.dilate(t_thin)

    def gen() -> Any:
        return models.ResNetGenerator(base_filters=args.filters, num_blocks=args.blocks).build()

    def disc() -> Any:
        return models.PatchGANDiscriminator(base_filters=args.filters).build()

    trainer = CycleGANTrainer(gen(), gen(), disc(), disc(), pool_size=50, seed=args.seed)
    trainer.compile(*optimizers_for(args))
    stream = data.unpaired_arrays(thin, thick, args.batch_size, seed=args.seed).repeat()
    wall = fit_steps(trainer, stream, args.steps, args.quick)
    to_thick = trainer.translate(t_thin, "a_to_b")
    to_thin = trainer.translate(t_thick, "b_to_a")
    cycled_a = trainer.translate(to_thick, "b_to_a")
    cycled_b = trainer.translate(to_thin, "a_to_b")
    rows = [
        ["thin -> thick: G(a)", agreement(to_thick, t_labels), l1(to_thick, t_thick),
         l1(cycled_a, t_thin)],
        ["thin -> thick: identity map", agreement(t_thin, t_labels), l1(t_thin, t_thick), "-"],
        ["thick -> thin: F(b)", agreement(to_thin, t_labels), l1(to_thin, t_thin),
         l1(cycled_b, t_thick)],
        ["thick -> thin: identity map", agreement(t_thick, t_labels), l1(t_thick, t_thin), "-"],
    ]  # fmt: skip
    return {
        "rows": rows,
        "headers": ["direction", "classifier = source label", "L1 to true map", "cycle L1"],
        "wall_s": {"cyclegan": wall},
        "n_test": len(t_thin),
    }
