"""MNIST recipe variants named by tokens (issue 12): parse a variant and build its trainer.

Used by `benchmarks/_mnist_conv.py` (the `speed`, `run` and `truncate` jobs of
`benchmarks/mnist_recipe.py`). A variant is a `+`-joined list of tokens, the first naming the
pair, the rest one change each:

    mlp    the README pair: MLPGenerator/MLPDiscriminator, NonSaturating(real_label=0.9)
    dcN    DCGANGenerator/DCGANDiscriminator with base_filters=N (BatchNorm), NonSaturating()
    paper  Chen et al. 2016's InfoGAN networks (`ganlib.models.infogan`) at issue 15's widths:
           latent 74, base_filters 32, hidden 256 (Q head 64 with ``info``), NonSaturating()
    aug    DiffAugment("translation,cutout")     augc  DiffAugment("color,translation,cutout")
    augt   DiffAugment("translation") (no cutout: a cut real digit has broken strokes too)
    upc    dcN generator blocks: nearest 2x upsampling + 3x3 conv instead of transposed conv
    d2x    dcN discriminator with twice the generator's base_filters
    ls     one-sided label 0.9 (the dcN and paper pairs)   hinge Hinge loss
    r1     R1Penalty(1.0) (`r1x10`: weight 10); with info it differentiates the sum of D's 11
           outputs, Q's code logits included
    r1a    R1Penalty(1.0) on column 0 of D's output (the adversarial logit) alone
    mbstd  minibatch-stddev in D (mlp, dcN: before the logit; paper: before the adversarial
           logit only, Q reads the shared features without it)
    pk2    (mlp, dcN) packing, PacGAN2: D judges pairs of samples (`pack=2` on D's builder
           and on `GANTrainer`)
    b64    batch 64                              b0    Adam betas (0, 0.99)
    ttur   G lr 1e-4, D lr 4e-4                  lr1   G and D lr 1e-4
    glr3   G lr 1e-3 (D 2e-4: issue 15's InfoGAN rates)
    decay  learning rates decay linearly to 0 over the run
    info   (paper only) `InfoGANTrainer`: a 10-way categorical code in the first 10 latent
           entries, Q's code loss at weight 1, the other noise scaled by 0.5; the code is drawn
           at random when sampling, so the generator stays unconditional
    ns1    (with info) the other noise at scale 1.0 instead of 0.5
    iwNN   (with info) Q's code loss at weight 0.N (`InfoGANTrainer(info_weight=...)`, for G
           and Q alike): ``iw05`` 0.5, ``iw03`` 0.3, ``iw01`` 0.1 (session 12: does the
           information term cost within-class variety?)
    cont2  (with info) two continuous codes (N(0, 1), latent entries 10-11) besides the 10-way
           code, as in Chen et al. 2016: Q (12 outputs) regresses them at unit variance, so G
           must map them to visible variation; they are drawn at random when sampling
    gw2    (paper only) the generator at twice issue 15's widths: base_filters 64, hidden 512
           (D unchanged at 32 / 256)
    gwp    (paper only) the paper's generator widths: base_filters 64, hidden 1024 (D unchanged)
    dlr4   D lr 4e-4 (with glr3: G 1e-3, D twice issue 15's 2e-4)
    d2     two D updates per step (`GANTrainer(d_steps=2)`: the same real batch, fresh noise)
    nojit  compile without XLA (still 8 steps per execution)
    ms1    (with info) mode-seeking term (Mao et al. 2019) at weight 1 on G, pairs sharing
           their code (`benchmarks/_mnist_modeseek.py`); ``ms03`` 0.3, ``ms3`` 3, ``msu1``
           weight 1 with independent codes
    scK    (paper only, not with info) self-conditioning on K k-means clusters of the real
           images (``sc10``, ``sc30``, ``sc50``, ``sc100``): AC-GAN on the cluster indices,
           clusters of generated images drawn from the clusters' frequencies
           (`_mnist_selfcond.py`; train and score with `benchmarks/mnist_selfcond.py`, which
           passes the cluster labels);
           ``scpK``: D's logit conditioned on the cluster by projection, no classifier
    nnW    (with info) nearest-neighbour coverage term at weight W on G: each real image of
           the batch pulls its nearest generated image closer (after IMLE;
           `benchmarks/_mnist_cover.py`): ``nn1``, ``nn3``, ``nn10``, ``nn30``; ``nn3p1``
           weight 3 with one extra batch of generated images in the pool, ``nn10p3`` weight
           10 with three
"""

from __future__ import annotations

from functools import partial
from typing import Any

from _mnist_cover import TOKENS as _NN_TOKENS
from _mnist_cover import trainer as _nn_trainer
from _mnist_modeseek import TOKENS as _MS_TOKENS
from _mnist_modeseek import trainer as _ms_trainer

PAIRS = ("mlp", "dc8", "dc16", "dc24", "dc32", "dc64", "paper")
TOKENS = (
    *("aug", "augc", "augt", "upc", "d2x", "ls", "hinge", "r1", "r1x10", "r1a", "mbstd"),
    *("b64", "b0", "ttur", "lr1", "glr3", "decay", "info", "ns1", "nojit"),
    *("iw03", "iw01", "iw05", "cont2"),
    *("gw2", "gwp", "dlr4", "d2"),
    *_MS_TOKENS,
    *_NN_TOKENS,
    *("sc10", "sc30", "sc50", "sc100", "scp10", "scp30", "scp50", "scp100"),
    "pk2",
)
#: Self-conditioning tokens (`_mnist_selfcond.py`) and their numbers of clusters.
_SELFCOND = {f"{kind}{k}": k for kind in ("sc", "scp") for k in (10, 30, 50, 100)}
#: Tokens that only make sense with `InfoGANTrainer` (the ``info`` token).
_INFO_ONLY = {"ns1", "iw03", "iw01", "iw05", "cont2", *_MS_TOKENS, *_NN_TOKENS}
#: Tokens that change the dcN networks' structure, or need `ganlib.models.infogan`'s Q head.
_DC_ONLY = {"upc", "d2x", "pk2"}
#: Generator widths ``(base_filters, hidden_units)`` of the paper pair's width tokens.
_G_WIDTHS = {"gw2": (64, 512), "gwp": (64, 1024)}
#: Issue 15's InfoGAN widths (`benchmarks/_translation_infogan.py --arch paper`).
PAPER = {"latent": 74, "filters": 32, "hidden": 256, "q_hidden": 64, "noise_scale": 0.5}


def parse(variant: str) -> tuple[str, set[str]]:
    """``"dc16+aug+ls"`` -> ``("dc16", {"aug", "ls"})``; unknown tokens are an error."""
    pair, *changes = variant.split("+")
    if pair not in PAIRS or any(t not in TOKENS for t in changes):
        raise ValueError(f"unknown variant {variant!r}: pairs {PAIRS}, tokens {TOKENS}")
    t = set(changes)
    wrong = t & _DC_ONLY if pair == "paper" else t & {"info", *_G_WIDTHS}
    if wrong or (t & _INFO_ONLY and "info" not in t):
        raise ValueError(
            f"{variant!r}: upc, d2x, pk2 are not for paper; info, gw2, gwp are paper only; "
            f"{sorted(_INFO_ONLY)} need info"
        )
    extras = len(t & _MS_TOKENS.keys()) + len(t & _NN_TOKENS.keys())
    if len(t & {"iw03", "iw01", "iw05"}) > 1 or extras > 1:
        raise ValueError(f"{variant!r}: one info weight at most, one ms or nn token at most")
    if t & _SELFCOND.keys() and (
        pair != "paper" or len(t & {"info", "mbstd", *_G_WIDTHS, *_SELFCOND}) > 1
    ):
        raise ValueError(f"{variant!r}: one scK token, paper only, not with info/mbstd/gw*")
    return pair, t


def batch_size(variant: str) -> int:
    """128, or 64 with the ``b64`` token."""
    return 64 if "b64" in parse(variant)[1] else 128


def networks(pair: str, t: set[str]) -> tuple[Any, Any, float]:
    """Generator, discriminator and the real label of `pair` with the tokens `t`."""
    from ganlib import models

    pack = 2 if "pk2" in t else 1  # `parse` allows pk2 with mlp and dcN only
    if pair == "mlp":
        g = models.MLPGenerator(latent_dim=100, output_shape=(28, 28, 1)).build()
        d = models.MLPDiscriminator((28, 28, 1), minibatch_stddev="mbstd" in t, pack=pack)
        return g, d.build(), 0.9
    label = 0.9 if "ls" in t else 1.0
    if pair == "paper" and t & _SELFCOND.keys():
        from _mnist_selfcond import networks as selfcond_networks

        sizes = (PAPER["filters"], PAPER["hidden"], PAPER["q_hidden"])
        sc = min(t & _SELFCOND.keys())
        return (*selfcond_networks(_SELFCOND[sc], *sizes, sc.startswith("scp")), label)
    if pair == "paper":
        q_outputs = 12 if "cont2" in t else 10
        widths = [_G_WIDTHS[k] for k in sorted(t & _G_WIDTHS.keys())]
        if len(widths) > 1:
            raise ValueError(f"one generator width token at a time. Received: {sorted(t)}")
        g_widths = widths[0] if widths else None
        nets = paper_networks("info" in t, "mbstd" in t, q_outputs=q_outputs, g_widths=g_widths)
        return (*nets, label)
    width = int(pair[2:])
    g_class = _upsample_conv_generator() if "upc" in t else models.DCGANGenerator
    g = g_class(latent_dim=100, base_filters=width).build()
    d_width = 2 * width if "d2x" in t else width
    d = models.DCGANDiscriminator(
        base_filters=d_width, minibatch_stddev="mbstd" in t, pack=pack
    ).build()
    return g, d, label


def paper_networks(
    info: bool,
    mbstd: bool = False,
    q_outputs: int = 10,
    g_widths: tuple[int, int] | None = None,
) -> tuple[Any, Any]:
    """`InfoGANGenerator` / `InfoGANDiscriminator` at `PAPER`'s widths; with `info` D has the
    Q head (`q_outputs`: 10 code logits, plus 2 means with ``cont2``), otherwise only the
    adversarial logit (an unconditional GAN's D); `mbstd`: `minibatch_stddev=True` (the
    statistic enters the adversarial logit); `g_widths`: the generator's ``(base_filters,
    hidden_units)`` instead of `PAPER`'s."""
    from ganlib.models.infogan import InfoGANDiscriminator, InfoGANGenerator

    class LogitOnly(InfoGANDiscriminator):
        """The paper's D without Q: ``head`` is the adversarial ``Dense(1)`` alone."""

        def head(self, x: Any, labels: Any = None) -> Any:
            return self._logit(self._adversarial_features(x), labels)

    g_filters, g_hidden = g_widths or (PAPER["filters"], PAPER["hidden"])
    g = InfoGANGenerator(PAPER["latent"], base_filters=g_filters, hidden_units=g_hidden).build()
    d_class = InfoGANDiscriminator if info else LogitOnly
    d = d_class(
        extra_outputs=q_outputs,
        base_filters=PAPER["filters"],
        hidden_units=PAPER["hidden"],
        q_hidden_units=PAPER["q_hidden"],
        minibatch_stddev=mbstd,
    ).build()
    return g, d


def build(variant: str, seed: int, steps: int) -> Any:
    """A compiled GANTrainer for `variant` (`steps`: the run's length, for ``decay``)."""
    import keras

    from ganlib import GANTrainer, augment, losses, optimizers
    from ganlib.auxiliary_trainers import InfoGANTrainer

    pair, t = parse(variant)
    keras.utils.set_random_seed(seed)
    g, d, label = networks(pair, t)
    loss = losses.Hinge() if "hinge" in t else losses.NonSaturating(real_label=label)
    extra: dict[str, Any] = {}
    policies = {
        "aug": "translation,cutout",
        "augc": "color,translation,cutout",
        "augt": "translation",
    }
    for token, policy in policies.items():
        if token in t:
            extra["augment"] = augment.DiffAugment(policy)
    if "r1" in t or "r1x10" in t:
        extra["penalties"] = [losses.R1Penalty(10.0 if "r1x10" in t else 1.0)]
    if "r1a" in t:
        extra["penalties"] = [_logit_r1(d, 1.0)]
    if "d2" in t:
        extra["d_steps"] = 2
    if "pk2" in t:
        extra["pack"] = 2
    if t & _SELFCOND.keys():
        from _mnist_selfcond import clusters, trainer_class

        sc = min(t & _SELFCOND.keys())
        cls = trainer_class(sc.startswith("scp"))
        trainer: Any = cls(g, d, clusters(_SELFCOND[sc])[1], loss=loss, seed=seed, **extra)
    elif "info" in t:
        weights = {"iw03": 0.3, "iw01": 0.1, "iw05": 0.5}
        ms = next(iter(t & _MS_TOKENS.keys()), None)  # parse allows one ms or nn token
        nn = next(iter(t & _NN_TOKENS.keys()), None)
        info_class: Any = (
            partial(_ms_trainer, ms) if ms else partial(_nn_trainer, nn) if nn else InfoGANTrainer
        )
        trainer = info_class(
            g, d, loss=loss, num_categories=10, seed=seed,
            num_continuous=2 if "cont2" in t else 0,
            info_weight=next((w for k, w in weights.items() if k in t), 1.0),
            noise_scale=1.0 if "ns1" in t else PAPER["noise_scale"], **extra,
        )  # fmt: skip
    else:
        trainer = GANTrainer(g, d, loss=loss, seed=seed, **extra)
    g_lr, d_lr = (1e-4, 4e-4) if "ttur" in t else (1e-4, 1e-4) if "lr1" in t else (2e-4, 2e-4)
    if "glr3" in t:
        g_lr = 1e-3
    if "dlr4" in t:
        d_lr = 4e-4
    rates: list[Any] = [g_lr, d_lr]
    if "decay" in t:
        rates = [keras.optimizers.schedules.PolynomialDecay(r, steps, r * 0.01) for r in rates]
    betas = {"beta_1": 0.0, "beta_2": 0.99} if "b0" in t else {}
    opts = optimizers.dcgan(g_learning_rate=rates[0], d_learning_rate=rates[1], **betas)
    trainer.compile(*opts, jit_compile="nojit" not in t, steps_per_execution=8)
    return trainer


def adversarial_logit(discriminator: Any) -> Any:
    """A model of `discriminator`'s first output column alone, through its own layers (the
    InfoGAN D also returns Q's codes): what R1 on the logit and the DRS samplers judge with."""
    import keras

    return keras.Model(discriminator.input, discriminator.output[:, :1])


def _logit_r1(discriminator: Any, weight: float) -> Any:
    """`R1Penalty(weight)` on column 0 of `discriminator`'s output (the adversarial logit)
    alone: the penalty differentiates the sum of the outputs it is given."""
    from ganlib import losses

    logit = adversarial_logit(discriminator)

    class LogitR1(losses.R1Penalty):
        def __call__(self, d: Any, real: Any, fake: Any, labels: Any = None, **kw: Any) -> Any:
            return super().__call__(logit, real, fake, labels, **kw)

    return LogitR1(weight)


def _upsample_conv_generator() -> Any:
    """`DCGANGenerator` whose blocks are ``UpSampling2D(2) -> Conv2D(width, 3) -> BN -> ReLU``.

    Nearest-neighbour upsampling then a 3x3 convolution has no transposed convolution's uneven
    kernel overlap (checkerboard); per block it costs ~2.25x the transposed conv's FLOPs.
    """
    import keras

    from ganlib import models
    from ganlib.models import layers

    class UpsampleConvGenerator(models.DCGANGenerator):
        def block(self, x: Any, width: int, index: int) -> Any:
            x = keras.layers.UpSampling2D(2, name=f"upsample_{index}")(x)
            x = layers.conv2d(width, 3, use_bias=not self.batch_norm, name=f"conv_{index}")(x)
            return self._norm_act(x, str(index))

    return UpsampleConvGenerator
