"""A discriminator with an auxiliary head: `1 + k` logits per sample (AC-GAN, InfoGAN).

Column 0 is the adversarial logit, the other `k` the auxiliary head's; `ganlib.auxiliary_trainers`
reads them. Optionally label-conditioned by projection (Miyato & Koyama 2018).
"""

from __future__ import annotations

import copy
from typing import Any

import keras

from ganlib.models import layers as L
from ganlib.models.base import DiscriminatorBuilder

__all__ = ["auxiliary_head_discriminator"]


def auxiliary_head_discriminator(builder: DiscriminatorBuilder, extra_outputs: int) -> keras.Model:
    """Builds a discriminator whose head returns `1 + extra_outputs` logits.

    Column 0 is the adversarial logit, the rest the auxiliary head (AC-GAN: class logits;
    InfoGAN: code logits and means). Only the builder's `head` hook changes. An unconditional
    builder gives a model of the images alone. A builder with `num_classes` and
    `conditioning="projection"` gives a model of `[images, labels]` whose adversarial logit
    adds the projection term `<embed(y), phi(x)>` (Miyato & Koyama 2018) while the auxiliary
    head reads the same features `phi(x)` without the label (for `ACGANTrainer`: AC-GAN with a
    projection discriminator). Concat conditioning is refused: the label would reach the
    classifier through the input.

    Example:
        >>> from ganlib import models
        >>> from ganlib.auxiliary_trainers import auxiliary_head_discriminator
        >>> builder = models.DCGANDiscriminator(base_filters=8)
        >>> auxiliary_head_discriminator(builder, 10).output_shape
        (None, 11)
        >>> projection = models.DCGANDiscriminator(
        ...     base_filters=8, num_classes=10, conditioning="projection")
        >>> d = auxiliary_head_discriminator(projection, 10)
        >>> len(d.inputs), d.output_shape
        (2, (None, 11))
    """
    if not isinstance(builder, DiscriminatorBuilder) or (
        builder.conditional and builder.conditioning != "projection"
    ):
        raise TypeError(
            "`builder` must be an unconditional DiscriminatorBuilder or one with "
            "`conditioning='projection'` (with the label concatenated to the input, the "
            f"auxiliary head could read the label it predicts). Received: {builder!r}"
        )
    if isinstance(extra_outputs, bool) or not isinstance(extra_outputs, int) or extra_outputs < 1:
        raise ValueError(f"`extra_outputs` must be an int >= 1. Received: {extra_outputs!r}")
    base = type(builder)

    class _WithAuxiliaryHead(base):  # type: ignore[misc, valid-type]
        def head(self, x: Any, labels: Any = None) -> Any:
            if len(x.shape) > 2:
                x = keras.layers.Flatten(name="features")(x)
            sn = self.spectral_norm
            if labels is None:
                return L.dense(1 + extra_outputs, spectral_norm=sn, name="logits")(x)
            logit = self._logit(x, labels)  # Dense(1) + the projection term
            auxiliary = L.dense(extra_outputs, spectral_norm=sn, name="auxiliary_logits")(x)
            return keras.layers.Concatenate(name="logits")([logit, auxiliary])

    view = copy.copy(builder)
    view.__class__ = _WithAuxiliaryHead
    return view.build()
