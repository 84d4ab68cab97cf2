"""Train the MNIST classifier shipped with ganlib (src/ganlib/assets), reproducibly.

Only the MNIST test split (10,000 images) may be available, so the script trains on its
first 8,000 images (with random shifts of up to 2 pixels) and reports accuracy on the
last 2,000, which it never trains on. Fixed seeds and TensorFlow op determinism make
reruns give the same weights on the same machine.

Usage:
    GANLIB_DATA_DIR=path/to/mnist python scripts/train_mnist_classifier.py [--epochs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parents[1] / "src" / "ganlib" / "assets"
N_TRAIN = 8000


def shifted(images: np.ndarray, rng: np.random.Generator, max_shift: int = 2) -> np.ndarray:
    """Each image shifted by a random (dy, dx) in [-max_shift, max_shift], background -1."""
    s = max_shift
    padded = np.pad(images, ((0, 0), (s, s), (s, s), (0, 0)), constant_values=-1.0)
    out = np.empty_like(images)
    offsets = rng.integers(0, 2 * s + 1, size=(len(images), 2))
    for i, (dy, dx) in enumerate(offsets):
        out[i] = padded[i, dy : dy + 28, dx : dx + 28]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("GANLIB_DATA_DIR", ""))
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ASSETS)
    args = parser.parse_args()
    if not args.data:
        parser.error("pass --data or set GANLIB_DATA_DIR to the folder with the MNIST IDX files")

    import keras
    import tensorflow as tf

    from ganlib.data import load_mnist
    from ganlib.metrics.classifier import INFO_FILE, WEIGHTS_FILE, build_mnist_classifier

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    x, y = load_mnist(args.data, split="test", with_labels=True, download=False)
    x_train, y_train, x_held, y_held = x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]

    model = build_mnist_classifier()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(args.seed)
    schedule = np.geomspace(1e-3, 1e-4, args.epochs)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.optimizer.learning_rate.assign(float(schedule[epoch]))
        order = rng.permutation(N_TRAIN)
        history = model.fit(
            shifted(x_train[order], rng),
            y_train[order],
            batch_size=args.batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        print(
            f"epoch {epoch + 1}/{args.epochs}: loss {history.history['loss'][-1]:.4f} "
            f"train acc {history.history['accuracy'][-1]:.4f}",
            flush=True,
        )
    seconds = time.perf_counter() - start
    predictions = model.predict(x_held, batch_size=500, verbose=0).argmax(axis=1)
    accuracy = float(np.mean(predictions == y_held))

    args.out.mkdir(parents=True, exist_ok=True)
    weights = args.out / WEIGHTS_FILE
    # A fresh, uncompiled copy: save_weights on the trained model would also store Adam's state.
    shipped = build_mnist_classifier()
    shipped.set_weights(model.get_weights())
    shipped.save_weights(str(weights))
    info = {
        "heldout_accuracy": round(accuracy, 4),
        "split": "MNIST test split (t10k): train on images 0-7999, held out 8000-9999",
        "augmentation": "random shifts of up to 2 pixels",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "params": int(model.count_params()),
        "weights_bytes": weights.stat().st_size,
        "train_seconds": round(seconds, 1),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    (args.out / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
    print(f"held-out accuracy {accuracy:.4f} on {len(y_held)} images; {info['params']} params")
    print(f"wrote {weights} ({info['weights_bytes']} bytes) and {args.out / INFO_FILE}")


if __name__ == "__main__":
    main()
