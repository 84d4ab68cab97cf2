"""`benchmarks/_mnist_variants.py`: the token grammar of the MNIST recipe runs (issue 12) and
the InfoGAN paper pair it builds (`paper`, `paper+info`, `paper+info+ns1`, `+mbstd`,
`+iw03`, `+cont2`, `+gw2`, `+dlr4`, `+d2`) and the `pk2` packing token.

Model builds only (no training, no XLA): the trained rows are in docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _mnist_variants as variants


def test_parse_splits_pair_and_tokens() -> None:
    assert variants.parse("paper+info+b64+glr3") == ("paper", {"info", "b64", "glr3"})
    assert variants.batch_size("paper+info+b64") == 64
    assert variants.batch_size("mlp+aug") == 128


@pytest.mark.parametrize(
    "variant",
    [
        *("dc16+info", "mlp+info", "paper+upc", "paper+d2x", "paper+xyz", "paper+ns1"),
        *("paper+iw03", "paper+cont2", "paper+info+iw03+iw01", "dc16+gw2", "mlp+gwp"),
    ],
)
def test_parse_rejects_tokens_the_pair_cannot_take(variant: str) -> None:
    with pytest.raises(ValueError, match=r"paper|unknown|one info weight"):
        variants.parse(variant)


def test_paper_pair_has_the_q_head_only_with_info() -> None:
    g, d = variants.paper_networks(info=False)
    assert g.input_shape == (None, variants.PAPER["latent"])
    assert g.output_shape == (None, 28, 28, 1)
    assert d.output_shape == (None, 1)
    _, d_info = variants.paper_networks(info=True)
    assert d_info.output_shape == (None, 1 + 10)
    # the shared body is the same network: Q adds its layers on top
    assert d_info.count_params() > d.count_params()


def test_info_variant_builds_an_infogan_trainer_at_issue_15_rates() -> None:
    from ganlib.auxiliary_trainers import InfoGANTrainer

    trainer = variants.build("paper+info+glr3+nojit", seed=0, steps=10)
    assert isinstance(trainer, InfoGANTrainer)
    assert trainer.num_categories == 10
    assert trainer.noise_scale == variants.PAPER["noise_scale"]
    rates = [float(o.learning_rate.numpy()) for o in (trainer.g_optimizer, trainer.d_optimizer)]
    assert rates == pytest.approx([1e-3, 2e-4])
    plain = variants.build("paper+nojit", seed=0, steps=10)
    assert not isinstance(plain, InfoGANTrainer)


def test_ns1_sets_the_infogan_noise_scale_to_one() -> None:
    assert variants.PAPER["noise_scale"] == 0.5  # the default the token changes
    trainer = variants.build("paper+info+ns1+nojit", seed=0, steps=10)
    assert trainer.noise_scale == 1.0


def test_mbstd_puts_the_statistic_before_the_paper_pairs_adversarial_logit() -> None:
    assert variants.parse("paper+info+mbstd") == ("paper", {"info", "mbstd"})
    for info, width in ((True, 1 + 10), (False, 1)):
        _, plain = variants.paper_networks(info=info)
        _, d = variants.paper_networks(info=info, mbstd=True)
        assert d.output_shape == (None, width)
        assert d.get_layer("logit").input is d.get_layer("minibatch_stddev").output
        assert d.get_layer("logit").input.shape == (None, variants.PAPER["hidden"] + 1)
        assert "minibatch_stddev" not in {layer.name for layer in plain.layers}


def test_r1a_penalizes_the_adversarial_logit_alone() -> None:
    import numpy as np
    import tensorflow as tf

    from ganlib.losses.penalties import r1_penalty

    trainer = variants.build("paper+info+r1a+nojit", seed=0, steps=10)
    (penalty,) = trainer.penalties
    d = trainer.discriminator
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32"))
    alone = float(penalty(d, x, x))
    column0 = tf.keras.Model(d.inputs, d.outputs[0][:, :1])
    assert alone == pytest.approx(float(r1_penalty(column0, x)), rel=1e-5)
    assert alone != pytest.approx(float(r1_penalty(d, x)), rel=1e-2)  # what `r1` penalizes


@pytest.mark.parametrize(
    ("token", "weight"), [("", 1.0), ("+iw05", 0.5), ("+iw03", 0.3), ("+iw01", 0.1)]
)
def test_iw_tokens_set_the_info_weight(token: str, weight: float) -> None:
    trainer = variants.build(f"paper+info{token}+nojit", seed=0, steps=10)
    assert trainer.info_weight == weight
    assert trainer.num_continuous == 0


def test_cont2_adds_two_continuous_codes_and_their_q_outputs() -> None:
    import numpy as np

    trainer = variants.build("paper+info+cont2+iw03+nojit", seed=0, steps=10)
    assert (trainer.num_categories, trainer.num_continuous) == (10, 2)
    assert trainer.info_weight == 0.3
    assert trainer.discriminator.output_shape == (None, 1 + 10 + 2)
    x = np.zeros((8, 28, 28, 1), "float32")
    logs = trainer.fit(x, batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(logs["g_info"][0]) and np.isfinite(logs["d_info"][0])


def test_gw_tokens_widen_the_generator_only() -> None:
    base = variants.build("paper+info+nojit", seed=0, steps=10)
    for token, (filters, hidden) in [("gw2", (64, 512)), ("gwp", (64, 1024))]:
        wide = variants.build(f"paper+info+{token}+nojit", seed=0, steps=10)
        g = wide.generator
        assert g.get_layer("fc_0").units == hidden
        assert g.get_layer("upconv_0").filters == filters
        assert g.output_shape == (None, 28, 28, 1)
        assert wide.discriminator.count_params() == base.discriminator.count_params()
    with pytest.raises(ValueError, match="one generator width"):
        variants.build("paper+info+gw2+gwp+nojit", seed=0, steps=10)


def test_dlr4_and_d2_strengthen_the_discriminator() -> None:
    trainer = variants.build("paper+info+glr3+dlr4+nojit", seed=0, steps=10)
    rates = [float(o.learning_rate.numpy()) for o in (trainer.g_optimizer, trainer.d_optimizer)]
    assert rates == pytest.approx([1e-3, 4e-4])
    assert trainer.d_steps == 1
    assert variants.build("paper+info+d2+nojit", seed=0, steps=10).d_steps == 2


@pytest.mark.parametrize("pair", ["dc16", "mlp"])
def test_pk2_packs_pairs_in_the_discriminator_and_the_trainer(pair: str) -> None:
    plain = variants.build(f"{pair}+nojit", seed=0, steps=10)
    packed = variants.build(f"{pair}+pk2+nojit", seed=0, steps=10)
    assert (plain.pack, packed.pack) == (1, 2)
    assert plain.discriminator.input_shape == (None, 28, 28, 1)
    assert packed.discriminator.input_shape == (None, 28, 28, 2)  # two images per judgement
    with pytest.raises(ValueError, match="pk2 are not for paper"):
        variants.parse("paper+pk2")
