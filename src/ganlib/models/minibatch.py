"""Minibatch standard deviation (Karras et al. 2018, ProGAN, arXiv:1710.10196).

A discriminator layer appending one feature: the standard deviation of the features across the
samples of a group, averaged over all features. A generator that collapses makes it small, and
the discriminator can see that.
"""

from __future__ import annotations

import numbers
from typing import Any

import keras
import tensorflow as tf

__all__ = ["MinibatchStdDev"]


@keras.saving.register_keras_serializable(package="ganlib")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the mean across-sample standard deviation as one more channel/feature.

    For a group of ``G`` consecutive samples (``group_size``; ``None`` = the whole batch):
    ``s = mean_features(sqrt(var_group(x) + epsilon))``, one number per group, appended to each
    of its samples as a constant last channel (images ``(B, H, W, C) -> (B, H, W, C + 1)``)
    or feature (vectors ``(B, F) -> (B, F + 1)``). The batch must be divisible by ``G``.
    Registered with Keras (package ``ganlib``): models holding it load with
    ``safe_mode=True`` once ``ganlib.models`` is imported.

    Example:
        >>> import numpy as np
        >>> from ganlib.models import MinibatchStdDev
        >>> x = np.array([[0.0, 0.0], [2.0, 4.0]], "float32")
        >>> MinibatchStdDev()(x).numpy().round(4).tolist()
        [[0.0, 0.0, 1.5], [2.0, 4.0, 1.5]]
    """

    def __init__(self, group_size: int | None = None, epsilon: float = 1e-8, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if group_size is not None and (
            isinstance(group_size, bool)
            or not isinstance(group_size, numbers.Integral)
            or int(group_size) < 2
        ):
            raise ValueError(
                f"`group_size` must be None or an integer >= 2. Received: group_size={group_size!r}"
            )
        if (
            isinstance(epsilon, bool)
            or not isinstance(epsilon, numbers.Real)
            or float(epsilon) <= 0
        ):
            raise ValueError(f"`epsilon` must be a positive number. Received: epsilon={epsilon!r}")
        self.group_size: int | None = None if group_size is None else int(group_size)
        self.epsilon: float = float(epsilon)

    def call(self, x: Any) -> Any:
        x = tf.convert_to_tensor(x)
        batch = tf.shape(x)[0]
        group = batch if self.group_size is None else self.group_size
        static = x.shape[0]
        if self.group_size is not None and static is not None and static % self.group_size:
            raise ValueError(
                f"The batch ({static}) must be divisible by group_size={self.group_size}."
            )
        rest = tf.shape(x)[1:]
        grouped = tf.reshape(tf.cast(x, "float32"), tf.concat([[-1, group], rest], 0))
        _, variance = tf.nn.moments(grouped, axes=[1])  # (groups, *rest)
        std = tf.sqrt(variance + self.epsilon)
        feature_axes = list(range(1, x.shape.rank))
        per_group = tf.reduce_mean(std, axis=feature_axes)  # (groups,)
        per_sample = tf.repeat(per_group, group)  # consecutive samples share their group's
        shape = tf.concat([[batch], rest[:-1], [1]], 0)
        column = tf.broadcast_to(tf.reshape(per_sample, [-1] + [1] * (x.shape.rank - 1)), shape)
        return tf.concat([x, tf.cast(column, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        last = input_shape[-1]
        return (*input_shape[:-1], None if last is None else last + 1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "group_size": self.group_size, "epsilon": self.epsilon}
