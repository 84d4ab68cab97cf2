"""Several trained generators as one: each sample comes from one member, picked by its latent.

Generators trained on the same data from different seeds miss different parts of it; sampling
each with equal probability covers more of the data than any one of them (docs/quality.md,
"Mixtures of generators"). On a 2-core machine two members train side by side in the time of
one. `generator_mixture` packs the members into one functional Keras model whose latent is the
members' latent plus two selector entries, so the mixture samples from plain N(0, I) latents
like any unconditional generator (`ganlib.sampling.generate`, `model.save`, `ganlib sample`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

__all__ = ["MemberChoice", "MixtureLatent", "angle_sector", "generator_mixture"]


def angle_sector(selector: Any, count: int) -> Any:
    """Which of `count` equal sectors the angle of each row ``(s0, s1)`` of `selector` falls
    in, int32 in [0, count): uniform for N(0, I) rows, unchanged when a row is scaled.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.mixture import angle_sector
        >>> angle_sector(np.array([[1.0, -1.0], [1.0, 1.0]], "float32"), 2).numpy().tolist()
        [0, 1]
    """
    angle = ops.arctan2(selector[:, 1], selector[:, 0])  # [-pi, pi]
    sector = ops.floor((angle / (2.0 * math.pi) + 0.5) * count)
    return ops.cast(ops.clip(sector, 0, count - 1), "int32")


@keras.saving.register_keras_serializable(package="ganlib")
class MixtureLatent(keras.layers.Layer):
    """Splits a mixture's latent into the members' latent and the two selector entries.

    ``z -> (z[:, :latent_dim], z[:, latent_dim:latent_dim + 2])``. No weights.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.mixture import MixtureLatent
        >>> member, selector = MixtureLatent(2)(np.array([[1.0, 2.0, 3.0, 4.0]], "float32"))
        >>> member.numpy().tolist(), selector.numpy().tolist()
        ([[1.0, 2.0]], [[3.0, 4.0]])
    """

    def __init__(self, latent_dim: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1:
            raise ValueError(f"`latent_dim` must be an int >= 1. Received: {latent_dim!r}")
        self.latent_dim = latent_dim

    def call(self, z: Any) -> tuple[Any, Any]:
        return z[:, : self.latent_dim], z[:, self.latent_dim : self.latent_dim + 2]

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], self.latent_dim), (input_shape[0], 2)

    def get_config(self) -> dict[str, Any]:
        """The layer's settings (and Keras's), as a JSON-able dict."""
        return {**super().get_config(), "latent_dim": self.latent_dim}


@keras.saving.register_keras_serializable(package="ganlib")
class MemberChoice(keras.layers.Layer):
    """Per row, the output of the member that the row's two selector entries pick.

    Called on ``[selector, output_0, ..., output_{K-1}]``: the angle of ``(s0, s1)`` falls in
    one of `num_members` equal sectors, and the row takes that member's output (unselected
    outputs never mix in, not even as NaN). For N(0, I) selectors the angle is uniform, so
    each member is picked with probability 1/K, and scaling the latent (a sampling
    temperature) leaves the choice unchanged. No weights.

    Example:
        >>> import numpy as np
        >>> from ganlib.models.mixture import MemberChoice
        >>> selector = np.array([[1.0, -1.0], [1.0, 1.0]], "float32")  # angles -45 and 45 deg
        >>> a, b = np.zeros((2, 3), "float32"), np.ones((2, 3), "float32")
        >>> MemberChoice(2)([selector, a, b]).numpy().tolist()
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """

    def __init__(self, num_members: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(num_members, bool) or not isinstance(num_members, int) or num_members < 2:
            raise ValueError(f"`num_members` must be an int >= 2. Received: {num_members!r}")
        self.num_members = num_members

    def member_index(self, selector: Any) -> Any:
        """The picked member of each row, int32 in [0, num_members)."""
        return angle_sector(selector, self.num_members)

    def call(self, inputs: Sequence[Any]) -> Any:
        selector, *outputs = inputs
        if len(outputs) != self.num_members:
            raise ValueError(f"Expected {self.num_members} member outputs, got {len(outputs)}")
        index = self.member_index(selector)
        rank = len(outputs[0].shape)
        result = outputs[0]
        for k in range(1, self.num_members):
            mask = ops.reshape(ops.equal(index, k), (-1,) + (1,) * (rank - 1))
            result = ops.where(mask, outputs[k], result)
        return result

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape[1]

    def get_config(self) -> dict[str, Any]:
        """The layer's settings (and Keras's), as a JSON-able dict."""
        return {**super().get_config(), "num_members": self.num_members}


def generator_mixture(
    generators: Sequence[keras.Model], name: str = "generator_mixture"
) -> keras.Model:
    """One generator that draws each sample from one of `generators`, each with probability 1/K.

    The members must be unconditional (one input) with the same latent shape ``(L,)`` and the
    same output shape. The mixture's latent has ``L + 2`` entries: the first ``L`` go to every
    member, the last two pick the member (`MemberChoice`). Every member runs on every row
    (K times one generator's cost; fine for sampling). The mixture shares the members'
    weights; saved with `model.save`, it loads with `keras.models.load_model` after
    `import ganlib.models` (its layers are registered), `safe_mode=True` included.

    Example:
        >>> import numpy as np
        >>> from ganlib import models
        >>> members = [models.MLPGenerator(8, (4,), hidden_units=(16,)).build() for _ in range(2)]
        >>> mixture = models.generator_mixture(members)
        >>> mixture.inputs[0].shape, mixture(np.zeros((3, 10), "float32")).shape
        ((None, 10), TensorShape([3, 4]))
    """
    members = list(generators)
    if len(members) < 2:
        raise ValueError(f"`generators` needs at least 2 models. Received: {len(members)}")
    if any(len(g.inputs) != 1 for g in members):
        raise ValueError("`generator_mixture` takes unconditional generators (one input each).")
    latent = tuple(members[0].inputs[0].shape[1:])
    output = tuple(members[0].outputs[0].shape[1:])
    if len(latent) != 1:
        raise ValueError(f"Members need a flat latent (L,). Received: {latent}")
    for g in members[1:]:
        if tuple(g.inputs[0].shape[1:]) != latent or tuple(g.outputs[0].shape[1:]) != output:
            raise ValueError(
                "Every member needs the same latent and output shapes. Received: "
                f"{latent} -> {output} and {tuple(g.inputs[0].shape[1:])} -> "
                f"{tuple(g.outputs[0].shape[1:])}"
            )
    z = keras.Input((latent[0] + 2,), name="z")
    member_z, selector = MixtureLatent(latent[0], name="mixture_latent")(z)
    outputs = [
        keras.Model(g.inputs[0], g.outputs[0], name=f"member_{i}")(member_z)
        for i, g in enumerate(members)
    ]
    chosen = MemberChoice(len(members), name="member_choice")([selector, *outputs])
    return keras.Model(z, chosen, name=name)
