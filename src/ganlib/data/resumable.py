"""`resumable_batches`: an input pipeline whose batch `b` depends only on `(seed, b)`.

Pass `e` over the data is shuffled with the stateless seed `(seed, e)`, and batch number `b` is
batch `b % per_pass` of pass `b // per_pass` (`per_pass = ceil(len(x) / batch_size)`; the last
batch of a pass may be smaller). So a run restored from a checkpoint taken after step `s`
continues with exactly the batches an uninterrupted run would see: build the dataset with
`start=s`; `fit_segments` splits the rest of the run into `fit` calls whose epochs line up
with the uninterrupted run's. `ganlib train` uses them; see docs/howto/resume.md for the
library recipe with `GANCheckpoint(every_steps=...)`.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ganlib._validation import positive_int

__all__ = ["FitSegment", "fit_segments", "resumable_batches"]


def resumable_batches(
    x: np.ndarray,
    y: np.ndarray | None = None,
    *,
    batch_size: int,
    seed: int,
    start: int = 0,
    steps: int | None = None,
) -> Any:
    """A `tf.data.Dataset` of the `steps` batches after batch number `start` (endless if None).

    Yields `x` batches, or `(x, y)` batches when labels are given. Resume a run exactly with
    `start=int(trainer.step_counter.numpy())` after `trainer.restore(...)`.

    Example:
        >>> import numpy as np
        >>> from ganlib.data import resumable_batches
        >>> x = np.arange(10, dtype="float32")[:, None]
        >>> def run(**kw):
        ...     return [b.numpy().ravel().tolist() for b in resumable_batches(x, **kw)]
        >>> run(batch_size=4, seed=0, start=3, steps=2) == run(batch_size=4, seed=0, steps=5)[3:]
        True
    """
    import tensorflow as tf

    x = np.asarray(x)
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"`x` must hold at least one sample. Received: shape {x.shape}")
    if y is not None and len(y) != len(x):
        raise ValueError(f"`y` must have one label per sample: {len(y)} labels, {len(x)} samples")
    batch_size = positive_int(batch_size, "batch_size")
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or start < 0:
        raise ValueError(f"`start` must be a non-negative integer. Received: start={start!r}")
    if steps is not None:
        steps = positive_int(steps, "steps")
    n = len(x)
    per_pass = math.ceil(n / batch_size)
    first, skip = divmod(int(start), per_pass)
    passes = 2**62 if steps is None else math.ceil((skip + steps) / per_pass)
    xs = tf.constant(x)
    ys = None if y is None else tf.constant(np.asarray(y))

    def one_pass(e: Any) -> Any:
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(int(seed), tf.int64), e])
        )
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    def gather(index: Any) -> Any:
        if ys is None:
            return tf.gather(xs, index)
        return tf.gather(xs, index), tf.gather(ys, index)

    dataset = tf.data.Dataset.range(first, first + passes).flat_map(one_pass).skip(skip)
    if steps is not None:
        dataset = dataset.take(steps)
    return dataset.map(gather).prefetch(tf.data.AUTOTUNE)


class FitSegment(NamedTuple):
    """One `fit` call of a resumed run: its epochs and the batches it consumes.

    Example:
        >>> from ganlib.data import FitSegment
        >>> FitSegment(initial_epoch=2, epochs=3, steps_per_epoch=2, start=10, steps=2).steps
        2
    """

    initial_epoch: int
    epochs: int
    steps_per_epoch: int
    start: int
    steps: int


def fit_segments(step: int, steps_per_epoch: int, epochs: int) -> list[FitSegment]:
    """The `fit` calls that take a run from `step` done to `epochs` whole epochs, exactly.

    A checkpoint taken mid-epoch (`GANCheckpoint(every_steps=...)`) leaves part of an epoch:
    the first segment finishes it (`steps_per_epoch` = the steps left), the second runs the
    remaining whole epochs. Each segment's `start`/`steps` go to `resumable_batches`, so no
    dataset runs out inside `fit` and every epoch ends at the same step as without the crash.

    Example:
        >>> from ganlib.data import fit_segments
        >>> [tuple(s) for s in fit_segments(10, 4, 6)]
        [(2, 3, 2, 10, 2), (3, 6, 4, 12, 12)]
        >>> [tuple(s) for s in fit_segments(0, 4, 2)]
        [(0, 2, 4, 0, 8)]
    """
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"`step` must be a non-negative integer. Received: step={step!r}")
    step = int(step)
    steps_per_epoch = positive_int(steps_per_epoch, "steps_per_epoch")
    epochs = positive_int(epochs, "epochs")
    done, within = divmod(step, steps_per_epoch)
    segments = []
    if within and done < epochs:
        left = steps_per_epoch - within
        segments.append(FitSegment(done, done + 1, left, step, left))
        done += 1
    if done < epochs:
        start = done * steps_per_epoch
        segments.append(
            FitSegment(done, epochs, steps_per_epoch, start, (epochs - done) * steps_per_epoch)
        )
    return segments
