"""Export a generator for serving: a TensorFlow SavedModel that needs neither ganlib nor Keras
code to run (`tf.saved_model.load` is enough), and optionally a TFLite flatbuffer.

Signatures of the SavedModel:

- `serving_default(z[, labels]) -> {"images"}`: `z` float32 `(batch, *latent_shape)`;
  `labels` int32 `(batch,)` for a conditional generator.
- `sample(n, seed[, labels]) -> {"images", "z"[, "labels"]}`: `n` (int32, 1..65,536) samples
  from `tf.random.stateless_normal` noise of the int64 `seed` (the same seed gives the same
  samples in every process; this noise is TensorFlow's, not the numpy noise of
  `GANTrainer.sample(seed=...)`); a conditional generator repeats `labels` in turn up to `n`.

A `ganlib.json` file beside the SavedModel records the latent shape, the number of classes,
the output shape, whether EMA weights were exported and the latent temperature baked in.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from ganlib.sampling.temperature import check_temperature, with_temperature

__all__ = ["MAX_SAMPLES", "export_generator", "export_trainer"]

MAX_SAMPLES = 65_536
"""Largest `n` the exported `sample` signature accepts (one call's memory stays bounded)."""
METADATA_FILE = "ganlib.json"
TFLITE_FILE = "generator.tflite"


def _label_input(generator: keras.Model, labels: tf.Tensor) -> tf.Tensor:
    labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
    return labels[:, None] if len(generator.inputs[1].shape) == 2 else labels


def _check_generator(generator: Any, num_classes: int | None) -> tuple[int, ...]:
    if not isinstance(generator, keras.Model):
        raise TypeError(f"`generator` must be a keras.Model. Received: {type(generator).__name__}")
    inputs = list(generator.inputs)
    if len(inputs) not in (1, 2):
        raise ValueError(f"`generator` must take z (and labels): it has {len(inputs)} inputs")
    latent = tuple(int(s) for s in inputs[0].shape[1:])
    if len(inputs) == 2:
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(
                "`num_classes` (a positive integer) is required for a conditional generator. "
                f"Received: num_classes={num_classes!r}"
            )
    elif num_classes is not None:
        raise ValueError(
            f"`num_classes` is only for conditional generators. Received: num_classes={num_classes}"
        )
    return latent


def export_generator(
    generator: keras.Model,
    directory: str | os.PathLike[str],
    *,
    num_classes: int | None = None,
    ema: bool = False,
    tflite: bool = False,
    temperature: float = 1.0,
) -> Path:
    """Writes `generator` as a SavedModel with `serving_default` and `sample` signatures.

    `directory` must not exist yet (or be empty); it is written next to itself first and
    renamed into place, so a failed export leaves nothing behind. `ema` is only recorded in
    `ganlib.json` (say whether these weights are an EMA). `temperature` != 1 puts the latent
    scaling of `ganlib.sampling.with_temperature` in front of the generator, so callers keep
    feeding `z ~ N(0, I)`; `ganlib.json` records it as `latent_temperature`. With
    `tflite=True`, `generator.tflite` (the `serving_default` signature) is written too.

    Example:
        >>> import tempfile, keras, numpy as np, tensorflow as tf
        >>> g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
        >>> path = export_generator(g, tempfile.mkdtemp() + "/g")
        >>> served = tf.saved_model.load(str(path))
        >>> served.signatures["serving_default"](z=tf.zeros((2, 3)))["images"].shape
        TensorShape([2, 4])
        >>> served.signatures["sample"](n=tf.constant(5), seed=tf.constant(0, tf.int64))["z"].shape
        TensorShape([5, 3])
    """
    latent = _check_generator(generator, num_classes)
    temperature = check_temperature(temperature)
    generator = with_temperature(generator, temperature)
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValueError(f"`directory` {target} already exists and is not an empty folder")
    conditional = num_classes is not None
    archive = keras.export.ExportArchive()
    archive.track(generator)
    z_spec = tf.TensorSpec([None, *latent], tf.float32, name="z")
    label_spec = tf.TensorSpec([None], tf.int32, name="labels")
    n_spec = tf.TensorSpec([], tf.int32, name="n")
    seed_spec = tf.TensorSpec([], tf.int64, name="seed")

    def run(z: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        if labels is None:
            out = generator(z, training=False)
        else:
            checks = [
                tf.debugging.assert_non_negative(labels, message="labels must be >= 0"),
                tf.debugging.assert_less(labels, num_classes, message="labels out of range"),
            ]
            with tf.control_dependencies(checks):
                out = generator([z, _label_input(generator, labels)], training=False)
        return tf.cast(out, tf.float32)

    def noise(n: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        checks = [
            tf.debugging.assert_positive(n, message="n must be >= 1"),
            tf.debugging.assert_less_equal(n, MAX_SAMPLES, message=f"n must be <= {MAX_SAMPLES}"),
        ]
        with tf.control_dependencies(checks):
            shape = tf.concat([tf.reshape(n, [1]), tf.constant(latent, tf.int32)], 0)
            pair = tf.stack([seed, tf.constant(0, tf.int64)])
            return tf.random.stateless_normal(shape, seed=pair)

    if conditional:

        def serve(z: tf.Tensor, labels: tf.Tensor) -> dict[str, tf.Tensor]:
            return {"images": run(z, labels)}

        def sample(n: tf.Tensor, seed: tf.Tensor, labels: tf.Tensor) -> dict[str, tf.Tensor]:
            z = noise(n, seed)
            given = tf.debugging.assert_positive(tf.size(labels), message="labels is empty")
            with tf.control_dependencies([given]):
                cycled = tf.gather(labels, tf.math.floormod(tf.range(n), tf.size(labels)))
            return {"images": run(z, cycled), "z": z, "labels": cycled}

        archive.add_endpoint("serving_default", serve, [z_spec, label_spec])
        archive.add_endpoint("sample", sample, [n_spec, seed_spec, label_spec])
    else:

        def serve_z(z: tf.Tensor) -> dict[str, tf.Tensor]:
            return {"images": run(z, None)}

        def sample_z(n: tf.Tensor, seed: tf.Tensor) -> dict[str, tf.Tensor]:
            z = noise(n, seed)
            return {"images": run(z, None), "z": z}

        archive.add_endpoint("serving_default", serve_z, [z_spec])
        archive.add_endpoint("sample", sample_z, [n_spec, seed_spec])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        archive.write_out(str(tmp), verbose=False)
        metadata = {
            "format": "ganlib-export-1",
            "latent_shape": list(latent),
            "num_classes": num_classes,
            "output_shape": [int(s) for s in generator.outputs[0].shape[1:]],
            "ema": bool(ema),
            "latent_temperature": temperature,
            "signatures": {
                "serving_default": ["z", "labels"] if conditional else ["z"],
                "sample": ["n", "seed", "labels"] if conditional else ["n", "seed"],
            },
        }
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        if tflite:
            converter = tf.lite.TFLiteConverter.from_saved_model(
                str(tmp), signature_keys=["serving_default"]
            )
            (tmp / TFLITE_FILE).write_bytes(converter.convert())
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def export_trainer(
    trainer: Any,
    directory: str | os.PathLike[str],
    *,
    use_ema: bool = True,
    tflite: bool = False,
    temperature: float = 1.0,
) -> Path:
    """`export_generator` of a `GANTrainer`'s generator, with its EMA weights when it has
    them (and `use_ema`), at latent `temperature`; the trainer's weights are unchanged
    afterwards.

    Example:
        >>> import tempfile, keras
        >>> from ganlib import GANTrainer
        >>> g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> export_trainer(GANTrainer(g, d), tempfile.mkdtemp() + "/g").name
        'g'
    """
    if not hasattr(trainer, "ema_swapped") or not hasattr(trainer, "generator"):
        raise TypeError(f"`trainer` must be a GANTrainer. Received: {type(trainer).__name__}")
    has_ema = bool(use_ema) and trainer.ema_weights is not None
    with trainer.ema_swapped(use_ema):
        return export_generator(
            trainer.generator,
            directory,
            num_classes=trainer.num_classes if trainer.conditional else None,
            ema=has_ema,
            tflite=tflite,
            temperature=temperature,
        )
