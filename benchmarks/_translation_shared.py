"""Helpers shared by the tasks of `translation.py`: data, the shipped classifier, training.

Data: `ganlib.data.load_mnist(with_labels=True)` (10,000 images from $GANLIB_DATA_DIR); the
translation tasks split it by a seeded permutation into 2,000 held-out images and 8,000 for
training. Scores use the shipped MNIST classifier (`ganlib.metrics.mnist_classifier`) and its
128-d features.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from _common import load_average, past

HELDOUT = 2000


def split(quick: bool, seed: int) -> dict[str, Any]:
    """Train / held-out images and labels (`--quick`: 192 random images, 64 held out)."""
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


def mnist_for_gan(args: argparse.Namespace) -> tuple[Any, Any]:
    """All 10,000 images and labels for AC-GAN / InfoGAN (`--quick`: 128 random images)."""
    import numpy as np

    from ganlib import data

    if args.quick:
        rng = np.random.default_rng(args.seed)
        x = np.tanh(rng.standard_normal((128, 28, 28, 1))).astype("float32")
        return x, rng.integers(0, 10, 128).astype("int32")
    return data.load_mnist(with_labels=True, download=False)


def predict(images: Any) -> Any:
    """The shipped classifier's digit for each image, 500 images at a time."""
    import numpy as np

    from ganlib.metrics.classifier import mnist_classifier

    model = predict.__dict__.setdefault("model", mnist_classifier())
    logits = np.concatenate(
        [np.asarray(model(images[i : i + 500], training=False)) for i in range(0, len(images), 500)]
    )
    return logits.argmax(axis=1)


def agreement(images: Any, labels: Any) -> float:
    """Share of `images` the classifier reads as `labels`."""
    return float((predict(images) == labels).mean())


def l1(a: Any, b: Any) -> float:
    """Mean absolute difference."""
    import numpy as np

    return float(np.abs(np.asarray(a) - np.asarray(b)).mean())


def features(images: Any) -> Any:
    """The shipped classifier's 128-d features (float64), 500 images at a time."""
    import numpy as np

    from ganlib import metrics

    fx = features.__dict__.setdefault("fx", metrics.mnist_features())
    parts = [fx.features(images[i : i + 500]) for i in range(0, len(images), 500)]
    return np.concatenate(parts).astype("float64")


def diversity(images: Any, f_real: Any) -> tuple[float, float, float]:
    """FID, precision and recall (k = 3) against real features, in the classifier's space."""
    import numpy as np

    from ganlib import metrics

    f_fake = features(images)
    fid = metrics.frechet_distance(
        f_real.mean(0), np.cov(f_real, rowvar=False), f_fake.mean(0), np.cov(f_fake, rowvar=False)
    )
    precision, recall = metrics.precision_recall(f_real, f_fake)
    return fid, precision, recall


def ema_callbacks(args: argparse.Namespace) -> list[Any]:
    """`[GeneratorEMA(args.ema)]`, or none with `--ema 0`."""
    from ganlib import callbacks

    return [callbacks.GeneratorEMA(args.ema)] if args.ema else []


def optimizers_for(args: argparse.Namespace) -> Any:
    """`optimizers.dcgan` at `--lr` (G at `--g-lr` if given); `--lr-decay`: linear to 0."""
    import keras

    from ganlib import optimizers

    def rate(lr: float) -> Any:
        if not args.lr_decay:
            return lr
        return keras.optimizers.schedules.PolynomialDecay(lr, args.steps, 0.0)

    g_lr = args.lr if args.g_lr is None else args.g_lr
    return optimizers.dcgan(g_learning_rate=rate(g_lr), d_learning_rate=rate(args.lr))


def every_steps(every: int, report: Any) -> Any:
    """A callback that calls `report(model, step, logs)` after every `every`-th step."""
    import keras

    class Every(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            if (batch + 1) % every == 0:
                report(self.model, batch + 1, logs or {})

    return Every()


def _progress(model: Any, step: int, logs: dict[str, Any]) -> None:
    shown = {k: round(float(v), 3) for k, v in logs.items()}
    print(f"  step {step}: {shown} load {load_average()}", flush=True)


def stop_at(args: argparse.Namespace) -> list[Any]:
    """`--stop-at HH:MM` (UTC): a callback that ends training at the first step after it."""
    if not args.stop_at:
        return []

    def check(model: Any, step: int, logs: dict[str, Any]) -> None:
        if past(args.stop_at):
            print(f"  --stop-at {args.stop_at}: stopped after step {step}", flush=True)
            model.stop_training = True

    return [every_steps(1, check)]


def waited_for_cpu() -> float:
    """Seconds this process's live threads have waited in the run queue (Linux schedstat).

    The second field of `/proc/self/task/*/schedstat`; 0 where it does not exist. Time a
    runnable thread spent waiting for a core held by another process (or by a sibling thread):
    on a shared machine, the part of the wall time that the load added.
    """
    total = 0.0
    for path in Path("/proc/self/task").glob("*/schedstat"):
        try:
            total += int(path.read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            continue  # the thread ended
    return total


def _clocks() -> tuple[float, float, float]:
    return time.perf_counter(), time.process_time(), waited_for_cpu()


def fit_steps(model: Any, data: Any, steps: int, quiet: bool, extra: Any = ()) -> float:
    """Trains `steps` steps; returns the wall time and prints the process's CPU time too.

    On a shared machine the CPU seconds of a single-threaded process are the better measure of
    the work: they are about what the run takes on one core of its own. After the first
    `min(50, steps // 2)` steps (tracing, warm-up) the clocks are read again, and the rest is
    printed per step: CPU (all threads), wall, and the threads' run-queue wait
    (`waited_for_cpu`), so runs with `TF_NUM_INTRAOP_THREADS=2` can be compared with
    single-threaded ones on a loaded machine.
    """
    import numpy as np

    warm, marks = min(50, steps // 2), []
    start = _clocks()

    def mark(*_: Any) -> None:
        if not marks:  # only the first call, after `warm` steps
            marks.append(_clocks())

    callbacks = [*extra, every_steps(max(1, warm), mark)]
    if not quiet:
        callbacks.append(every_steps(max(1, steps // 5), _progress))
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=callbacks)
    end = _clocks()
    cpu = end[1] - start[1]
    steps = int(np.asarray(getattr(model, "step_counter", steps)))  # fewer after --stop-at
    print(f"  {steps} steps: {cpu:.0f} s of CPU time ({steps / cpu:.2f} steps per CPU second)")
    if marks and steps > warm:
        done = steps - warm
        wall, cpu, wait = (1000 * (b - a) / done for a, b in zip(marks[0], end, strict=True))
        print(
            f"  steps {warm + 1}-{steps}, per step: {cpu:.1f} ms of CPU, {wall:.1f} ms wall, "
            f"{wait:.1f} ms waiting for a CPU; load {load_average()}",
            flush=True,
        )
    return end[0] - start[0]
