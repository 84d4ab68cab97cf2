"""Mode-seeking regularization (Mao et al. 2019, MSGAN) on the MNIST recipe (issue 12).

Benchmark only: an `InfoGANTrainer` subclass that `benchmarks/_mnist_variants.py` builds for the
``msN`` tokens (with ``info``). Its generator also minimises

    weight * 1 / (mean|G(z1) - G(z2)| / mean|z1 - z2| + eps),    eps = 1e-5

the paper's ratio of image distance to latent distance, over the pairs (row i, row i + b/2) of
the generator's own batch of b (no extra generator pass; an odd last row is left out). The means
run over all pairs and all entries; ``z`` is the incompressible noise as the generator receives
it (the entries after the codes, times `noise_scale`), not the code. With ``share_codes`` (the
``msN`` tokens) the second half of every training noise draw takes the first half's categorical
code, so each pair differs in the noise only and the term asks for variety *within* a code, as
the paper's conditional pairs (same condition, two latents) do; each half's code stays uniform,
and the discriminator's generated batches are drawn the same way (pairs of equal codes). The
``msuN`` tokens leave the codes independent (9 pairs in 10 then differ in class too).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from ganlib.auxiliary_trainers import InfoGANTrainer

#: Tokens: weight of the term and whether the pairs share their categorical code.
TOKENS = {"ms1": (1.0, True), "ms03": (0.3, True), "ms3": (3.0, True), "msu1": (1.0, False)}
#: The paper's epsilon in the denominator.
EPS = 1e-5


def mode_seeking_term(images: Any, noise: Any, eps: float = EPS) -> tuple[Any, Any]:
    """``(1 / (ratio + eps), ratio)`` with ``ratio = mean|x1 - x2| / mean|z1 - z2|`` over the
    pairs (row i, row i + b // 2) of `images` and `noise` (batch-first, b rows each)."""
    h = tf.shape(images)[0] // 2
    x = tf.cast(images, "float32")
    z = tf.cast(noise, "float32")
    image_distance = tf.reduce_mean(tf.abs(x[:h] - x[h : 2 * h]))
    noise_distance = tf.reduce_mean(tf.abs(z[:h] - z[h : 2 * h]))
    ratio = image_distance / noise_distance
    return 1.0 / (ratio + eps), ratio


class _Latent:
    """Plain holder for the last `generate` call's latent (not tracked by Keras)."""

    z: Any = None


class ModeSeekingInfoGANTrainer(InfoGANTrainer):
    """`InfoGANTrainer` whose G loss adds `mode_seeking_weight` times `mode_seeking_term` on
    the halves of its batch; logs the ratio as ``g_ms_ratio``. `share_codes`: each training
    noise draw's second half repeats the first half's categorical code (module docstring)."""

    def __init__(
        self,
        *args: Any,
        mode_seeking_weight: float = 1.0,
        share_codes: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not float(mode_seeking_weight) >= 0:
            raise ValueError(f"`mode_seeking_weight` must be >= 0. Received: {mode_seeking_weight}")
        self.mode_seeking_weight = float(mode_seeking_weight)
        self.share_codes = bool(share_codes)
        self._latent = _Latent()
        self.track_metric("g_ms_ratio")

    def _noise(self, batch: tf.Tensor, rows: Any = None) -> tf.Tensor:
        """The trainer's draw; with `share_codes`, rows b/2.. take rows 0..'s code entries."""
        z = super()._noise(batch, rows)
        if not self.share_codes:
            return z
        h, k = tf.shape(z)[0] // 2, self.num_categories
        codes = tf.concat([z[:h, :k], z[:h, :k], z[2 * h :, :k]], axis=0)
        return tf.concat([codes, z[:, k:]], axis=1)

    def generate(self, z: tf.Tensor, labels: Any = None, training: bool = True) -> Any:
        """`InfoGANTrainer.generate`, remembering `z` for the next `generator_loss`."""
        self._latent.z = z
        return super().generate(z, labels, training)

    def generator_loss(
        self,
        fake: tf.Tensor,
        labels: tf.Tensor | None = None,
        real: tf.Tensor | None = None,
        real_labels: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """InfoGAN's G loss plus the weighted mode-seeking term on `fake` and its noise."""
        loss, logs = super().generator_loss(fake, labels, real, real_labels)
        codes = self.num_categories + self.num_continuous
        noise = self._latent.z[:, codes:] * self.noise_scale
        term, ratio = mode_seeking_term(fake, noise)
        return loss + self.mode_seeking_weight * term, {**logs, "g_ms_ratio": ratio}


def trainer(token: str, *args: Any, **kwargs: Any) -> ModeSeekingInfoGANTrainer:
    """`ModeSeekingInfoGANTrainer` for `token` (`TOKENS`), other arguments as InfoGANTrainer's."""
    weight, share = TOKENS[token]
    return ModeSeekingInfoGANTrainer(*args, mode_seeking_weight=weight, share_codes=share, **kwargs)
