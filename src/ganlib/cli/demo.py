"""`ganlib demo`: a small GAN on the ring of 8 Gaussians, offline, in well under a minute."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

__all__ = ["DEMO_SETTINGS", "run_demo"]

DEMO_SETTINGS: dict[str, Any] = {
    "latent_dim": 2,
    "hidden_units": (128, 128),
    "negative_slope": 0.0,
    "batch_size": 256,
    "learning_rate": 1e-3,
    "final_learning_rate": 1e-5,
    "eval_samples": 2500,
}
"""The demo's settings: MLPs with two ReLU layers of 128 and a linear output (no BatchNorm),
latent size 2, the non-saturating loss, the DCGAN Adam preset (beta_1 0.5) with the learning
rate decayed linearly from 1e-3 to 1e-5 over the run, batches of 256; 2,500 samples scored."""

SCATTER_FILE = "scatter.png"


def run_demo(args: argparse.Namespace) -> int:
    """Trains the demo GAN, prints the mode metrics and writes `OUT/scatter.png`.

    Example:
        >>> import argparse, tempfile
        >>> args = argparse.Namespace(steps=5, seed=0, out=tempfile.mkdtemp(), verbose=0)
        >>> run_demo(args)  # doctest: +ELLIPSIS
        modes captured: ...
        0
    """
    from ganlib.cli._setup import quiet_tensorflow_import

    start = time.perf_counter()  # TensorFlow's import counts too
    from ganlib.cli._runfolder import check_out_text

    check_out_text(args.out)
    quiet_tensorflow_import()
    import keras

    from ganlib import GANTrainer, data, losses, metrics, models, optimizers
    from ganlib.cli._setup import batches, progress_verbosity
    from ganlib.cli.plotting import matplotlib_missing

    out = Path(args.out)
    settings = DEMO_SETTINGS
    keras.utils.set_random_seed(args.seed)
    mixture = data.ring_mixture()
    x = mixture.sample(50_000, seed=args.seed)
    layers = {
        "hidden_units": settings["hidden_units"],
        "negative_slope": settings["negative_slope"],
    }
    generator = models.MLPGenerator(
        settings["latent_dim"], (2,), batch_norm=False, output_activation=None, **layers
    ).build()
    discriminator = models.MLPDiscriminator((2,), **layers).build()
    trainer = GANTrainer(generator, discriminator, loss=losses.NonSaturating(), seed=args.seed)
    rate = keras.optimizers.schedules.PolynomialDecay(
        settings["learning_rate"], args.steps, end_learning_rate=settings["final_learning_rate"]
    )
    trainer.compile(*optimizers.dcgan(learning_rate=rate), jit_compile=True)
    dataset = batches(x, None, settings["batch_size"], args.seed, 0, args.steps)
    verbose = getattr(args, "verbose", None)
    trainer.fit(
        dataset,
        epochs=1,
        steps_per_epoch=args.steps,
        verbose=progress_verbosity() if verbose is None else verbose,
        shuffle=False,
    )
    samples = trainer.sample(settings["eval_samples"], seed=args.seed + 1)
    result = metrics.mixture_metrics(samples, mixture)
    figures = (
        f"{result.modes_captured}/{result.modes} modes, "
        f"{result.high_quality_fraction:.0%} high quality"
    )
    where = "not written (no matplotlib)"
    if not matplotlib_missing("the demo's scatter plot"):
        from ganlib.plots import write_scatter

        title = f"ganlib demo, ring of 8 Gaussians: {figures}\n"
        title += f"({args.steps} steps, seed {args.seed})"
        path = write_scatter(out / SCATTER_FILE, samples, x[: len(samples)], title=title)
        where = f"(orange samples, blue data): {path}"
    seconds = time.perf_counter() - start
    print(
        f"modes captured: {result.modes_captured}/{result.modes} "
        f"(a mode needs >= {result.min_count} of {result.n} samples within 3 std)"
    )
    print(f"high-quality samples: {result.high_quality_fraction:.1%} (within 3 std of a mode)")
    print(f"samples per mode: {list(result.mode_counts)}")
    print(f"ganlib demo: {figures} after {args.steps} steps in {seconds:.1f} s; scatter {where}")
    return 0
