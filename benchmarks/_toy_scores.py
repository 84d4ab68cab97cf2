"""How benchmarks/quality.py scores its 2-D runs: discriminator-driven sampling (DRS through
the final or a refined discriminator, the ascent up its logit), the mode scores of each
sampler, and the table beside PacGAN's.

`_quality_toy.run_toy` trains and calls these; nothing here trains the GAN itself.
"""

from __future__ import annotations

from typing import Any

from _common import format_table, mean_se

#: PacGAN (Lin et al. 2018) Table 1: (modes, high-quality %, reverse KL).
PACGAN = {
    "ring": {"GAN": (6.3, 98.2, 0.45), "PacGAN4": (7.8, 95.9, 0.07)},
    "grid": {"GAN": (17.3, 94.8, 0.70), "PacGAN4": (24.8, 93.6, 0.04)},
}


def refined_discriminator(trainer: Any, x: Any, seed: int, steps: int, fresh: bool = False) -> Any:
    """DRS's refinement: a copy of D trained `steps` more on the training data against the
    frozen EMA generator (`ganlib.sampling.refine_discriminator`): fresh samples of it for
    every minibatch (`fresh`), else a pool of 100,000."""
    import numpy as np

    from ganlib.sampling import generator_proposal, refine_discriminator

    with trainer.ema_swapped():
        propose = generator_proposal(trainer.generator, batch_size=8192)
        fake = propose if fresh else propose(100_000, np.random.default_rng(80_000 + seed))
        return refine_discriminator(trainer.discriminator, x, fake, steps=steps, seed=seed)


def mode_scores(samples: Any, mixture: Any, key: str) -> dict[str, Any]:
    """Modes, HQ, reverse KL and the median distance to the nearest mode centre (the data's:
    0.059 on the grid, std 0.05) of `samples`, keys prefixed by `key`."""
    import numpy as np

    from ganlib import metrics

    m = metrics.mixture_metrics(samples, mixture)
    nearest = np.sqrt(((samples[:, None, :] - mixture.centers[None]) ** 2).sum(-1)).min(1)
    return {
        key + "modes": m.modes_captured,
        key + "hq": m.high_quality_fraction,
        key + "reverse_kl": m.reverse_kl,
        key + "median_distance": float(np.median(nearest)),
        key + "mode_counts": list(m.mode_counts),
    }


def drs_scores(
    trainer: Any,
    discriminator: Any,
    mixture: Any,
    seed: int,
    gamma: float,
    key: str,
    ascent: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Mode metrics of 2,500 samples from discriminator rejection sampling (EMA generator),
    and of the same samples moved `ascent` steps up the discriminator's logit."""
    import numpy as np

    from ganlib.cli.rejection import ASCENT_STEP_SIZE
    from ganlib.sampling import (
        DiscriminatorRejectionSampler,
        discriminator_ascent,
        generator_proposal,
    )

    with trainer.ema_swapped():
        propose = generator_proposal(trainer.generator, batch_size=8192)
        sampler = DiscriminatorRejectionSampler(
            discriminator, gamma=gamma, burn_in=5000, batch_size=8192
        )
        sampler.calibrate(
            mixture.sample(5000, seed=50_000 + seed),
            propose(5000, np.random.default_rng(60_000 + seed)),
        )
        try:
            samples = sampler.sample(propose, 2500, seed=10_000 + seed)
        except RuntimeError as error:  # accepted too few: a row of NaN, the other rows kept
            print(f"  {key.rstrip('_')}: {error}", flush=True)
            names = ("modes", "hq", "reverse_kl", "median_distance")
            return {
                k + name: float("nan")
                for k in (key, *(f"{key}a{n}_" for n in ascent))
                for name in names
            } | {k + "acceptance": 0.0 for k in (key, *(f"{key}a{n}_" for n in ascent))}
    out = mode_scores(samples, mixture, key) | {key + "acceptance": sampler.acceptance_rate}
    for steps in ascent:
        moved = discriminator_ascent(
            discriminator, samples, steps=steps, step_size=ASCENT_STEP_SIZE
        )
        k = f"{key}a{steps}_"
        out |= mode_scores(moved, mixture, k) | {k + "acceptance": sampler.acceptance_rate}
    return out


def toy_table(results: list[dict[str, Any]]) -> str:
    """Mean ± SE per (dataset, config, sampler), beside PacGAN's Table 1."""
    rows = []
    for dataset in ("ring", "grid"):
        k = 8 if dataset == "ring" else 25
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in results:
            if r["dataset"] == dataset:
                groups.setdefault(r["config"], []).append(r)
        for name, rs in groups.items():
            prefixes = list(rs[0].get("samplers", {"": "EMA"}).items())
            for prefix, sampler in prefixes:
                modes = mean_se([r[prefix + "modes"] for r in rs])
                hq = mean_se([100 * r[prefix + "hq"] for r in rs])
                kl = mean_se([r[prefix + "reverse_kl"] for r in rs])
                full = sum(r[prefix + "modes"] == k for r in rs)
                good = sum(r[prefix + "modes"] == k and r[prefix + "hq"] >= 0.95 for r in rs)
                rows.append(
                    [
                        dataset,
                        f"ganlib {name} ({sampler})",
                        len(rs),
                        f"{modes[0]:.2f} ± {modes[1]:.2f}",
                        f"{hq[0]:.1f} ± {hq[1]:.1f}",
                        f"{kl[0]:.3f} ± {kl[1]:.3f}",
                        f"{full}/{len(rs)}, {good}/{len(rs)}",
                        f"{sum(r['steps'] for r in rs) // len(rs)}",
                        f"{sum(r['seconds'] for r in rs) / len(rs):.0f}",
                    ]
                )
        for name, (m, h, kl_value) in PACGAN[dataset].items():
            rows.append([dataset, f"PacGAN paper: {name}", "-", m, h, kl_value, "-", "-", "-"])
    return format_table(
        [
            "data",
            "method",
            "seeds",
            "modes (of 8 / 25)",
            "high quality %",
            "reverse KL",
            "all modes; all + HQ>=95%",
            "steps",
            "s/seed",
        ],
        rows,
    )
