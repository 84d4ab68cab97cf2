"""`ganlib translate` (train a translator on image folders) and `ganlib translate-folder`.

`ganlib translate ROOT --out RUN` trains on `ROOT/A` and `ROOT/B`: paired by file name
(pix2pix: U-Net + PatchGAN, `TranslationTrainer`) or, with `--unpaired`, any two sets
(CycleGAN: ResNet generators + PatchGANs, `CycleGANTrainer`). The run folder gets
`generator.keras` (A -> B; plus `generator_ba.keras` when unpaired), `translate.json`, a
`translation.png` grid and crash-safe checkpoints (`--resume` continues them).
`ganlib translate-folder RUN INPUTS --out DIR` translates every image of `INPUTS` into PNGs of
the same names.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ganlib.cli import EXIT_OK

CONFIG = "translate.json"


def _dataset(args: Any, image_size: int) -> Any:
    from ganlib import data

    kwargs = {"batch_size": args.batch_size, "color_mode": args.color, "seed": args.seed}
    if args.unpaired:
        return data.unpaired_folders(args.root, image_size, **kwargs)
    return data.paired_folders(args.root, image_size, **kwargs)


def _trainer(args: Any, shape: tuple[int, int, int]) -> Any:
    from ganlib import CycleGANTrainer, TranslationTrainer, models

    filters = args.filters
    if args.unpaired:

        def gen() -> Any:
            return models.ResNetGenerator(shape, base_filters=filters, num_blocks=args.blocks)

        def disc() -> Any:
            return models.PatchGANDiscriminator(shape, base_filters=filters)

        return CycleGANTrainer(
            gen().build(),
            gen().build(),
            disc().build(),
            disc().build(),
            cycle_weight=args.weight,
            seed=args.seed,
        )
    g = models.UNetGenerator(shape, base_filters=filters).build()
    joint = (shape[0], shape[1], 2 * shape[2])
    d = models.PatchGANDiscriminator(joint, base_filters=filters).build()
    return TranslationTrainer(g, d, reconstruction_weight=args.weight, seed=args.seed)


def _settings(args: Any, out: Path) -> dict[str, Any]:
    keys = ("root", "unpaired", "size", "color", "batch_size", "filters", "blocks", "weight")
    settings = {k: getattr(args, k) for k in keys}
    settings["seed"] = args.seed
    if args.resume:
        saved_path = out / CONFIG
        if not saved_path.is_file():
            raise FileNotFoundError(f"--resume: no {CONFIG} in {out}; train there first")
        saved = json.loads(saved_path.read_text(encoding="utf-8"))
        return {**saved, **{k: v for k, v in settings.items() if k == "root" and v}}
    if args.root is None:
        raise ValueError("ROOT (a folder with A/ and B/) is required unless --resume")
    return settings


def run_translate(args: Any) -> int:
    """Trains a translator on `args.root` and writes the run folder (see module doc)."""
    import keras

    from ganlib import callbacks, optimizers

    out = Path(args.out)
    settings = _settings(args, out)
    for key, value in settings.items():
        setattr(args, key, value)
    if args.weight is None:
        args.weight = 10.0 if args.unpaired else 100.0
    keras.utils.set_random_seed(args.seed)
    dataset = _dataset(args, args.size)
    batch = next(iter(dataset))
    first = batch["a"] if isinstance(batch, dict) else batch[0]
    second = batch["b"] if isinstance(batch, dict) else batch[1]
    shape = tuple(int(s) for s in first.shape[1:])
    trainer = _trainer(args, shape)  # type: ignore[arg-type]
    trainer.compile(*optimizers.dcgan())
    out.mkdir(parents=True, exist_ok=True)
    (out / CONFIG).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    checkpoints = out / "checkpoints"
    initial_epoch = trainer.restore(checkpoints) if args.resume else 0
    steps_per_epoch = int(dataset.cardinality())
    epochs = args.epochs or max(1, math.ceil((args.steps or 1000) / max(1, steps_per_epoch)))
    inputs = np.asarray(first[:4])
    grid = callbacks.TranslationGrid(
        out, inputs=inputs, targets=None if args.unpaired else np.asarray(second[:4])
    )
    trainer.fit(
        dataset,
        epochs=epochs,
        initial_epoch=initial_epoch,
        verbose=2 if args.verbose else 0,
        callbacks=[callbacks.GANCheckpoint(checkpoints, keep=2), grid],
    )
    trainer.generator.save(out / "generator.keras")
    if args.unpaired:
        trainer.generator_ba.save(out / "generator_ba.keras")
    from ganlib.callbacks import write_png

    write_png(out / "translation.png", grid.grid())
    print(f"ganlib translate: {epochs} epochs of {steps_per_epoch} steps; wrote {out}")
    return EXIT_OK


def run_translate_folder(args: Any) -> int:
    """Translates every image of `args.inputs` with the run's generator into `args.out`."""
    import keras
    import tensorflow as tf

    from ganlib.callbacks import write_png
    from ganlib.data.folders import IMAGE_EXTENSIONS

    run = Path(args.run_dir)
    name = "generator.keras" if args.direction == "a_to_b" else "generator_ba.keras"
    model_path = run / name
    if not model_path.is_file():
        raise FileNotFoundError(
            f"{model_path} not found: train with `ganlib translate` first"
            + (" (b_to_a needs an --unpaired run)" if args.direction == "b_to_a" else "")
        )
    model = keras.saving.load_model(model_path, safe_mode=True)
    height, width, channels = (int(s) for s in model.inputs[0].shape[1:])
    source = Path(args.inputs)
    files = sorted(
        p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
    )
    if not files:
        raise ValueError(f"no images ({', '.join(IMAGE_EXTENSIONS)}) found under {source}")
    target = Path(args.out)
    for path in files:
        image = tf.io.decode_image(tf.io.read_file(str(path)), channels=channels,
                                   expand_animations=False)  # fmt: skip
        image = tf.image.resize(tf.cast(image, "float32"), (height, width)) / 127.5 - 1.0
        output = np.asarray(model(image[None], training=False))[0]
        pixels = np.clip(np.rint((output + 1.0) * 127.5), 0, 255).astype("uint8")
        write_png((target / path.relative_to(source)).with_suffix(".png"), pixels)
    print(f"ganlib translate-folder: {len(files)} images -> {target}")
    return EXIT_OK
