"""MNIST recall: discriminator rejection sampling at latent temperatures (issue 12, session 15).

Scores a `ganlib train mnist` run folder, one process on one thread. For every latent
temperature t (`--temperature`), `--n` plain samples of the run's sampling generator (its
`generator.keras`: EMA weights, re-estimated BatchNorm statistics, the InfoGAN latent mapping)
at t, then as many drawn through DRS (`ganlib.sampling.DiscriminatorRejectionSampler`) from
that same tempered generator, with the run's discriminator (its adversarial logit, the first
output) as trained (`--refine 0`) or refined that many steps against the tempered generator
(`ganlib.sampling.refine_discriminator`), calibrated (Platt) on 5,000 real images against
5,000 samples, at every shift `--gamma`. MNIST here is the 10,000-image test split, which the
run trained on: refinement and calibration see the training images (there is no held-out
set), as the scoring does.

    python benchmarks/mnist_rejection.py runs/m0 --temperature 1.15,1.3,1.45 --refine 0,2000

Output: one JSON line per scored sample set (FID, precision, recall, classifier score and class
coverage, as `mnist_recipe.py`; `accepted`: DRS's share of proposals kept), or a `gave_up` line
where DRS kept fewer than 1 in `MAX_PROPOSALS` proposals.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from _mnist_variants import adversarial_logit

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
CALIBRATION = 5000
"""Real images and generated samples each for the Platt calibration."""
MAX_PROPOSALS = 30
"""A DRS row gives up after this many proposals per sample (acceptance under 1/30)."""


def _row(evaluator: Any, samples: np.ndarray, **extra: Any) -> None:
    from _quality_mnist import score_samples

    start = time.process_time()
    values = score_samples(evaluator, samples)
    values = {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}
    values["shares"] = [round(float(v), 4) for v in values["shares"]]
    extra["score_cpu_s"] = round(time.process_time() - start)
    print(json.dumps({**extra, **values}), flush=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("run_dir", help="a folder written by `ganlib train mnist`")
    p.add_argument("--temperature", default="1.15,1.3,1.45", help="latent scales t")
    p.add_argument("--refine", default="0,2000", help="D refinement steps (0: as trained)")
    p.add_argument("--gamma", default="0", help="DRS shifts of the acceptance logit")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0, help="noise seed of samples and refinement")
    p.add_argument("--no-plain", action="store_true", help="skip the rows without DRS")
    args = p.parse_args(argv)
    from mnist_recipe import _one_thread

    _one_thread()

    from ganlib import data, metrics
    from ganlib.cli.config import RunConfig
    from ganlib.cli.sample import load_generator, restore_trainer
    from ganlib.sampling import (
        DiscriminatorRejectionSampler,
        generator_proposal,
        refine_discriminator,
        with_temperature,
    )

    folder = Path(args.run_dir)
    x = np.asarray(data.load_mnist(), dtype="float32")
    evaluator = metrics.Evaluator(x, n=args.n, metrics="fid,pr,score", keep=args.n)
    generator, _, source = load_generator(folder)
    trainer, checkpoint = restore_trainer(folder, RunConfig.load(folder))
    judge = adversarial_logit(trainer.discriminator)
    real = x[np.random.default_rng([args.seed, 0]).permutation(len(x))[:CALIBRATION]]
    base = {"run": folder.name, "generator": source.name, "checkpoint": checkpoint.name}
    for t in (float(v) for v in args.temperature.split(",")):
        propose = generator_proposal(with_temperature(generator, t), batch_size=1000)
        if not args.no_plain:
            _row(evaluator, propose(args.n, np.random.default_rng([args.seed, 1])), **base, t=t)
        for refine in (int(v) for v in args.refine.split(",")):
            start = time.process_time()
            d = judge
            if refine > 0:
                d = refine_discriminator(judge, x, propose, steps=refine, seed=args.seed)
            limit = MAX_PROPOSALS * args.n
            sampler = DiscriminatorRejectionSampler(d, batch_size=1000, max_proposals=limit)
            sampler.calibrate(real, propose(CALIBRATION, np.random.default_rng([args.seed, 2])))
            extra = {"t": t, "refine": refine, "refine_cpu_s": round(time.process_time() - start)}
            for gamma in (float(v) for v in args.gamma.split(",")):
                start, sampler.gamma = time.process_time(), gamma
                try:
                    samples = sampler.sample(propose, args.n, seed=args.seed)
                except RuntimeError as error:  # fewer than 1 in MAX_PROPOSALS accepted
                    print(
                        json.dumps({**base, **extra, "gamma": gamma, "gave_up": str(error)}),
                        flush=True,
                    )
                    continue
                rate = round(float(sampler.acceptance_rate or 0.0), 4)
                cpu = round(time.process_time() - start)
                _row(evaluator, samples, **base, **extra, gamma=gamma, accepted=rate, drs_cpu_s=cpu)


if __name__ == "__main__":
    main()
