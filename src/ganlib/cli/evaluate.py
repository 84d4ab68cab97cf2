"""`ganlib evaluate`: metrics of a trained run, printed as a table and saved as metrics.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ganlib._atomic import write_text
from ganlib.cli._bank import banked_generator, check_bank_options
from ganlib.cli._limits import check_samples_fit
from ganlib.cli._setup import CLIError, load_data, mixture_of, quiet_tensorflow_import
from ganlib.cli._temperature import check_plain_temperature, chosen_temperature
from ganlib.cli.rejection import chosen_sampler
from ganlib.cli.sample import generate, load_generator, mixed_with, rejection_samples
from ganlib.sampling.temperature import with_temperature

__all__ = [
    "BANK_EVALUATION_FILE",
    "EVALUATION_FILE",
    "MIX_BANK_EVALUATION_FILE",
    "MIX_EVALUATION_FILE",
    "mixture_table",
    "run_evaluate",
]

EVALUATION_FILE = "metrics.json"
"""Name of the file `ganlib evaluate` writes inside the run folder."""
BANK_EVALUATION_FILE = "metrics-bank.json"
"""Name of the file `ganlib evaluate RUN --bank` writes inside RUN."""
MIX_BANK_EVALUATION_FILE = "metrics-mix-bank.json"
"""Name of the file `ganlib evaluate RUN --mix ... --bank` writes inside RUN."""
MIX_EVALUATION_FILE = "metrics-mix.json"
"""Name of the file `ganlib evaluate RUN --mix ...` writes inside RUN (the run's own
`metrics.json` stays the run's)."""


def mixture_table(values: dict[str, Any]) -> str:
    """A plain-text table of `ganlib.metrics.MixtureMetrics.to_dict()` values.

    Example:
        >>> print(mixture_table({"modes_captured": 8, "modes": 8, "high_quality_fraction": 0.5,
        ...                      "reverse_kl": 0.01, "n": 2500, "min_count": 20}))
        metric                 value  n
        ---------------------  -----  ----
        modes captured         8/8    2500
        high-quality fraction  0.5    2500
        reverse KL             0.01   2500
        a mode counts with >= 20 high-quality samples (within 3 std of its centre)
    """
    n = str(values["n"])
    rows = [
        ("metric", "value", "n"),
        ("modes captured", f"{values['modes_captured']}/{values['modes']}", n),
        ("high-quality fraction", f"{values['high_quality_fraction']:.4g}", n),
        ("reverse KL", f"{values['reverse_kl']:.4g}", n),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    note = (
        f"a mode counts with >= {values['min_count']} high-quality samples "
        "(within 3 std of its centre)"
    )
    return "\n".join([*lines, note])


def _at(temperature: float) -> str:
    return "" if temperature == 1.0 else f" at temperature {temperature:g}"


def _evaluation_file(mix: bool, bank: bool) -> str:
    """The file `ganlib evaluate` writes: the run's own evaluation stays apart from `--mix`'s
    and `--bank`'s."""
    return {
        (False, False): EVALUATION_FILE,
        (True, False): MIX_EVALUATION_FILE,
        (False, True): BANK_EVALUATION_FILE,
        (True, True): MIX_BANK_EVALUATION_FILE,
    }[(mix, bank)]


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    write_text(path, json.dumps(payload, indent=2) + "\n")


def run_evaluate(args: argparse.Namespace) -> int:
    """Runs `ganlib evaluate` for parsed arguments; returns the exit code."""
    quiet_tensorflow_import()
    from ganlib import metrics

    folder = Path(args.run_dir)
    generator, config, loaded_from = load_generator(folder)
    source = str(loaded_from)
    temperature = chosen_temperature(args.temperature, None if args.bank else config)
    if config is None:
        raise CLIError(f"{folder} has no config.json: the real data to compare with is unknown")
    check_samples_fit(args.n, tuple(config.data_shape))
    target = folder / _evaluation_file(bool(args.mix), bool(args.bank))
    # discriminator-driven sampling refused with --mix and --bank; image runs sample plainly
    method, gamma = chosen_sampler(config, args.rejection, args.gamma)
    points = method if config.is_points else None  # image runs: checked in their branch
    check_bank_options(args, points)
    bank = (args.bank_spread, args.bank_steps) if args.bank else None
    if bank is not None:
        generator, note = banked_generator(generator, config, folder, *bank)
        source = f"{source} {note}"
    if args.mix:
        generator, note = mixed_with(generator, config, args.mix, points, bank)
        source = f"{source} {note}"
    generator = with_temperature(generator, temperature)
    mixture = mixture_of(config.kind)
    if config.is_points:
        if mixture is None:
            raise CLIError(
                f"no metric for vector data without known modes ({config.dataset}); "
                "evaluate works on ring, grid and image runs"
            )
        if args.metrics:
            raise CLIError(
                "--metrics is for image runs; ring/grid runs report modes captured, "
                "high-quality fraction and reverse KL"
            )
        check_plain_temperature(temperature, method)
        sampler = "plain samples of the generator" + _at(temperature)
        if method is None:
            samples, _ = generate(generator, args.n, seed=args.seed, num_classes=config.num_classes)
        else:
            samples, sampler = rejection_samples(folder, config, args.n, args.seed, method, gamma)
        values = metrics.mixture_metrics(samples, mixture).to_dict()
        print(mixture_table(values))
        print(f"samples: {sampler}")
        _write_json(
            target,
            {
                "metrics": values,
                "kind": "mixture",
                "dataset": config.dataset,
                "source": str(source),
                "sampler": sampler,
            },
        )
    else:
        if args.rejection not in (None, "none") or args.gamma is not None:
            raise CLIError(
                "--rejection and --gamma are for ring/grid runs in evaluate; this is an image "
                "run: evaluate its plain samples, or draw rejection samples with `ganlib sample "
                "RUN --rejection drs`"
            )
        real = load_data(config).x
        report = metrics.evaluate(
            generator,
            real,
            n=args.n,
            metrics=args.metrics,
            seed=args.seed,
            num_classes=config.num_classes if config.conditional else None,
        )
        if temperature != 1.0:
            report.notes.append(f"samples{_at(temperature)}")
        if args.mix or args.bank:
            report.notes.append(f"generator: {source}")
        print(report.format_table())
        report.save_json(target)
    print(f"ganlib evaluate: {source} -> {target}")
    return 0
