"""Generates the pictures in docs/img/ from short, real ganlib runs (CPU, a few minutes).

    python scripts/make_doc_figures.py                    # all figures
    python scripts/make_doc_figures.py --only mixtures    # one of: mixtures, mnist
    GANLIB_DATA_DIR=path/to/mnist python scripts/make_doc_figures.py --only mnist

Figures:

- ``mixtures.png``: 2x2 scatter plots of 2,500 generated points (orange) over the data (blue):
  top row the ring of 8 Gaussians, bottom row the 5x5 grid; left the "classic" recipe (the
  seed's MNIST MLP: tanh output, BatchNorm), right the "linear" recipe of
  ``examples/mixture_study.py`` (linear output, no BatchNorm, Adam 5e-4).
- ``mnist_samples.png``: 64 samples of the MLP GAN of the docs' home page (non-saturating loss
  with ``real_label=0.9``, ``optimizers.dcgan()``) after ``--mnist-steps`` steps on MNIST.
- ``loss_curves.png``: ``d_loss`` (blue) and ``g_loss`` (orange) of that run, each point the
  mean over ``--log-every`` steps as logged by Keras's ``History``; grey lines at integer
  loss values, labelled on the left; training steps labelled under the x axis.

Pictures are drawn with NumPy and encoded with ``tf.io.encode_png`` (no matplotlib).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ganlib import GANTrainer, callbacks, data, losses, metrics, models, optimizers

ROOT = Path(__file__).resolve().parents[1]
WHITE, GREY, DARK = (255, 255, 255), (225, 225, 225), (60, 60, 60)
BLUE, ORANGE = (31, 119, 180), (255, 127, 14)

# 3x5 bitmap digits for axis labels ("#" = ink).
_GLYPHS = {
    "0": ["###", "#.#", "#.#", "#.#", "###"],
    "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"],
    "3": ["###", "..#", "###", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"],
    "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"],
    "7": ["###", "..#", ".#.", ".#.", ".#."],
    "8": ["###", "#.#", "###", "#.#", "###"],
    "9": ["###", "#.#", "###", "..#", "###"],
    "-": ["...", "...", "###", "...", "..."],
}


def _load_mixture_study():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "mixture_study", ROOT / "examples/mixture_study.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_png(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tf.io.encode_png(image.astype(np.uint8)).numpy())
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")


def text(canvas: np.ndarray, label: str, row: int, col: int, scale: int = 2) -> None:
    """Draws `label` (digits and '-') with its top-left corner at (row, col)."""
    for i, char in enumerate(label):
        for r, line in enumerate(_GLYPHS[char]):
            for c, ink in enumerate(line):
                if ink == "#":
                    top, left = row + r * scale, col + (i * 4 + c) * scale
                    canvas[top : top + scale, left : left + scale] = DARK


def polyline(canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray, color: tuple[int, ...]) -> None:
    """Joins consecutive pixel positions with 2-pixel-wide straight segments."""
    for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=True):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        for t in np.linspace(0.0, 1.0, n):
            r, c = round(y0 + t * (y1 - y0)), round(x0 + t * (x1 - x0))
            canvas[r : r + 2, c : c + 2] = color


def line_plot(series: list[tuple[np.ndarray, tuple[int, ...]]], steps: np.ndarray) -> np.ndarray:
    """A white (300, 640, 3) plot of several series against `steps`, with labelled axes."""
    height, width, left, right, top, bottom = 300, 640, 40, 630, 10, 270
    canvas = np.full((height, width, 3), WHITE, dtype=np.uint8)
    values = np.concatenate([s for s, _ in series])
    lo, hi = math.floor(values.min()), math.ceil(values.max())
    hi = max(hi, lo + 1)

    def y_pixel(v: np.ndarray) -> np.ndarray:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    def x_pixel(s: np.ndarray) -> np.ndarray:
        return left + (s - steps[0]) / max(1, steps[-1] - steps[0]) * (right - left - 2)

    for tick in range(lo, hi + 1):
        row = round(float(y_pixel(np.array(tick))))
        canvas[row, left:right] = GREY
        text(canvas, str(tick), row - 5, 4)
    for values_, color in series:
        polyline(canvas, x_pixel(steps.astype(float)), y_pixel(values_), color)
    canvas[top : bottom + 1, left] = DARK
    canvas[bottom, left:right] = DARK
    span = max(1, int(steps[-1]))
    spacing = next(m * 10**e for e in range(9) for m in (1, 2, 5) if span / (m * 10**e) <= 6)
    for step in range(spacing, span + 1, spacing):
        col = round(float(x_pixel(np.array(step))))
        canvas[bottom : bottom + 4, col] = DARK
        label = str(step)
        text(canvas, label, bottom + 8, min(width - len(label) * 8, col - len(label) * 4))
    return canvas


def mixtures_figure(out: Path, steps: int) -> None:
    from ganlib.cli.plotting import scatter_image  # the same picture as `ganlib demo`

    study = _load_mixture_study()
    panels = []
    for mixture_name in ("ring", "grid"):
        row = []
        for recipe in ("classic", "linear"):
            trainer, mixture = study.train(mixture_name, recipe, steps=steps)
            samples = trainer.sample(2500, seed=0)
            m = metrics.mixture_metrics(samples, mixture)
            print(
                f"{mixture_name} {recipe}: {m.modes_captured}/{m.modes} modes, "
                f"{100 * m.high_quality_fraction:.1f}% high quality, reverse KL {m.reverse_kl:.3f}"
            )
            real = mixture.sample(2500, seed=1)
            limit = 1.6 if mixture_name == "ring" else 5.5
            bounds = (-limit, limit, -limit, limit)
            row.append(scatter_image(samples, real, size=300, bounds=bounds, radius=1))
        panels.append(row)
    gap = np.full((300, 12, 3), 255, dtype=np.uint8)
    rows = [np.concatenate([r[0], gap, r[1]], axis=1) for r in panels]
    hgap = np.full((12, rows[0].shape[1], 3), 255, dtype=np.uint8)
    write_png(out / "mixtures.png", np.concatenate([rows[0], hgap, rows[1]], axis=0))


def mnist_figures(out: Path, steps: int, log_every: int, data_dir: str | None) -> None:
    keras.utils.set_random_seed(0)
    x = data.load_mnist(data_dir)
    dataset = data.from_array(x, batch_size=128, seed=0, drop_remainder=True)
    assert isinstance(dataset, tf.data.Dataset)  # a batch_size makes it a tf.data pipeline
    dataset = dataset.repeat()
    g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    d = models.MLPDiscriminator(input_shape=(28, 28, 1)).build()
    trainer = GANTrainer(g, d, loss=losses.NonSaturating(real_label=0.9), seed=0)
    trainer.compile(*optimizers.dcgan())
    history = trainer.fit(
        dataset, epochs=steps // log_every, steps_per_epoch=log_every, verbose=0
    ).history
    grid = callbacks.image_grid(trainer.sample(64, seed=0), rows=8, cols=8, padding=2)
    grid = np.repeat(np.repeat(grid, 2, axis=0), 2, axis=1)
    write_png(out / "mnist_samples.png", grid)
    logged = np.arange(1, len(history["d_loss"]) + 1) * log_every
    curves = line_plot(
        [(np.array(history["d_loss"]), BLUE), (np.array(history["g_loss"]), ORANGE)], logged
    )
    write_png(out / "loss_curves.png", curves)
    print(
        f"MNIST: {steps} steps, last d_loss {history['d_loss'][-1]:.3f}, "
        f"g_loss {history['g_loss'][-1]:.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["mixtures", "mnist"], default=None)
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("--mixture-steps", type=int, default=3000)
    parser.add_argument("--mnist-steps", type=int, default=3000)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--data", default=None, help="MNIST folder (default: search order)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.only in (None, "mixtures"):
        mixtures_figure(out, args.mixture_steps)
    if args.only in (None, "mnist"):
        mnist_figures(out, args.mnist_steps, args.log_every, args.data)


if __name__ == "__main__":
    main()
