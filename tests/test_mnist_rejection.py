"""`benchmarks/mnist_rejection.py`: DRS on a `ganlib train mnist` run (issue 12, session 15).

The scored rows are in docs/benchmarks.md; here, the piece it adds to the samplers: the
InfoGAN discriminator's adversarial logit as a one-output model they can judge with
(`_mnist_variants.adversarial_logit`, which R1 on the logit uses too).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from mnist_rejection import adversarial_logit


def test_adversarial_logit_is_the_first_output_and_shares_the_weights() -> None:
    from ganlib.models.infogan import InfoGANDiscriminator
    from ganlib.sampling import DiscriminatorRejectionSampler

    d = InfoGANDiscriminator(extra_outputs=10, base_filters=8, hidden_units=16).build()
    logit = adversarial_logit(d)
    x = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    full = d(x, training=False).numpy()
    assert full.shape == (6, 11) and logit.output_shape == (None, 1)
    np.testing.assert_array_equal(logit(x, training=False).numpy(), full[:, :1])
    assert {id(v) for v in logit.weights} <= {id(v) for v in d.weights}  # no copy
    # one logit per sample: what DRS needs (the full D's 11 outputs are refused)
    assert DiscriminatorRejectionSampler(logit).logits(x).shape == (6,)
