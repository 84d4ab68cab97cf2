"""The sampling options `ganlib sample` and `ganlib evaluate` share (private)."""

from __future__ import annotations

from typing import Any

from ganlib.cli.argtypes import positive_float


def add_sampling_options(p: Any) -> None:
    """`--rejection`, `--gamma` (discriminator-driven sampling), `--temperature` and `--mix`
    on `p`."""
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
