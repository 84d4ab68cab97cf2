"""Model builders: generator and discriminator architectures as small, overridable hooks.

A builder holds an architecture's settings; ``build()`` returns a functional
``keras.Model`` with ganlib's contract:

- generator: ``z`` ``(batch, latent_dim)`` [and int labels ``(batch,)``] -> images
  ``(batch, *output_shape)`` in [-1, 1] (tanh; ``output_activation=None`` is linear);
- discriminator: images [and labels] -> one logit per sample ``(batch, 1)``
  (``output_activation="sigmoid"`` gives probabilities).

Example:
    >>> import numpy as np
    >>> from ganlib import models
    >>> g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
    >>> d = models.MLPDiscriminator(input_shape=(28, 28, 1)).build()
    >>> d(g(np.zeros((2, 100)))).shape
    TensorShape([2, 1])
"""

from __future__ import annotations

from ganlib.models import (
    infogan,  # noqa: F401  (registers the InfoGAN builders)
    layers,
)
from ganlib.models.base import DiscriminatorBuilder, GeneratorBuilder
from ganlib.models.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_plan
from ganlib.models.infogan_latent import InfoGANLatent, with_infogan_latent
from ganlib.models.latent_bank import LatentBank, generator_with_bank
from ganlib.models.minibatch import MinibatchStdDev
from ganlib.models.mixture import MemberChoice, MixtureLatent, generator_mixture
from ganlib.models.mlp import MLPDiscriminator, MLPGenerator
from ganlib.models.packing import Pack, pack, packed, packed_shape
from ganlib.models.patchgan import PatchGANDiscriminator
from ganlib.models.registry import available, from_config, get, register, serialize
from ganlib.models.resnet_generator import ResNetGenerator
from ganlib.models.translation import (
    NORMALIZATIONS,
    TranslatorBuilder,
    UNetGenerator,
    normalization,
)

__all__ = [
    "NORMALIZATIONS",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "DiscriminatorBuilder",
    "GeneratorBuilder",
    "InfoGANLatent",
    "LatentBank",
    "MLPDiscriminator",
    "MLPGenerator",
    "MemberChoice",
    "MinibatchStdDev",
    "MixtureLatent",
    "Pack",
    "PatchGANDiscriminator",
    "ResNetGenerator",
    "TranslatorBuilder",
    "UNetGenerator",
    "available",
    "dcgan_plan",
    "from_config",
    "generator_mixture",
    "generator_with_bank",
    "get",
    "layers",
    "normalization",
    "pack",
    "packed",
    "packed_shape",
    "register",
    "serialize",
    "with_infogan_latent",
]
