"""Ratios between variants and the printed table."""

from __future__ import annotations

from typing import Any

from _common import format_table, median

BASELINES = {"classic": "x classic", "classic_direct": "x classic G(z)"}
REFERENCES = ("fused", "fused_xla", "ingraph", "ingraph_xla")


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Per family: the ratio of each variant's median to each baseline and reference present,
    the lowest per-repetition ratio to `classic_direct` (repetitions pair up because the
    variants alternate) and the ratio to the best hand-written step."""
    for family in {r["family"] for r in rows}:
        group = [r for r in rows if r["family"] == family]
        by_name = {r["variant"]: r for r in group}
        first = group[0]["median_steps_per_s"]
        for r in group:
            r["ratio_to_baseline"] = r["median_steps_per_s"] / first
            for name in (*BASELINES, *REFERENCES):
                if name in by_name:
                    r[f"ratio_to_{name}"] = (
                        r["median_steps_per_s"] / by_name[name]["median_steps_per_s"]
                    )
            if "classic" in by_name:
                r["ratio_to_baseline"] = r["ratio_to_classic"]
            if "classic_direct" in by_name:
                per_rep = zip(
                    r["steps_per_s"], by_name["classic_direct"]["steps_per_s"], strict=True
                )
                r["min_rep_ratio_to_classic_direct"] = min(a / b for a, b in per_rep)
            refs = [by_name[n]["median_steps_per_s"] for n in REFERENCES if n in by_name]
            if refs:
                r["ratio_to_best_hand_written"] = r["median_steps_per_s"] / max(refs)


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of every row (figures missing from a row print as `-`)."""

    def fmt(value: Any, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    headers = [
        "model",
        "variant",
        "steps/s (median)",
        "x classic",
        "x classic G(z)",
        "min rep x classic G(z)",
        "x ingraph_xla",
        "x best hand-written",
        "GFLOP/s",
        "% peak",
        "first step (s)",
        "peak RSS (MiB)",
    ]
    body = [
        [
            r["family"],
            r["variant"],
            fmt(r["median_steps_per_s"], ".2f"),
            fmt(r["ratio_to_baseline"], ".2f"),
            fmt(r.get("ratio_to_classic_direct"), ".2f"),
            fmt(r.get("min_rep_ratio_to_classic_direct"), ".2f"),
            fmt(r.get("ratio_to_ingraph_xla"), ".2f"),
            fmt(r.get("ratio_to_best_hand_written"), ".2f"),
            fmt(r["gflop_per_s"], ".1f"),
            fmt(100 * r["fraction_of_peak"], ".0f"),
            fmt(r.get("first_step_s"), ".1f"),
            fmt(r.get("peak_rss_mib"), ".0f"),
        ]
        for r in rows
    ]
    return format_table(headers, body)


def medians(rates: dict[str, list[float]]) -> dict[str, float]:
    """Median steps/s per variant."""
    return {name: median(values) for name, values in rates.items()}
