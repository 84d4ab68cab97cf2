"""Optimizer presets: a fresh ``(g_optimizer, d_optimizer)`` pair of Keras Adam optimizers.

Each preset reproduces a published GAN setting and states its source and the number of
discriminator steps per generator step it was published with (``PRESETS[name].d_steps``, also
``PRESET_D_STEPS``); pass that to ``GANTrainer(d_steps=...)``. Every call returns new optimizer
instances: one Adam shared by two models fails in Keras 3 (``Unknown variable``).

Overrides (all keyword-only, all optional): ``learning_rate`` (both networks),
``g_learning_rate``, ``d_learning_rate``, ``beta_1``, ``beta_2``, ``epsilon``. A learning rate
may be a float or a ``keras.optimizers.schedules.LearningRateSchedule``.

Example:
    >>> from ganlib import optimizers
    >>> g_opt, d_opt = optimizers.wgan_gp()
    >>> g_opt is not d_opt, optimizers.PRESETS["wgan_gp"].d_steps
    (True, 5)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeAlias

import keras

from ganlib.registry import Registry

__all__ = [
    "PRESETS",
    "PRESET_D_STEPS",
    "PRESET_FUNCTIONS",
    "Preset",
    "dcgan",
    "get",
    "sngan",
    "ttur",
    "wgan_gp",
]

LearningRate: TypeAlias = "float | keras.optimizers.schedules.LearningRateSchedule"
"""A learning rate: a positive float or a Keras learning-rate schedule."""


@dataclass(frozen=True)
class Preset:
    """A published optimizer setting for GAN training (Adam for both networks).

    Attributes:
        name: preset name, as accepted by :func:`get`.
        g_learning_rate: generator learning rate.
        d_learning_rate: discriminator learning rate.
        beta_1: Adam's first-moment decay, for both networks.
        beta_2: Adam's second-moment decay, for both networks.
        d_steps: discriminator steps per generator step in the source.
        loss: the loss the source trained with (a ``ganlib.losses.get`` name).
        penalty: the penalty the source used (a ``ganlib.losses.get_penalty`` name) or None.
        source: the paper the values come from.
        description: one line on when to use it.

    Example:
        >>> PRESETS["dcgan"].d_steps, PRESETS["dcgan"].loss
        (1, 'non_saturating')
    """

    name: str
    g_learning_rate: float
    d_learning_rate: float
    beta_1: float
    beta_2: float
    d_steps: int
    loss: str
    penalty: str | None
    source: str
    description: str


PRESETS: MappingProxyType[str, Preset] = MappingProxyType(
    {
        "dcgan": Preset(
            name="dcgan",
            g_learning_rate=2e-4,
            d_learning_rate=2e-4,
            beta_1=0.5,
            beta_2=0.999,
            d_steps=1,
            loss="non_saturating",
            penalty=None,
            source="Radford, Metz & Chintala 2015, 'Unsupervised Representation Learning with "
            "Deep Convolutional GANs' (sec. 4: Adam, lr 0.0002, beta_1 0.5)",
            description="The classic setting (and the classic Keras MNIST GAN's); BCE losses.",
        ),
        "ttur": Preset(
            name="ttur",
            g_learning_rate=1e-4,
            d_learning_rate=4e-4,
            beta_1=0.0,
            beta_2=0.9,
            d_steps=1,
            loss="hinge",
            penalty=None,
            source="Heusel et al. 2017, 'GANs Trained by a Two Time-Scale Update Rule Converge "
            "to a Local Nash Equilibrium' (TTUR); rates and betas as applied by Zhang et al. "
            "2019, 'Self-Attention GANs' (D 0.0004, G 0.0001, Adam beta_1 0, beta_2 0.9)",
            description="Two time scales: a faster discriminator instead of extra D steps.",
        ),
        "wgan_gp": Preset(
            name="wgan_gp",
            g_learning_rate=1e-4,
            d_learning_rate=1e-4,
            beta_1=0.0,
            beta_2=0.9,
            d_steps=5,
            loss="wasserstein",
            penalty="gp",
            source="Gulrajani et al. 2017, 'Improved Training of Wasserstein GANs' "
            "(Algorithm 1: lr 0.0001, beta_1 0, beta_2 0.9, n_critic 5, lambda 10)",
            description="Wasserstein loss with GradientPenalty(weight=10.0); 5 critic steps.",
        ),
        "sngan": Preset(
            name="sngan",
            g_learning_rate=2e-4,
            d_learning_rate=2e-4,
            beta_1=0.0,
            beta_2=0.9,
            d_steps=5,
            loss="hinge",
            penalty=None,
            source="Miyato et al. 2018, 'Spectral Normalization for GANs' (ResNet "
            "experiments: lr 0.0002, beta_1 0, beta_2 0.9, n_dis 5, hinge loss)",
            description="Spectrally normalized discriminator with the hinge loss; 5 D steps.",
        ),
    }
)
"""Published settings by name; values are frozen :class:`Preset` records."""

PRESET_D_STEPS: MappingProxyType[str, int] = MappingProxyType(
    {name: preset.d_steps for name, preset in PRESETS.items()}
)
"""Published discriminator steps per generator step, by preset name."""


def _check_rate(value: Any, name: str) -> LearningRate:
    if isinstance(value, keras.optimizers.schedules.LearningRateSchedule):
        return value
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(
            f"`{name}` must be a positive number or a LearningRateSchedule. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def _check_beta(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def _pair(
    name: str,
    learning_rate: LearningRate | None,
    g_learning_rate: LearningRate | None,
    d_learning_rate: LearningRate | None,
    beta_1: float | None,
    beta_2: float | None,
    epsilon: float | None,
) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    preset = PRESETS[name]
    if learning_rate is not None and (g_learning_rate is not None or d_learning_rate is not None):
        raise ValueError(
            "Pass either `learning_rate` (both networks) or `g_learning_rate`/"
            f"`d_learning_rate`, not both. Received: learning_rate={learning_rate!r}, "
            f"g_learning_rate={g_learning_rate!r}, d_learning_rate={d_learning_rate!r}"
        )
    if learning_rate is not None:
        g_learning_rate = d_learning_rate = _check_rate(learning_rate, "learning_rate")
    g_rate = preset.g_learning_rate if g_learning_rate is None else g_learning_rate
    d_rate = preset.d_learning_rate if d_learning_rate is None else d_learning_rate
    g_rate = _check_rate(g_rate, "g_learning_rate")
    d_rate = _check_rate(d_rate, "d_learning_rate")
    b1 = _check_beta(preset.beta_1 if beta_1 is None else beta_1, "beta_1")
    b2 = _check_beta(preset.beta_2 if beta_2 is None else beta_2, "beta_2")
    eps = 1e-7 if epsilon is None else epsilon
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
        raise ValueError(f"`epsilon` must be a positive number. Received: epsilon={epsilon!r}")
    g_opt = keras.optimizers.Adam(
        learning_rate=g_rate, beta_1=b1, beta_2=b2, epsilon=float(eps), name="generator_adam"
    )
    d_opt = keras.optimizers.Adam(
        learning_rate=d_rate, beta_1=b1, beta_2=b2, epsilon=float(eps), name="discriminator_adam"
    )
    return g_opt, d_opt


def dcgan(
    *,
    learning_rate: LearningRate | None = None,
    g_learning_rate: LearningRate | None = None,
    d_learning_rate: LearningRate | None = None,
    beta_1: float | None = None,
    beta_2: float | None = None,
    epsilon: float | None = None,
) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """DCGAN preset: Adam, lr 2e-4, beta_1 0.5, beta_2 0.999, 1 D step (Radford et al. 2015).

    Returns a fresh ``(g_optimizer, d_optimizer)`` pair; keyword overrides as in the module
    docstring.

    Example:
        >>> g_opt, d_opt = dcgan()
        >>> print(f"{float(g_opt.learning_rate):.0e}", g_opt.beta_1, d_opt.beta_2)
        2e-04 0.5 0.999
        >>> dcgan()[0] is dcgan()[0]
        False
    """
    return _pair("dcgan", learning_rate, g_learning_rate, d_learning_rate, beta_1, beta_2, epsilon)


def ttur(
    *,
    learning_rate: LearningRate | None = None,
    g_learning_rate: LearningRate | None = None,
    d_learning_rate: LearningRate | None = None,
    beta_1: float | None = None,
    beta_2: float | None = None,
    epsilon: float | None = None,
) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """Two time-scale update rule: G lr 1e-4, D lr 4e-4, Adam betas (0, 0.9), 1 D step.

    Heusel et al. 2017 proposed separate learning rates for the two networks (tuned per data
    set in the paper); these values are the TTUR setting used by Self-Attention GAN (Zhang et
    al. 2019). For BCE losses with BatchNorm models ``beta_1=0.5`` is a common override.

    Example:
        >>> g_opt, d_opt = ttur()
        >>> print(f"{float(g_opt.learning_rate):.0e} {float(d_opt.learning_rate):.0e}")
        1e-04 4e-04
    """
    return _pair("ttur", learning_rate, g_learning_rate, d_learning_rate, beta_1, beta_2, epsilon)


def wgan_gp(
    *,
    learning_rate: LearningRate | None = None,
    g_learning_rate: LearningRate | None = None,
    d_learning_rate: LearningRate | None = None,
    beta_1: float | None = None,
    beta_2: float | None = None,
    epsilon: float | None = None,
) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """WGAN-GP preset: Adam lr 1e-4, betas (0, 0.9), 5 critic steps (Gulrajani et al. 2017).

    Use with ``losses.Wasserstein()``, ``losses.GradientPenalty(weight=10.0)`` and
    ``GANTrainer(d_steps=5)``.

    Example:
        >>> g_opt, d_opt = wgan_gp(learning_rate=5e-5)
        >>> print(f"{float(d_opt.learning_rate):.0e}", d_opt.beta_1, d_opt.beta_2)
        5e-05 0.0 0.9
    """
    return _pair(
        "wgan_gp", learning_rate, g_learning_rate, d_learning_rate, beta_1, beta_2, epsilon
    )


def sngan(
    *,
    learning_rate: LearningRate | None = None,
    g_learning_rate: LearningRate | None = None,
    d_learning_rate: LearningRate | None = None,
    beta_1: float | None = None,
    beta_2: float | None = None,
    epsilon: float | None = None,
) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """SN-GAN preset: Adam lr 2e-4, betas (0, 0.9), 5 D steps (Miyato et al. 2018).

    The setting of the paper's ResNet experiments (hinge loss). Its CNN experiments also
    report a 1-step setting ("B": lr 1e-4, betas 0.5/0.999, n_dis 1): use
    ``sngan(learning_rate=1e-4, beta_1=0.5, beta_2=0.999)`` with ``GANTrainer(d_steps=1)``.

    Example:
        >>> g_opt, d_opt = sngan()
        >>> print(f"{float(g_opt.learning_rate):.0e}", g_opt.beta_1, PRESET_D_STEPS["sngan"])
        2e-04 0.0 5
    """
    return _pair("sngan", learning_rate, g_learning_rate, d_learning_rate, beta_1, beta_2, epsilon)


PRESET_FUNCTIONS: Registry[Callable[..., tuple[keras.optimizers.Adam, keras.optimizers.Adam]]] = (
    Registry("optimizer preset")
)
"""The preset functions by name (`ganlib.registry.Registry`; case, `-` and `_` ignored)."""
for _name, _function in (("dcgan", dcgan), ("ttur", ttur), ("wgan_gp", wgan_gp), ("sngan", sngan)):
    PRESET_FUNCTIONS.register(_function, _name)


def get(name: str, **overrides: Any) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """A fresh ``(g_optimizer, d_optimizer)`` pair from a preset name and keyword overrides.

    Names: ``"dcgan"``, ``"ttur"``, ``"wgan_gp"``, ``"sngan"`` (case and ``-``/``_`` ignored).
    An unknown override raises ``TypeError``.

    Example:
        >>> g_opt, d_opt = get("wgan-gp", d_learning_rate=3e-4)
        >>> print(f"{float(d_opt.learning_rate):.0e}")
        3e-04
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a preset name (a string). Received: name={name!r}")
    return PRESET_FUNCTIONS.lookup(name.strip())(**overrides)
