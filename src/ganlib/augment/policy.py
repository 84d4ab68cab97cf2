"""`DiffAugment`: one augmentation policy applied to every discriminator input.

The policy is a list of operations from `ganlib.augment.ops`, applied in order with seeds split
from one stateless seed. `probability` (ADA's `p`, Karras et al. 2020, arXiv:2006.06676) applies
each operation to each sample independently with that probability.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from ganlib.augment import ops

__all__ = ["OPERATIONS", "DiffAugment", "adjust_probability", "overfitting_heuristic"]

OPERATIONS = ("brightness", "saturation", "contrast", "translation", "cutout")
"""Operation names a policy may list; ``"color"`` stands for the three colour ones."""

_GROUPS = {"color": ("brightness", "saturation", "contrast")}


def _probability(value: Any, name: str = "probability") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= float(value) <= 1:
        raise ValueError(f"`{name}` must be a number in [0, 1]. Received: {name}={value!r}")
    return float(value)


class DiffAugment:
    """Differentiable augmentation policy (Zhao et al. 2020, arXiv:2006.10738).

    Calling it as ``policy(x, seed)`` augments a batch with the operations of ``policy``
    (default DiffAugment's ``"color,translation,cutout"``), each sample drawn independently.
    ``color`` scales the three colour operations (1 = the paper's ranges), ``translation``
    and ``cutout`` are fractions of the image side (paper: 1/8 and 1/2). ``probability`` is
    the chance that each operation is applied to each sample: 1 for DiffAugment; ADA starts at
    0 and lets `ganlib.callbacks.AdaptiveAugmentation` move it. Pass the policy to
    ``GANTrainer(augment=...)`` to augment every discriminator input, real and fake.

    Example:
        >>> import tensorflow as tf
        >>> from ganlib.augment import DiffAugment
        >>> policy = DiffAugment("color,translation,cutout")
        >>> x = tf.zeros((4, 8, 8, 3))
        >>> policy(x, seed=[0, 7]).shape
        TensorShape([4, 8, 8, 3])
        >>> bool(tf.reduce_all(policy(x + 0.3, seed=[0, 7], probability=0.0) == x + 0.3))
        True
    """

    def __init__(
        self,
        policy: str | Sequence[str] = "color,translation,cutout",
        *,
        color: float = 1.0,
        translation: float = 0.125,
        cutout: float = 0.5,
        probability: float = 1.0,
    ) -> None:
        names = policy.split(",") if isinstance(policy, str) else list(policy)
        expanded: list[str] = []
        for name in (str(n).strip() for n in names):
            if name not in OPERATIONS and name not in _GROUPS:
                raise ValueError(
                    f"`policy` entries must be among {(*OPERATIONS, *_GROUPS)}. "
                    f"Received: policy={policy!r}"
                )
            expanded.extend(_GROUPS.get(name, (name,)))
        if not expanded:
            raise ValueError(f"`policy` lists no operation. Received: policy={policy!r}")
        self.policy = tuple(expanded)
        self.color = ops._check_strength(color, "color")
        self.translation = ops._check_strength(translation, "translation", upper=1.0)
        self.cutout = ops._check_strength(cutout, "cutout", upper=1.0)
        self.probability = _probability(probability)

    @property
    def needs_images(self) -> bool:
        """True when the policy has a spatial operation (translation, cutout): NHWC input."""
        return any(name in ("translation", "cutout") for name in self.policy)

    def __call__(self, x: Any, seed: Any, probability: Any = None) -> tf.Tensor:
        """Augments ``x`` with draws from the stateless ``seed``.

        ``probability`` (a float or a scalar tensor/variable) overrides the policy's own.
        """
        p = self.probability if probability is None else probability
        applied = None if isinstance(p, (int, float)) and p == 1 else p
        seeds = ops._split(seed, len(self.policy))
        for name, op_seed in zip(self.policy, seeds, strict=True):
            fn = getattr(ops, name)
            strength = {"translation": self.translation, "cutout": self.cutout}.get(
                name, self.color
            )
            x = fn(x, op_seed, strength, probability=applied)
        return x

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-able dict."""
        return {
            "policy": ",".join(self.policy),
            "color": self.color,
            "translation": self.translation,
            "cutout": self.cutout,
            "probability": self.probability,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DiffAugment:
        """Rebuilds the policy from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"DiffAugment({args})"


def overfitting_heuristic(real_logits: Any) -> tf.Tensor:
    """ADA's ``r_t = E[sign(D(x_real))]`` over a batch of discriminator logits on real data.

    Near 0: the discriminator does not separate real data; near 1: it has memorized it.

    Example:
        >>> from ganlib.augment import overfitting_heuristic
        >>> float(overfitting_heuristic([2.0, 0.5, -1.0, 3.0]))
        0.5
    """
    logits = tf.cast(tf.convert_to_tensor(real_logits), tf.float32)
    return tf.reduce_mean(tf.sign(logits))


def adjust_probability(
    probability: float, r_t: float, target: float = 0.6, steps: int = 4, ramp_steps: int = 5000
) -> float:
    """ADA's update: ``p + sign(r_t - target) * steps / ramp_steps``, clipped to [0, 1].

    ``ramp_steps`` is how many training steps ``p`` takes to go from 0 to 1 while ``r_t`` stays
    above the target (ADA: 500,000 images; at batch 64 about 7,800 steps); ``steps`` is how many
    steps ``r_t`` was averaged over since the last adjustment.

    Example:
        >>> from ganlib.augment import adjust_probability
        >>> adjust_probability(0.5, r_t=0.9, steps=100, ramp_steps=1000)
        0.6
        >>> adjust_probability(0.0, r_t=0.1)
        0.0
    """
    if r_t > target:
        probability += steps / ramp_steps
    elif r_t < target:
        probability -= steps / ramp_steps
    return float(min(1.0, max(0.0, probability)))
