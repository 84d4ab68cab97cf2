"""Image-to-image translation on MNIST tasks with a known answer, with ganlib's parts only.

Data: `ganlib.data.load_mnist(with_labels=True)` (10,000 images from $GANLIB_DATA_DIR), split
by a seeded permutation into 2,000 held-out images and 8,000 for training. Scores use the
shipped MNIST classifier (`ganlib.metrics.mnist_classifier`).

- paired (edges -> digit): `TranslationTrainer` (U-Net + PatchGAN, lambda = 100) on
  `(edge_map(x), x)`; beside it an L1-only U-Net (same builder, MAE regression, same steps) and
  the identity map. Held-out: classifier agreement with the source label, L1 to the target.
- unpaired (thin <-> thick): `CycleGANTrainer` (ResNet generators + PatchGANs, LSGAN,
  pool 50) on `x` from one half and `dilate(x)` from the other (disjoint). Held-out: label kept
  both ways, L1 to the true map (`dilate`, and back the original digit) beside the identity
  map, cycle L1.

Training is budgeted in steps (the machine is shared); wall time and load are printed.
`--ema DECAY` trains with a `GeneratorEMA` and also scores its weights (paired: the pix2pix
row uses them), `--lr` sets Adam's learning rate (G and D, and the L1-only U-Net; `--g-lr`
the generator's alone), `--lr-decay` decays both linearly to 0 over `--steps`,
`--truncation PSI` adds an AC-GAN or InfoGAN row for truncated noise (`sample(truncation=PSI)`,
`generate_codes(truncation=PSI)`), `--fake-class-weight` is
`ACGANTrainer(fake_class_weight=...)`, `--projection` adds the projection term to D's
adversarial logit (`conditioning="projection"`), `--probe N` scores 1,000 AC-GAN or InfoGAN
samples every N steps (training unchanged), `--info-weight` and `--continuous` are InfoGAN's MI
weight and number of continuous codes, `--noise-scale` its `noise_scale` (the other noise's
scale), `--d-filters` InfoGAN's D width (default `--filters`), `--latent` its latent size,
`--arch paper` its networks: Chen et al. 2016's (`ganlib.models.infogan`; G FC `--hidden` ->
up-conv `--filters`, D conv `--d-filters` -> FC `--hidden`, Q FC `--q-hidden`) instead of DCGAN's.
InfoGAN rows print each code's most frequent digit and its share; `--stop-at HH:MM` (UTC) ends
an InfoGAN run's training early, at that time (the rows then score the weights reached).
AC-GAN rows name the worst-scored class; AC-GAN and InfoGAN rows give FID, precision and
recall (k = 3) against the 10,000 real images in the shipped classifier's 128-d feature space
(the diversity that truncation, or a small `--noise-scale`, costs).
Commands behind docs/translation.md and docs/benchmarks.md, and the smoke test:
    nice -n 5 python benchmarks/translation.py paired --steps 2000 --filters 16 --lr 1e-3
    nice -n 5 python benchmarks/translation.py unpaired --steps 1500
    nice -n 5 python benchmarks/translation.py acgan --steps 2500 --filters 16 --class-weight 2 \
        --fake-class-weight 0 --lr-decay --truncation 0.5
    nice -n 5 python benchmarks/translation.py infogan --steps 2500 --filters 16 --continuous 0 \
        --g-lr 1e-3 --lr-decay --noise-scale 0.3 --probe 500 --truncation 0.5 --ema 0.999
    nice -n 5 python benchmarks/translation.py infogan --arch paper --latent 74 --filters 32 \
        --hidden 256 --q-hidden 64 --continuous 0 --g-lr 1e-3 --noise-scale 0.5 --steps 2500 \
        --probe 500 --truncation 0.5 --ema 0.999
    python benchmarks/translation.py acgan --quick --ema 0.9 --truncation 0.5
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_table, load_average, machine, past, print_header, write_json

HELDOUT = 2000


def _split(quick: bool, seed: int) -> dict[str, Any]:
    import numpy as np

    from ganlib import data

    if quick:
        rng = np.random.default_rng(seed)
        x = np.tanh(rng.standard_normal((192, 28, 28, 1))).astype("float32")
        y = rng.integers(0, 10, 192).astype("int32")
        held = 64
    else:
        x, y = data.load_mnist(with_labels=True, download=False)
        held = HELDOUT
    order = np.random.default_rng(seed).permutation(len(x))
    test, train = order[:held], order[held:]
    return {"x_train": x[train], "y_train": y[train], "x_test": x[test], "y_test": y[test]}


def _predict(images: Any) -> Any:
    import numpy as np

    from ganlib.metrics.classifier import mnist_classifier

    model = _predict.__dict__.setdefault("model", mnist_classifier())
    logits = np.concatenate(
        [np.asarray(model(images[i : i + 500], training=False)) for i in range(0, len(images), 500)]
    )
    return logits.argmax(axis=1)


def _agreement(images: Any, labels: Any) -> float:
    return float((_predict(images) == labels).mean())


def _ema(args: argparse.Namespace) -> list[Any]:
    """`[GeneratorEMA(args.ema)]`, or none with `--ema 0`."""
    from ganlib import callbacks

    return [callbacks.GeneratorEMA(args.ema)] if args.ema else []


def _optimizers(args: argparse.Namespace) -> Any:
    """`optimizers.dcgan` at `--lr` (G at `--g-lr` if given); `--lr-decay`: linear to 0."""
    import keras

    from ganlib import optimizers

    def rate(lr: float) -> Any:
        if not args.lr_decay:
            return lr
        return keras.optimizers.schedules.PolynomialDecay(lr, args.steps, 0.0)

    g_lr = args.lr if args.g_lr is None else args.g_lr
    return optimizers.dcgan(g_learning_rate=rate(g_lr), d_learning_rate=rate(args.lr))


def _features(images: Any) -> Any:
    """The shipped classifier's 128-d features (float64), 500 images at a time."""
    import numpy as np

    from ganlib import metrics

    fx = _features.__dict__.setdefault("fx", metrics.mnist_features())
    parts = [fx.features(images[i : i + 500]) for i in range(0, len(images), 500)]
    return np.concatenate(parts).astype("float64")


def _diversity(images: Any, f_real: Any) -> tuple[float, float, float]:
    """FID, precision and recall (k = 3) against real features, in the classifier's space."""
    import numpy as np

    from ganlib import metrics

    f_fake = _features(images)
    fid = metrics.frechet_distance(
        f_real.mean(0), np.cov(f_real, rowvar=False), f_fake.mean(0), np.cov(f_fake, rowvar=False)
    )
    precision, recall = metrics.precision_recall(f_real, f_fake)
    return fid, precision, recall


def _l1(a: Any, b: Any) -> float:
    import numpy as np

    return float(np.abs(np.asarray(a) - np.asarray(b)).mean())


def _progress(every: int) -> Any:
    import keras

    class Progress(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if (batch + 1) % every == 0:
                shown = {k: round(float(v), 3) for k, v in (logs or {}).items()}
                print(f"  step {batch + 1}: {shown} load {load_average()}", flush=True)

    return Progress()


def _worst_class(hits: Any, labels: Any) -> tuple[int, float]:
    """The class whose samples the classifier agrees with least, and that agreement."""
    worst = min(range(10), key=lambda c: hits[labels == c].mean())
    return worst, float(hits[labels == worst].mean())


def _class_probe(every: int) -> Any:
    """Every `every` steps: agreement on 1,000 AC-GAN samples (100 per class, seed 2), printed.

    Sampling draws its own noise (`sample(seed=...)`), so the probe leaves training unchanged.
    """
    import keras
    import numpy as np

    labels = np.arange(1000) % 10

    class Probe(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if (batch + 1) % every == 0:
                drawn = self.model.sample(1000, labels=labels, seed=2, use_ema=False)
                hits = _predict(drawn) == labels
                worst, share = _worst_class(hits, labels)
                print(f"  probe step {batch + 1}: {hits.mean():.3f} (worst {worst}: "
                      f"{share:.2f})", flush=True)  # fmt: skip

    return Probe()


def _stop_at(args: argparse.Namespace) -> list[Any]:
    """`--stop-at HH:MM` (UTC): a callback that ends training at the first step after it."""
    import keras

    if not args.stop_at:
        return []

    class StopAt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if past(args.stop_at):
                print(f"  --stop-at {args.stop_at}: stopped after step {batch + 1}", flush=True)
                self.model.stop_training = True

    return [StopAt()]


def _fit_steps(model: Any, data: Any, steps: int, quiet: bool, extra: Any = ()) -> float:
    """Trains `steps` steps; returns the wall time and prints the process's CPU time too.

    On a shared machine the CPU seconds of a single-threaded process are the better measure of
    the work: they are about what the run takes on one core of its own.
    """
    import numpy as np

    start, cpu = time.perf_counter(), time.process_time()
    callbacks = [*extra] if quiet else [*extra, _progress(max(1, steps // 5))]
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=callbacks)
    cpu = time.process_time() - cpu
    steps = int(np.asarray(getattr(model, "step_counter", steps)))  # fewer after --stop-at
    print(f"  {steps} steps: {cpu:.0f} s of CPU time ({steps / cpu:.2f} steps per CPU second)")
    return time.perf_counter() - start


def paired(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import tensorflow as tf

    from ganlib import TranslationTrainer, data, models

    keras.utils.set_random_seed(args.seed)
    split = _split(args.quick, args.seed)
    x_in, x_out = data.edge_map(split["x_train"]), split["x_train"]
    t_in, t_out, t_labels = data.edge_map(split["x_test"]), split["x_test"], split["y_test"]
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
    trainer.compile(*_optimizers(args))
    gan_time = _fit_steps(trainer, stream, args.steps, args.quick, _ema(args))
    name = f"pix2pix (U-Net + PatchGAN, L1 x{args.weight:g})"
    rows = [[name, trainer.translate(t_in, use_ema=False)]]
    if args.ema:
        rows.append([f"{name}, EMA {args.ema:g}", trainer.translate(t_in)])

    l1_only = unet()
    l1_only.compile(optimizer=keras.optimizers.Adam(args.lr, beta_1=0.5), loss="mae")
    l1_time = _fit_steps(l1_only, stream, args.steps, args.quick)
    rows.append(["L1-only U-Net (same steps)", l1_only.predict(t_in, verbose=0, batch_size=500)])
    rows.append(["identity map (the edge map)", t_in])
    rows = [[label, _agreement(out, t_labels), _l1(out, t_out)] for label, out in rows]
    rows.append(["real target digits", _agreement(t_out, t_labels), 0.0])
    return {
        "rows": rows,
        "headers": ["model", "classifier = source label", "L1 to target"],
        "wall_s": {"pix2pix": gan_time, "l1_only": l1_time},
        "n_test": len(t_in),
    }


def unpaired(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    from ganlib import CycleGANTrainer, data, models

    keras.utils.set_random_seed(args.seed)
    split = _split(args.quick, args.seed)
    half = len(split["x_train"]) // 2
    thin, thick = split["x_train"][:half], data.dilate(split["x_train"][half:])  # disjoint
    t_thin, t_labels = split["x_test"], split["y_test"]
    t_thick = data.dilate(t_thin)

    def gen() -> Any:
        return models.ResNetGenerator(base_filters=args.filters, num_blocks=args.blocks).build()

    def disc() -> Any:
        return models.PatchGANDiscriminator(base_filters=args.filters).build()

    trainer = CycleGANTrainer(gen(), gen(), disc(), disc(), pool_size=50, seed=args.seed)
    trainer.compile(*_optimizers(args))
    stream = data.unpaired_arrays(thin, thick, args.batch_size, seed=args.seed).repeat()
    wall = _fit_steps(trainer, stream, args.steps, args.quick)
    to_thick = trainer.translate(t_thin, "a_to_b")
    to_thin = trainer.translate(t_thick, "b_to_a")
    cycled_a = trainer.translate(to_thick, "b_to_a")
    cycled_b = trainer.translate(to_thin, "a_to_b")
    rows = [
        ["thin -> thick: G(a)", _agreement(to_thick, t_labels), _l1(to_thick, t_thick),
         _l1(cycled_a, t_thin)],
        ["thin -> thick: identity map", _agreement(t_thin, t_labels), _l1(t_thin, t_thick), "-"],
        ["thick -> thin: F(b)", _agreement(to_thin, t_labels), _l1(to_thin, t_thin),
         _l1(cycled_b, t_thick)],
        ["thick -> thin: identity map", _agreement(t_thick, t_labels), _l1(t_thick, t_thin), "-"],
    ]  # fmt: skip
    return {
        "rows": rows,
        "headers": ["direction", "classifier = source label", "L1 to true map", "cycle L1"],
        "wall_s": {"cyclegan": wall},
        "n_test": len(t_thin),
    }


def _mnist_for_gan(args: argparse.Namespace) -> tuple[Any, Any]:
    import numpy as np

    from ganlib import data

    if args.quick:
        rng = np.random.default_rng(args.seed)
        return np.tanh(rng.standard_normal((128, 28, 28, 1))).astype("float32"), rng.integers(
            0, 10, 128
        ).astype("int32")
    return data.load_mnist(with_labels=True, download=False)


def acgan(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np
    import tensorflow as tf

    from ganlib import models
    from ganlib.auxiliary_trainers import ACGANTrainer, auxiliary_head_discriminator

    keras.utils.set_random_seed(args.seed)
    x, y = _mnist_for_gan(args)
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
    trainer.compile(*_optimizers(args))
    stream = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=args.seed)
    batches = stream.repeat().batch(args.batch_size)
    probe = [_class_probe(args.probe)] if args.probe else []
    wall = _fit_steps(trainer, batches, args.steps, args.quick, [*_ema(args), *probe])
    n = 200 if args.quick else 10_000
    labels = np.arange(n) % 10
    f_real = _features(x[:n])
    rows = []
    runs = [("AC-GAN samples", False, None), ("AC-GAN samples, EMA", True, None)]
    runs = runs[: 1 + bool(args.ema)]
    if args.truncation:
        runs.append((f"AC-GAN samples, truncation {args.truncation:g}", False, args.truncation))
    for name, use_ema, psi in runs:
        drawn = trainer.sample(n, labels=labels, seed=1, use_ema=use_ema, truncation=psi)
        predicted = _predict(drawn)
        hits = predicted == labels
        worst, share = _worst_class(hits, labels)
        per_class = " ".join(f"{c}:{hits[labels == c].mean():.3f}" for c in range(10))
        read_as = np.bincount(predicted[labels == worst], minlength=10)
        print(f"  {name}: per class {per_class}; class {worst} read as {read_as.tolist()}")
        fid, precision, recall = _diversity(drawn, f_real)
        rows.append(
            [name, float(hits.mean()), f"{worst}: {share:.3f}", n, fid,
             precision, recall]
        )  # fmt: skip
    rows.append(["real MNIST (its label)", _agreement(x[:n], y[:n]), "-", min(n, len(x))])
    rows[-1] += ["-", "-", "-"]
    headers = ["images", "classifier = requested class", "worst class", "n"]
    return {
        "rows": rows,
        "headers": [*headers, "FID (clf)", "precision", "recall"],
        "wall_s": {"acgan": wall},
        "n_test": n,
    }


def _confusion(codes: Any, predicted: Any) -> Any:
    """Counts of (code, predicted digit) pairs: a 10 x 10 matrix, codes in rows."""
    import numpy as np

    confusion = np.zeros((10, 10))
    np.add.at(confusion, (codes, predicted), 1)
    return confusion


def _best_permutation(confusion: Any) -> tuple[float, dict[int, int]]:
    """Accuracy of the best one-to-one code -> digit map (`linear_sum_assignment`), and the map."""
    from scipy.optimize import linear_sum_assignment

    rows_idx, cols_idx = linear_sum_assignment(-confusion)
    best = float(confusion[rows_idx, cols_idx].sum() / confusion.sum())
    return best, {int(r): int(c) for r, c in zip(rows_idx, cols_idx, strict=True)}


def _code_summary(confusion: Any) -> str:
    """Each code's most frequent digit and its share, and the digits that no code draws most."""
    top = confusion.argmax(axis=1)
    shares = confusion.max(axis=1) / confusion.sum(axis=1)
    parts = " ".join(f"{c}->{top[c]} {shares[c]:.2f}" for c in range(10))
    missing = sorted(set(range(10)) - set(top.tolist()))
    return f"code -> top digit (share): {parts}; digits no code draws most: {missing}"


def _code_probe(every: int, truncation: float | None) -> Any:
    """Every `every` steps: best-permutation accuracy on 1,000 InfoGAN samples (100 per code).

    `generate_codes` draws its own noise (seed 2), so the probe leaves training unchanged.
    """
    import keras
    import numpy as np

    codes = np.arange(1000) % 10

    class Probe(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if (batch + 1) % every == 0:
                shown = []
                for psi in [None, truncation][: 1 + bool(truncation)]:
                    drawn = self.model.generate_codes(codes, seed=2, truncation=psi, use_ema=False)
                    best = _best_permutation(_confusion(codes, _predict(drawn)))[0]
                    shown.append(f"{best:.3f}" + (f" (truncation {psi:g})" if psi else ""))
                print(f"  probe step {batch + 1}: {', '.join(shown)}", flush=True)

    return Probe()


def infogan(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np
    import tensorflow as tf

    from ganlib import models
    from ganlib.auxiliary_trainers import InfoGANTrainer, auxiliary_head_discriminator
    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    keras.utils.set_random_seed(args.seed)
    x, _ = _mnist_for_gan(args)
    d_filters = args.d_filters or args.filters
    if args.arch == "paper":  # Chen et al. 2016's networks at --filters / --hidden widths
        g = InfoGANGenerator(
            args.latent, base_filters=args.filters, hidden_units=args.hidden
        ).build()
        d = InfoGANDiscriminator(
            extra_outputs=10 + args.continuous, base_filters=d_filters,
            hidden_units=args.hidden, q_hidden_units=args.q_hidden,
        ).build()  # fmt: skip
    else:
        g = models.DCGANGenerator(latent_dim=args.latent, base_filters=args.filters).build()
        d = auxiliary_head_discriminator(
            models.DCGANDiscriminator(base_filters=d_filters), 10 + args.continuous
        )
    trainer = InfoGANTrainer(
        g, d, num_categories=10, num_continuous=args.continuous, info_weight=args.info_weight,
        noise_scale=args.noise_scale, seed=args.seed,
    )  # fmt: skip
    trainer.compile(*_optimizers(args))
    stream = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=args.seed)
    probe = [_code_probe(args.probe, args.truncation)] if args.probe else []
    batches = stream.repeat().batch(args.batch_size)
    extra = [*_ema(args), *probe, *_stop_at(args)]
    wall = _fit_steps(trainer, batches, args.steps, args.quick, extra)
    per_code = 20 if args.quick else 1000
    codes = np.repeat(np.arange(10), per_code)
    runs = [("InfoGAN categorical code -> digit (best permutation)", False, None)]
    if args.ema:
        runs.append(("same, EMA weights", True, None))
    if args.truncation:
        weights = "EMA weights, " if args.ema else ""
        runs.append(
            (f"same, {weights}truncation {args.truncation:g}", bool(args.ema), args.truncation)
        )
    rows, mapping = [], {}
    f_real = _features(x[: len(codes)])
    for name, use_ema, psi in runs:
        images = np.concatenate(
            [
                trainer.generate_codes(codes[i : i + 500], seed=i, truncation=psi, use_ema=use_ema)
                for i in range(0, len(codes), 500)
            ]
        )
        confusion = _confusion(codes, _predict(images))
        best, found = _best_permutation(confusion)
        print(f"  {name}: {_code_summary(confusion)}")
        mapping = mapping or found
        rows.append([name, best, len(codes), *_diversity(images, f_real)])
    return {
        "rows": rows,
        "headers": ["measure", "accuracy", "n", "FID (clf)", "precision", "recall"],
        "wall_s": {"infogan": wall},
        "n_test": len(codes),
        "mapping": mapping,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=["paired", "unpaired", "acgan", "infogan"])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument(
        "--d-filters", type=int, default=0, help="InfoGAN: D's base filters (0: --filters)"
    )
    parser.add_argument(
        "--arch", choices=["dcgan", "paper"], default="dcgan", help="InfoGAN's networks"
    )
    parser.add_argument("--latent", type=int, default=64, help="InfoGAN: latent size (codes too)")
    parser.add_argument("--hidden", type=int, default=1024, help="InfoGAN paper nets: FC width")
    parser.add_argument("--q-hidden", type=int, default=128, help="InfoGAN paper nets: Q's FC")
    parser.add_argument("--blocks", type=int, default=3, help="ResNet blocks (unpaired)")
    parser.add_argument("--weight", type=float, default=100.0, help="L1 weight (paired)")
    parser.add_argument("--class-weight", type=float, default=1.0, help="AC-GAN class loss weight")
    parser.add_argument(
        "--fake-class-weight", type=float, default=1.0, help="AC-GAN: D's class loss on fakes"
    )
    parser.add_argument(
        "--truncation", type=float, default=None, help="AC-GAN/InfoGAN: also score truncated"
    )
    parser.add_argument(
        "--projection", action="store_true", help="AC-GAN: projection discriminator"
    )
    parser.add_argument(
        "--probe", type=int, default=0, help="AC-GAN/InfoGAN: score 1,000 samples every N steps"
    )
    parser.add_argument("--ema", type=float, default=0.0, help="GeneratorEMA decay (0: off)")
    parser.add_argument("--lr", type=float, default=2e-4, help="Adam learning rate (G and D)")
    parser.add_argument("--g-lr", type=float, default=None, help="G's rate (default: --lr)")
    parser.add_argument(
        "--lr-decay", action="store_true", help="decay the learning rate linearly to 0"
    )
    parser.add_argument("--info-weight", type=float, default=1.0, help="InfoGAN MI weight")
    parser.add_argument("--continuous", type=int, default=2, help="InfoGAN continuous codes")
    parser.add_argument(
        "--noise-scale", type=float, default=1.0, help="InfoGAN: scale of G's other noise"
    )
    parser.add_argument(
        "--stop-at", default=None, help="InfoGAN: UTC HH:MM, stop training after that time"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="smoke test: random data, 4 steps")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.filters, args.blocks, args.batch_size = 4, 4, 1, 16
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    info = machine()
    print_header(f"translation benchmark: {args.task}", info)
    tasks = {"paired": paired, "unpaired": unpaired, "acgan": acgan, "infogan": infogan}
    result = tasks[args.task](args)
    rows = [[f"{c:.4f}" if isinstance(c, float) else c for c in row] for row in result["rows"]]
    print(f"held-out images: {result['n_test']}; steps {args.steps}, batch {args.batch_size}")
    print(format_table(result["headers"], rows))
    walls = ", ".join(f"{k} {v:.0f} s" for k, v in result["wall_s"].items())
    print(f"training wall time: {walls}; load at end {load_average()}")
    if "mapping" in result:
        print(f"code -> digit: {result['mapping']}")
    if args.json is not None:
        write_json(args.json, {"args": vars(args), "machine": info, **result})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
