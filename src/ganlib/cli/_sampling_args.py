"""The sampling options `ganlib sample` and `ganlib evaluate` share (private)."""

from __future__ import annotations

from typing import Any

from ganlib.cli.argtypes import non_negative_float, positive_float, positive_int

BANK_SPREAD = 0.45
"""`--bank-spread`'s default (docs/benchmarks.md, "MNIST recall: sampling around inverted
latents (session 17)")."""
BANK_STEPS = 400
"""`--bank-steps`' default: Adam steps per image of the inversion
(`ganlib.sampling.invert_latents`)."""


def add_sampling_options(p: Any) -> None:
    """`--rejection`, `--gamma` (discriminator-driven sampling), `--temperature`, `--mix`,
    `--bank`, `--bank-spread` and `--bank-steps` on `p`."""
    p.add_argument(
        "--rejection",
        choices=("drs", "mh", "none"),
        help="discriminator-driven sampling from the latest checkpoint: rejection sampling "
        "(drs) or Metropolis-Hastings (mh), the discriminator calibrated on held-out data; "
        "none: plain samples (default: the run's --rejection, see ganlib train; ring/grid "
        "runs only for evaluate)",
    )
    p.add_argument(
        "--gamma",
        type=float,
        metavar="G",
        help="with --rejection drs: shift of the acceptance logit; > 0 keeps fewer samples "
        "(the run's --rejection-gamma, else 0)",
    )
    p.add_argument(
        "--temperature",
        type=positive_float,
        metavar="T",
        default=None,
        help="scale the latent noise by T: > 1 more variety, < 1 more fidelity (the run's "
        "--sample-temperature, else 1)",
    )
    p.add_argument(
        "--mix",
        nargs="+",
        metavar="RUN",
        default=None,
        help="draw each sample from RUN_DIR's generator or one of these runs', with equal "
        "odds: a mixture of runs trained from different seeds covers more of the data than "
        "one (ganlib.models.generator_mixture); plain samples of runs of the same data",
    )
    p.add_argument(
        "--bank",
        action="store_true",
        help="sample around latents inverted from the run's training data "
        "(ganlib.models.generator_with_bank): the first --bank on a run inverts the data, "
        "several minutes, and saves RUN_DIR/latent-bank.npz for later calls; temperature 1 "
        "unless --temperature is given; plain samples of unconditional runs",
    )
    p.add_argument(
        "--bank-spread",
        type=non_negative_float,
        metavar="S",
        default=BANK_SPREAD,
        help=f"with --bank: scale of the N(0, I) noise added to a stored latent; 0 gives the "
        f"training images' reconstructions (default {BANK_SPREAD:g})",
    )
    p.add_argument(
        "--bank-steps",
        type=positive_int,
        metavar="N",
        default=BANK_STEPS,
        help=f"with --bank, when RUN_DIR/latent-bank.npz does not exist yet: Adam steps of "
        f"the inversion per image (default {BANK_STEPS})",
    )
