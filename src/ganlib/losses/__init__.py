"""GAN losses, penalties and loss objects.

Every loss is a plain function of discriminator outputs (logits by default; probabilities
with ``from_logits=False`` where it applies), casts inputs to float32 and returns the batch
mean, a float32 scalar; ``reduction="none"`` returns per-example values of shape ``(batch,)``
(sum them and divide by the global batch size under ``tf.distribute``). Loss objects
(:class:`GANLoss` subclasses) bundle a generator/discriminator pair with its settings and are
what ``GANTrainer`` takes; penalty objects (:class:`Penalty`) carry their weight.

Example:
    >>> from ganlib import losses
    >>> loss = losses.NonSaturating(real_label=0.9)  # one-sided label smoothing
    >>> d_loss = loss.discriminator([[2.0], [1.0]], [[-2.0], [0.5]])
    >>> g_loss = loss.generator([[-2.0], [0.5]])
    >>> losses.get(losses.serialize(loss)) == loss
    True
"""

from __future__ import annotations

from ganlib.losses.adapters import adapt_loss, adapt_penalty, check_loss, check_penalty
from ganlib.losses.auxiliary import (
    acgan_discriminator_loss,
    acgan_generator_loss,
    mutual_information_penalty,
)
from ganlib.losses.functional import (
    hinge_discriminator_loss,
    hinge_generator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_discriminator_loss,
    non_saturating_generator_loss,
    relativistic_average_discriminator_loss,
    relativistic_average_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from ganlib.losses.lazy import lazy_penalty
from ganlib.losses.objects import (
    GANLoss,
    Hinge,
    LeastSquares,
    Minimax,
    NonSaturating,
    RelativisticAverage,
    Wasserstein,
)
from ganlib.losses.penalties import (
    GradientPenalty,
    Penalty,
    R1Penalty,
    R2Penalty,
    gradient_penalty,
    r1_penalty,
    r2_penalty,
)
from ganlib.losses.reconstruction import (
    combine_adversarial_loss,
    cycle_consistency_loss,
    identity_loss,
    l1_loss,
    l2_loss,
)
from ganlib.losses.registry import get, get_penalty, register, serialize

__all__ = [
    "GANLoss",
    "GradientPenalty",
    "Hinge",
    "LeastSquares",
    "Minimax",
    "NonSaturating",
    "Penalty",
    "R1Penalty",
    "R2Penalty",
    "RelativisticAverage",
    "Wasserstein",
    "acgan_discriminator_loss",
    "acgan_generator_loss",
    "adapt_loss",
    "adapt_penalty",
    "check_loss",
    "check_penalty",
    "combine_adversarial_loss",
    "cycle_consistency_loss",
    "get",
    "get_penalty",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "identity_loss",
    "l1_loss",
    "l2_loss",
    "lazy_penalty",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "mutual_information_penalty",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "r1_penalty",
    "r2_penalty",
    "register",
    "relativistic_average_discriminator_loss",
    "relativistic_average_generator_loss",
    "serialize",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
