"""`ganlib sample/evaluate RUN --bank` (private): sample around the inverted training data.

The first `--bank` on a run inverts its training data through the run's sampling generator
(`ganlib.sampling.invert_latents`) and saves the latents as `RUN/latent-bank.npz`; later calls
reuse the file. An `--arch infogan` run's code entries are fixed beforehand to the code its
discriminator's Q head reads off each image. A bank file that does not match the run (its
shape, or the fingerprint of the generator's weights and the data it was made for) is refused,
never overwritten.
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ganlib._atomic import write_bytes
from ganlib.cli._restore import restore_trainer
from ganlib.cli._sampling_args import BANK_STEPS
from ganlib.cli._setup import CLIError, load_data
from ganlib.cli.config import RunConfig
from ganlib.cli.rejection import refuse_beside_rejection

__all__ = [
    "BANK_FILE",
    "BANK_STEPS",
    "CODE_MARGIN",
    "bank_latents",
    "banked_generator",
    "check_bank_options",
    "fingerprint",
]

BANK_FILE = "latent-bank.npz"
"""Name of the file of inverted latents inside the run folder."""
CODE_MARGIN = 10.0
"""An InfoGAN run's stored code entry: far above any noise the bank's spread adds, so the
code (their argmax) never changes."""


def fingerprint(generator: Any, x: np.ndarray) -> str:
    """SHA-256 of the generator's weights and the training data: what a bank was made for.

    Example:
        >>> import keras, numpy as np
        >>> g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        >>> x = np.zeros((4, 3), "float32")
        >>> fingerprint(g, x) == fingerprint(g, x), fingerprint(g, x) == fingerprint(g, x + 1)
        (True, False)
    """
    digest = hashlib.sha256()
    for weights in generator.get_weights():
        digest.update(np.ascontiguousarray(weights, dtype="float32").tobytes())
    digest.update(np.ascontiguousarray(x, dtype="float32").tobytes())
    return digest.hexdigest()


def _read_bank(path: Path, shape: tuple[int, int], made_for: str) -> np.ndarray:
    again = "delete it to invert the training data again"
    try:
        with np.load(path, allow_pickle=False) as stored:
            latents = np.asarray(stored["latents"], dtype="float32")
            stored_for = str(stored["fingerprint"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise CLIError(f"{path} is damaged or not a latent bank ({error}); {again}") from None
    if latents.shape != shape or not np.all(np.isfinite(latents)):
        raise CLIError(
            f"{path} holds latents of shape {latents.shape}, not {shape} for this run "
            f"(or non-finite values); {again}"
        )
    if stored_for != made_for:
        raise CLIError(
            f"{path} was made for other generator weights or other training data (the run "
            f"trained on, or its data changed); {again}"
        )
    return latents


def _initial(folder: Path, config: RunConfig, x: np.ndarray, latent_dim: int) -> tuple[Any, int]:
    """`(initial latents, fixed entries)`: an InfoGAN run's codes read by its Q head."""
    rng = np.random.default_rng(config.seed)
    initial = rng.standard_normal((len(x), latent_dim)).astype("float32")
    if config.arch != "infogan":
        return initial, 0
    k = config.info_categories
    trainer, _ = restore_trainer(folder, config)
    outputs = trainer.discriminator.predict(x, batch_size=500, verbose=0)
    codes = np.argmax(outputs[:, 1 : 1 + k], axis=1)  # column 0: the adversarial logit
    initial[:, :k] = np.eye(k, dtype="float32")[codes] * CODE_MARGIN
    return initial, k


def bank_latents(
    generator: Any, config: RunConfig, folder: Path, steps: int = BANK_STEPS
) -> np.ndarray:
    """The run's inverted training latents: read from `RUN/latent-bank.npz`, else computed
    (`steps` Adam steps per image) and saved there atomically."""
    latent_dim = int(generator.inputs[0].shape[1])
    x = np.asarray(load_data(config).x, dtype="float32")
    path = folder / BANK_FILE
    made_for = fingerprint(generator, x)
    if path.exists():
        return _read_bank(path, (len(x), latent_dim), made_for)
    from ganlib.sampling import invert_latents

    initial, fixed = _initial(folder, config, x, latent_dim)
    print(f"ganlib: inverting {len(x)} training images for --bank (once; saved as {path})")
    start = time.monotonic()
    latents, errors = invert_latents(generator, x, initial=initial, fixed=fixed, steps=steps)
    buffer = io.BytesIO()
    np.savez(buffer, latents=latents, errors=errors, fingerprint=np.array(made_for))
    write_bytes(path, buffer.getvalue())
    print(
        f"ganlib: inverted in {time.monotonic() - start:.0f} s, mean squared error "
        f"{float(errors.mean()):.4g}"
    )
    return latents


def banked_generator(
    generator: Any, config: RunConfig | None, folder: Path, spread: float, steps: int = BANK_STEPS
) -> tuple[Any, str]:
    """`(generator, note)`: `generator` sampling around the run's inverted training latents
    (`ganlib.models.generator_with_bank`). Refused for conditional runs and runs without a
    config."""
    if config is None:
        raise CLIError(f"--bank needs {folder}/config.json: the training data is unknown")
    if config.conditional or len(generator.inputs) != 1:
        raise CLIError("--bank is for unconditional runs; this run is conditional")
    from ganlib.models import generator_with_bank

    latents = bank_latents(generator, config, folder, steps)
    note = f"around the latents of {len(latents)} training images (spread {spread:g})"
    return generator_with_bank(generator, latents, spread), note


def check_bank_options(args: Any, method: str | None) -> None:
    """`CLIError` when `--bank` meets options it cannot serve: a latent grid or labels, or
    discriminator-driven sampling (`method`, the run's or `--rejection`'s)."""
    if not args.bank:
        return
    grids = getattr(args, "interpolate", None) is not None or getattr(args, "class_grid", False)
    if getattr(args, "labels", None) or grids:
        raise CLIError("--bank draws plain samples: not with --labels, --interpolate, --class-grid")
    refuse_beside_rejection("--bank", method)
