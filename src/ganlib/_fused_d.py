"""One discriminator pass on real and generated samples together, where it is safe (private).

Running D once on the concatenated batch does one pair of large matmuls instead of two pairs
of half-size ones. It gives the same outputs and gradients as two passes unless a layer mixes
samples of a batch (BatchNormalization's batch statistics, a minibatch standard deviation)
or changes state per call (SpectralNormalization's power iteration); such discriminators keep
two passes.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from ganlib._compat import flatten_layers

# Layers whose training-mode output for one sample depends on the rest of the call's batch or
# on how many times they were called.
_MIXING = ("BatchNormalization", "SyncBatchNormalization", "MinibatchStdDev")
_PER_CALL_STATE = ("SpectralNormalization",)


def batch_independent(model: keras.Model) -> bool:
    """True when no layer of `model` mixes the samples of a batch or updates state per call
    (so one pass on `concat([a, b])` equals a pass on `a` and one on `b`). Layers that set
    `mixes_batch = True` count as mixing."""
    for layer in flatten_layers(model):
        names = {cls.__name__ for cls in type(layer).__mro__}
        if names & set(_MIXING + _PER_CALL_STATE) or getattr(layer, "mixes_batch", False):
            return False
    return True


def discriminate_pair(
    trainer: Any, real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor | None
) -> tuple[tf.Tensor, tf.Tensor]:
    """`(trainer.discriminate(real, labels), trainer.discriminate(fake, labels))`, computed in
    one pass on both batches concatenated when `trainer.fuse_discriminator_passes` is true."""
    if not getattr(trainer, "fuse_discriminator_passes", False):
        return trainer.discriminate(real, labels), trainer.discriminate(fake, labels)
    both = tf.concat([real, tf.cast(fake, real.dtype)], 0)
    both_labels = None if labels is None else tf.concat([labels, labels], 0)
    out = trainer.discriminate(both, both_labels)
    rows = tf.shape(out)[0] // 2
    return out[:rows], out[rows:]
