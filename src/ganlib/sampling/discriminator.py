"""Discriminator-driven sampling: rejection sampling (DRS) and Metropolis-Hastings (MH-GAN).

Both correct a generator's samples with the density ratio ``p_data / p_model = exp(logit)``
that an optimal, calibrated discriminator gives. A *proposal* is any function
``propose(k, rng) -> k samples`` (`generator_proposal` makes one from a generator).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from ganlib._validation import positive_int
from ganlib.sampling.calibration import BinnedCalibration, Calibration
from ganlib.sampling.truncation import truncated_normal

__all__ = [
    "DiscriminatorRejectionSampler",
    "MetropolisHastingsSampler",
    "drs_acceptance",
    "generator_proposal",
    "mh_acceptance",
]

Proposal = Callable[[int, np.random.Generator], np.ndarray]


def drs_acceptance(
    logits: Any, max_logit: float, gamma: float = 0.0, epsilon: float = 1e-6
) -> np.ndarray:
    """DRS acceptance probability ``sigmoid(F)`` (Azadi et al. 2019, arXiv:1810.06758).

    ``F = L - L_max - log(1 - exp(L - L_max - epsilon)) - gamma`` for calibrated logits ``L``.
    With ``gamma = 0`` and ``epsilon -> 0`` this is ``exp(L - L_max) = p_data / (M p_model)``,
    exact rejection sampling; ``gamma > 0`` accepts less, ``gamma < 0`` more.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import drs_acceptance
        >>> drs_acceptance(np.log([0.5, 1.0, 2.0]), max_logit=np.log(2.0), epsilon=0).round(3)
        array([0.25, 0.5 , 1.  ])
    """
    logits = np.asarray(logits, dtype="float64")
    delta = np.minimum(logits - float(max_logit), 0.0) - float(epsilon)
    with np.errstate(divide="ignore"):
        f = delta + float(epsilon) - np.log(-np.expm1(delta)) - float(gamma)
    return 1.0 / (1.0 + np.exp(-f))


def mh_acceptance(current_logits: Any, proposal_logits: Any) -> np.ndarray:
    """MH-GAN acceptance ``min(1, exp(L(x') - L(x)))`` (Turner et al. 2019, arXiv:1811.11357).

    With independent proposals from the generator and ``exp(L) = p_data / p_model`` the chain's
    stationary distribution is ``p_data``; ``exp(L(x') - L(x))`` equals
    ``(1/D(x) - 1) / (1/D(x') - 1)`` for ``D = sigmoid(L)``.

    Example:
        >>> from ganlib.sampling import mh_acceptance
        >>> mh_acceptance([0.0, 0.0], [1.0, -0.6931471805599453]).round(3)
        array([1. , 0.5])
    """
    current = np.asarray(current_logits, dtype="float64")
    proposal = np.asarray(proposal_logits, dtype="float64")
    return np.exp(np.minimum(proposal - current, 0.0))


def generator_proposal(
    generator: keras.Model, truncation: float | None = None, batch_size: int = 256
) -> Proposal:
    """``propose(k, rng)``: ``k`` samples of an unconditional generator, noise from ``rng``.

    The latent noise is ``truncated_normal(rng, (k, *latent_shape), truncation)``.

    Example:
        >>> import keras, numpy as np
        >>> from ganlib.sampling import generator_proposal
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> generator_proposal(g)(5, np.random.default_rng(0)).shape
        (5, 2)
    """
    inputs = getattr(generator, "inputs", None)
    if not isinstance(generator, keras.Model) or not inputs or len(inputs) != 1:
        raise TypeError(
            f"`generator` must be a built unconditional keras.Model. Received: {generator!r}"
        )
    latent_shape = tuple(int(s) for s in inputs[0].shape[1:])
    generate = _traced(generator)

    def propose(k: int, rng: np.random.Generator) -> np.ndarray:
        z = truncated_normal(rng, (k, *latent_shape), truncation)
        parts = [
            keras.ops.convert_to_numpy(generate(z[i : i + batch_size]))
            for i in range(0, k, batch_size)
        ]
        return np.concatenate(parts).astype("float32")

    return propose


def _traced(model: Any) -> Any:
    """A Keras model (discriminator or generator) in inference mode as a `tf.function`
    (samplers call it on batch after batch; an eager Keras call costs several times a traced
    one), other callables as is."""
    if not isinstance(model, keras.Layer):
        return model
    import tensorflow as tf

    return tf.function(lambda x: model(x, training=False), reduce_retracing=True)


class _DiscriminatorSampler:
    """Shared parts: the discriminator's calibrated logits, one per sample."""

    def __init__(
        self,
        discriminator: Any,
        calibration: Calibration | BinnedCalibration | None,
        batch_size: int,
    ) -> None:
        if not callable(discriminator):
            raise TypeError(f"`discriminator` must be callable. Received: {discriminator!r}")
        inputs = getattr(discriminator, "inputs", None)
        if isinstance(inputs, (list, tuple)) and len(inputs) != 1:
            raise ValueError(
                "Discriminator-driven sampling needs an unconditional discriminator (one input). "
                f"Received a model with {len(inputs)} inputs"
            )
        if calibration is not None and not isinstance(
            calibration, (Calibration, BinnedCalibration)
        ):
            raise TypeError(
                "`calibration` must be a Calibration or BinnedCalibration. "
                f"Received: {calibration!r}"
            )
        self.discriminator = discriminator
        self._judge = _traced(discriminator)
        self.calibration: Calibration | BinnedCalibration = calibration or Calibration()
        self.batch_size = positive_int(batch_size, "batch_size")

    def logits(self, x: Any) -> np.ndarray:
        """Calibrated discriminator logits of the samples ``x``, one per sample (float64)."""
        x = np.asarray(x, dtype="float32")
        parts = []
        for i in range(0, len(x), self.batch_size):
            out = keras.ops.convert_to_numpy(self._judge(x[i : i + self.batch_size]))
            parts.append(np.asarray(out, dtype="float64").reshape(-1))
        raw = np.concatenate(parts) if parts else np.zeros(0)
        if raw.size != len(x):
            raise ValueError(
                f"The discriminator must return one logit per sample: {len(x)} samples gave "
                f"{raw.size} outputs (a packed discriminator judges packs, not samples)"
            )
        return self.calibration(raw)

    def calibrate(
        self, real: Any, fake: Any, bins: int | None = None, min_acceptance: float = 0.0
    ) -> Calibration | BinnedCalibration:
        """Fits `Calibration` on held-out real and generated samples; uses it from now on.

        With ``bins``, fits `BinnedCalibration` with that many bins and ``min_acceptance``
        instead of Platt scaling (then give many generated samples, e.g. 200,000).
        """
        self.calibration = Calibration()
        real_logits, fake_logits = self.logits(real), self.logits(fake)
        if bins is None:
            self.calibration = Calibration.fit(real_logits, fake_logits)
        else:
            self.calibration = BinnedCalibration.fit(
                real_logits, fake_logits, bins=bins, min_acceptance=min_acceptance
            )
        return self.calibration


class DiscriminatorRejectionSampler(_DiscriminatorSampler):
    """Discriminator Rejection Sampling (Azadi et al. 2019, arXiv:1810.06758).

    Proposals are accepted with probability `drs_acceptance` of their calibrated logits.
    ``L_max`` is first estimated on ``burn_in`` proposals and raised whenever a larger logit is
    seen. Call ``calibrate(real, fake)`` with held-out data first (the paper's calibration
    step); ``acceptance_rate`` holds the share accepted by the last ``sample``.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import DiscriminatorRejectionSampler
        >>> # model N(0, 2^2), data N(0, 1): the optimal logit is log 2 - 3 x^2 / 8
        >>> d = lambda x: np.log(2.0) - 3 * np.asarray(x) ** 2 / 8
        >>> propose = lambda k, rng: rng.normal(0, 2, (k, 1))
        >>> sampler = DiscriminatorRejectionSampler(d, burn_in=5000)
        >>> x = sampler.sample(propose, 4000, seed=0)
        >>> x.shape, round(float(x.std()), 1), round(sampler.acceptance_rate, 1)
        ((4000, 1), 1.0, 0.5)
    """

    def __init__(
        self,
        discriminator: Any,
        *,
        calibration: Calibration | BinnedCalibration | None = None,
        gamma: float = 0.0,
        epsilon: float = 1e-6,
        burn_in: int = 10_000,
        batch_size: int = 256,
        max_proposals: int = 10_000_000,
    ) -> None:
        super().__init__(discriminator, calibration, batch_size)
        if not np.isfinite(gamma) or not (np.isfinite(epsilon) and epsilon >= 0):
            raise ValueError(
                "`gamma` must be finite and `epsilon` >= 0. "
                f"Received: gamma={gamma!r}, epsilon={epsilon!r}"
            )
        self.gamma, self.epsilon = float(gamma), float(epsilon)
        self.burn_in = positive_int(burn_in, "burn_in")
        self.max_proposals = positive_int(max_proposals, "max_proposals")
        self.max_logit: float | None = None
        self.acceptance_rate: float | None = None

    def sample(self, propose: Proposal, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` accepted samples from ``propose`` with noise from ``default_rng(seed)``."""
        n = int(n)
        if n < 0:
            raise ValueError(f"`n` must be >= 0. Received: n={n}")
        rng = np.random.default_rng(seed)
        self.max_logit = float(np.max(self.logits(propose(self.burn_in, rng))))
        kept: list[np.ndarray] = []
        count = proposed = 0
        while count < n:
            if proposed >= self.max_proposals:
                raise RuntimeError(
                    f"Only {count} of {n} samples accepted after {proposed} proposals "
                    f"(max_proposals={self.max_proposals}); lower `gamma` to accept more"
                )
            x = propose(self.batch_size, rng)
            logits = self.logits(x)
            self.max_logit = max(self.max_logit, float(np.max(logits)))
            accept = rng.uniform(size=len(x)) < drs_acceptance(
                logits, self.max_logit, self.gamma, self.epsilon
            )
            kept.append(x[accept])
            count += int(accept.sum())
            proposed += len(x)
        self.acceptance_rate = count / max(proposed, 1)
        if not kept:
            return propose(0, rng)
        return np.concatenate(kept)[:n]


class MetropolisHastingsSampler(_DiscriminatorSampler):
    """Metropolis-Hastings GAN (Turner et al. 2019, arXiv:1811.11357).

    Runs one independence chain per output sample: start at a proposal, then ``steps`` times
    propose a fresh sample and move to it with probability `mh_acceptance`. The chain's
    stationary distribution is the data distribution when the calibrated logits are
    ``log(p_data / p_model)``; call ``calibrate(real, fake)`` first. Costs ``steps + 1``
    proposals per sample; ``acceptance_rate`` holds the share of moves accepted.

    Example:
        >>> import numpy as np
        >>> from ganlib.sampling import MetropolisHastingsSampler
        >>> d = lambda x: np.log(2.0) - 3 * np.asarray(x) ** 2 / 8   # N(0, 1) vs N(0, 2^2)
        >>> propose = lambda k, rng: rng.normal(0, 2, (k, 1))
        >>> x = MetropolisHastingsSampler(d, steps=20).sample(propose, 4000, seed=0)
        >>> x.shape, round(float(x.std()), 1)
        ((4000, 1), 1.0)
    """

    def __init__(
        self,
        discriminator: Any,
        *,
        calibration: Calibration | BinnedCalibration | None = None,
        steps: int = 20,
        batch_size: int = 256,
    ) -> None:
        super().__init__(discriminator, calibration, batch_size)
        self.steps = positive_int(steps, "steps")
        self.acceptance_rate: float | None = None

    def sample(self, propose: Proposal, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` samples: the final states of ``n`` chains, noise from ``default_rng(seed)``."""
        n = int(n)
        if n < 0:
            raise ValueError(f"`n` must be >= 0. Received: n={n}")
        rng = np.random.default_rng(seed)
        current = propose(n, rng)
        current_logits = self.logits(current)
        moves = 0
        for _ in range(self.steps):
            proposal = propose(n, rng)
            proposal_logits = self.logits(proposal)
            accept = rng.uniform(size=n) < mh_acceptance(current_logits, proposal_logits)
            current = np.where(accept.reshape((n,) + (1,) * (current.ndim - 1)), proposal, current)
            current_logits = np.where(accept, proposal_logits, current_logits)
            moves += int(accept.sum())
        self.acceptance_rate = moves / max(n * self.steps, 1)
        return current
