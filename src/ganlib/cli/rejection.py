"""Discriminator-driven sampling for the command line (`--rejection drs|mh`).

The discriminator's logits are calibrated on held-out real samples against generated ones
(`ganlib.sampling.Calibration`), then `GANTrainer.sample` draws through
`ganlib.sampling.DiscriminatorRejectionSampler` or `MetropolisHastingsSampler`. Used by
`ganlib sample` and `ganlib evaluate` (from a run's latest checkpoint, see
`ganlib.cli.sample.restore_trainer`) and by `ganlib train`'s closing summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ganlib.cli._setup import CLIError, load_data, mixture_of
from ganlib.cli.config import RunConfig

__all__ = [
    "ASCENT_STEP_SIZE",
    "BINNED_CALIBRATION_FAKES",
    "BINNED_MIN_ACCEPTANCE",
    "CALIBRATION_SAMPLES",
    "MAX_PROPOSALS_PER_SAMPLE",
    "REFINE_FAKES",
    "REJECTION_METHODS",
    "check_rejection",
    "chosen_sampler",
    "draw_with_sampler",
    "refuse_beside_rejection",
    "summary_metrics",
]

REJECTION_METHODS = ("drs", "mh")
"""`--rejection` choices: discriminator rejection sampling, Metropolis-Hastings GAN."""
MAX_PROPOSALS_PER_SAMPLE = 2000
"""`--rejection drs` gives up (exit code 2) after this many proposals per requested sample (a
refined discriminator kept 0.08-1.44% of the grid recipe's proposals over ten seeds,
docs/benchmarks.md)."""
REFINE_FAKES = 100_000
"""Generated samples the discriminator is refined against (`--rejection-refine`)."""
ASCENT_STEP_SIZE = 5e-3
"""Step size of `--rejection-ascent` (`ganlib.sampling.discriminator_ascent`), chosen on the
grid and kept for the ring's one step (docs/benchmarks.md)."""
CALIBRATION_SAMPLES = 5000
"""Real and generated samples each for the discriminator's calibration (fewer if the data
set is smaller)."""
BINNED_CALIBRATION_FAKES = 200_000
"""Generated samples `BinnedCalibration` is fitted on (against `CALIBRATION_SAMPLES` real)."""
BINNED_MIN_ACCEPTANCE = 2 / MAX_PROPOSALS_PER_SAMPLE
"""`BinnedCalibration`'s ``min_acceptance``: the highest ratios are clipped until DRS keeps at
least this share of proposals, twice what `MAX_PROPOSALS_PER_SAMPLE` allows."""


def _real_samples(config: RunConfig, n: int, seed: int) -> np.ndarray:
    """Held-out real samples: fresh mixture draws for ring/grid, else the run's data."""
    mixture = mixture_of(config.kind)
    if mixture is not None:
        # Seeds far from the training set's (`--seed`): points the discriminator never saw.
        return np.asarray(mixture.sample(n, seed=2**31 + seed), dtype="float32")
    x = load_data(config).x
    rows = np.random.default_rng(seed).permutation(len(x))[: min(n, len(x))]
    return np.asarray(x[rows], dtype="float32")


def refuse_beside_rejection(option: str, method: str | None, does: str = "draws") -> None:
    """`CLIError` when `option`, which only serves plain samples, meets a run that samples
    through `--rejection method` (None: plain samples, nothing to refuse).

    Example:
        >>> refuse_beside_rejection("--mix", None)
        >>> try:
        ...     refuse_beside_rejection("--mix", "drs")
        ... except CLIError as error:
        ...     print(str(error).split(": ")[-1])
        pass --rejection none with --mix
    """
    if method is not None:
        raise CLIError(
            f"{option} {does} plain samples; this run samples with --rejection {method} by "
            f"default: pass --rejection none with {option}"
        )


def check_rejection(config: RunConfig, method: str, gamma: float) -> None:
    """`CLIError` unless the run's discriminator can drive `method` (`drs` or `mh`).

    Example:
        >>> check_rejection(RunConfig(dataset="grid", kind="grid"), "drs", 0.0)
        >>> try:
        ...     check_rejection(RunConfig(dataset="grid", kind="grid", pack=2), "drs", 0.0)
        ... except CLIError as error:
        ...     print(str(error).split("; ")[1])
        this run's discriminator judges packs of 2 (--pack 2)
    """
    if method not in REJECTION_METHODS:
        raise CLIError(f"--rejection must be one of {', '.join(REJECTION_METHODS)}; got {method}")
    if config.conditional:
        raise CLIError("--rejection supports unconditional runs only; this run is conditional")
    if config.arch == "infogan":
        raise CLIError("--rejection needs a discriminator of one logit; --arch infogan's has codes")
    if config.pack > 1:
        raise CLIError(
            f"--rejection needs a discriminator that judges single samples; this run's "
            f"discriminator judges packs of {config.pack} (--pack {config.pack})"
        )
    if not np.isfinite(gamma):
        raise CLIError(f"--gamma must be finite; received {gamma}")


def draw_with_sampler(
    trainer: Any, config: RunConfig, n: int, seed: int, method: str, gamma: float = 0.0
) -> tuple[np.ndarray, str]:
    """`n` samples of a trained `trainer` through `method`, and what the sampler did.

    The generator's EMA weights are used when the trainer holds them. With the run's
    `rejection_refine` > 0, a copy of the discriminator is first trained that many steps on
    the run's data against `REFINE_FAKES` samples of that generator
    (`ganlib.sampling.refine_discriminator`). The discriminator is calibrated on
    `CALIBRATION_SAMPLES` held-out real samples against as many generated ones (Platt
    scaling), or, with the run's `rejection_bins` > 0 and a refined discriminator, against
    `BINNED_CALIBRATION_FAKES` generated ones in that many bins (`BinnedCalibration`). With the
    run's `rejection_ascent` > 0, the samples are then moved that many steps of
    `ASCENT_STEP_SIZE` up that discriminator's logit (`ganlib.sampling.discriminator_ascent`).
    """
    from ganlib.sampling import (
        DiscriminatorRejectionSampler,
        MetropolisHastingsSampler,
        discriminator_ascent,
        generator_proposal,
        refine_discriminator,
    )

    check_rejection(config, method, gamma)
    real = _real_samples(config, CALIBRATION_SAMPLES, seed)
    with trainer.ema_swapped():
        propose = generator_proposal(trainer.generator, batch_size=4096)
        fake = propose(len(real), np.random.default_rng([seed, 1]))
        discriminator = trainer.discriminator
        refine = config.rejection_refine
        # the run's `rejection_bins` (the grid recipe's 50): a refined D calibrated bin by bin
        bins = config.rejection_bins if refine > 0 and config.rejection_bins else None
        if refine > 0:
            pool = propose(REFINE_FAKES, np.random.default_rng([seed, 2]))
            x = load_data(config).x
            discriminator = refine_discriminator(discriminator, x, pool, steps=refine, seed=seed)
        if bins is not None:
            fake = propose(BINNED_CALIBRATION_FAKES, np.random.default_rng([seed, 3]))
    sampler: Any
    if method == "drs":
        limit = max(MAX_PROPOSALS_PER_SAMPLE * n, 10**5)
        sampler = DiscriminatorRejectionSampler(
            discriminator, gamma=gamma, max_proposals=limit, batch_size=4096
        )
    else:
        sampler = MetropolisHastingsSampler(discriminator)
    try:
        sampler.calibrate(real, fake, bins=bins, min_acceptance=BINNED_MIN_ACCEPTANCE)
        samples = trainer.sample(n, seed=seed, rejection=sampler)
    except (ValueError, RuntimeError) as error:  # separated logits; too few accepted
        raise CLIError(f"--rejection: {error}") from None
    ascent = config.rejection_ascent
    if ascent > 0:
        samples = discriminator_ascent(
            discriminator, samples, steps=ascent, step_size=ASCENT_STEP_SIZE
        )
    what = "of proposals accepted" if method == "drs" else "of chain moves accepted"
    gamma_text = f" gamma {gamma:g}" if method == "drs" else ""
    refined = f", D refined {refine} steps" if refine > 0 else ""
    refined += f", calibrated in {bins} bins" if bins is not None else ""
    refined += f", {ascent} ascent steps" if ascent > 0 else ""
    rate = f"{sampler.acceptance_rate:.1%}"
    return samples, f"{method.upper()}{gamma_text} ({rate} {what}{refined})"


def summary_metrics(trainer: Any, mixture: Any, config: RunConfig) -> str:
    """`, 8/8 modes, 97% high quality [by DRS ...]` of 2,500 samples (ring/grid), else "".

    `ganlib train`'s closing line: the samples come through the run's `rejection` sampler
    when it has one; if that sampler gives up (too few accepted), plain samples, saying why.
    """
    if mixture is None or trainer.conditional:
        return ""
    from ganlib import metrics

    how = config.rejection if config.rejection in REJECTION_METHODS else None
    samples = None
    if how is not None:
        try:
            samples, how = draw_with_sampler(trainer, config, 2500, 1, how, config.rejection_gamma)
        except CLIError as error:  # e.g. a short run whose samples the sampler all rejects
            how = f"plain samples ({str(error).removeprefix('--rejection: ')})"
    if samples is None:
        samples = trainer.sample(2500, seed=1)
    result = metrics.mixture_metrics(samples, mixture)
    return (
        f", {result.modes_captured}/{result.modes} modes, "
        f"{result.high_quality_fraction:.0%} high quality" + (f" by {how}" if how else "")
    )


def chosen_sampler(
    config: RunConfig | None, requested: str | None, gamma: float | None
) -> tuple[str | None, float]:
    """`(method or None, gamma)`: `--rejection`/`--gamma` as given, else the run's defaults.

    Example:
        >>> config = RunConfig(dataset="grid", kind="grid", rejection="drs", rejection_gamma=0.5)
        >>> chosen_sampler(config, None, None), chosen_sampler(config, "none", None)
        (('drs', 0.5), (None, 0.5))
    """
    method = requested if requested is not None else (config.rejection if config else None)
    if gamma is None:
        gamma = config.rejection_gamma if config is not None else 0.0
    return (method if method in REJECTION_METHODS else None), float(gamma)
