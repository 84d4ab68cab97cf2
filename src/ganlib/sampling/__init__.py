"""Sampling tools: truncation, discriminator calibration, rejection and Metropolis-Hastings.

- `generate` / `generate_batches`: the one sampling path (seeded latent noise, labels in turn)
  of `GANTrainer.sample`, the metrics and `ganlib sample`;
- `truncated_normal`: the truncation trick's latent noise (`GANTrainer.sample(truncation=...)`);
- `with_temperature`: a generator whose latent input is scaled by `t` (> 1: more variety);
- `Calibration`: Platt scaling of discriminator logits into log density ratios;
  `BinnedCalibration`: a monotone map fitted bin by bin, for a refined discriminator;
- `DiscriminatorRejectionSampler` (DRS) and `MetropolisHastingsSampler` (MH-GAN): keep or
  chain generator samples by the discriminator's density-ratio estimate
  (`GANTrainer.sample(rejection=...)`), with their acceptance formulas `drs_acceptance` and
  `mh_acceptance`; `generator_proposal` turns a generator into their proposal;
- `refine_discriminator`: DRS's refinement step, a copy of the discriminator trained on the
  final generator so its logit approaches ``log(p_data / p_model)``;
- `discriminator_ascent`: moves samples a few gradient steps up the discriminator's logit
  (Discriminator Optimal Transport's idea), after rejection sampling;
- `invert_latents`: for each image, a latent the generator maps close to it (GAN inversion),
  the prior of `ganlib.models.generator_with_bank`;
- `recalibrate_batch_norm`: re-estimates the BatchNorm statistics of the weights that sample
  (the EMA weights of `GeneratorEMA`) from their own samples, after training.

Example:
    >>> import numpy as np
    >>> from ganlib import sampling
    >>> sampling.truncated_normal(np.random.default_rng(0), (2, 3), threshold=1.0).shape
    (2, 3)
"""

from __future__ import annotations

from ganlib.sampling.ascent import discriminator_ascent
from ganlib.sampling.batch_norm import recalibrate_batch_norm
from ganlib.sampling.calibration import BinnedCalibration, Calibration
from ganlib.sampling.discriminator import (
    DiscriminatorRejectionSampler,
    MetropolisHastingsSampler,
    drs_acceptance,
    generator_proposal,
    mh_acceptance,
)
from ganlib.sampling.draw import generate, generate_batches
from ganlib.sampling.inversion import invert_latents
from ganlib.sampling.refine import refine_discriminator
from ganlib.sampling.temperature import check_temperature, with_temperature
from ganlib.sampling.truncation import check_truncation, truncated_normal

__all__ = [
    "BinnedCalibration",
    "Calibration",
    "DiscriminatorRejectionSampler",
    "MetropolisHastingsSampler",
    "check_temperature",
    "check_truncation",
    "discriminator_ascent",
    "drs_acceptance",
    "generate",
    "generate_batches",
    "generator_proposal",
    "invert_latents",
    "mh_acceptance",
    "recalibrate_batch_norm",
    "refine_discriminator",
    "truncated_normal",
    "with_temperature",
]
