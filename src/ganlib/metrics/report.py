"""Evaluation results: one value per metric with its sample size and real-data floor."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from ganlib._atomic import write_text

__all__ = ["EvaluationReport", "MetricResult"]


@dataclass(frozen=True)
class MetricResult:
    """One metric value with its sample size and the real-data floor at the same n.

    ``floor`` is the same metric with held-out real data in place of the generated
    samples (for the classifier score: the score of real data): the best a perfect
    generator can expect at this n. ``floor_n`` can be below ``n`` when the real set is
    too small for two disjoint sets of n (e.g. 10,000 local MNIST images at n = 10,000).

    Example:
        >>> MetricResult("fid", 3.2, n=1000, floor=1.1, floor_n=1000).to_dict()["n"]
        1000
    """

    name: str
    value: float
    n: int
    std: float | None = None
    floor: float | None = None
    floor_std: float | None = None
    floor_n: int | None = None
    higher_is_better: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


@dataclass
class EvaluationReport:
    """What `evaluate` returns: one `MetricResult` per metric, printable and savable.

    Example:
        >>> report = EvaluationReport({"fid": MetricResult("fid", 3.2, n=1000)}, "mnist")
        >>> report.values()
        {'fid': 3.2}
    """

    results: dict[str, MetricResult]
    extractor: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def values(self) -> dict[str, float]:
        """Plain ``{name: value}`` (what `MetricMonitor` logs)."""
        return {name: r.value for name, r in self.results.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: metrics, extractor, seconds, notes."""
        return {
            "metrics": {name: r.to_dict() for name, r in self.results.items()},
            "extractor": self.extractor,
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }

    def save_json(self, path: str | os.PathLike[str]) -> None:
        """Write `to_dict` as JSON (e.g. ``RUN_DIR/metrics.json``), atomically."""
        write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")

    def format_table(self) -> str:
        """A plain-text table: metric, value (+- std), n, real floor, floor n."""

        def fmt(v: float | None, s: float | None = None) -> str:
            if v is None:
                return "-"
            text = f"{v:.4g}"
            return text if s is None else f"{text} ± {s:.2g}"

        rows = [("metric", "value", "n", "real floor", "floor n", "better")]
        for r in self.results.values():
            rows.append(
                (
                    r.name,
                    fmt(r.value, r.std),
                    str(r.n),
                    fmt(r.floor, r.floor_std),
                    "-" if r.floor_n is None else str(r.floor_n),
                    "higher" if r.higher_is_better else "lower",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join([*lines, f"extractor: {self.extractor}", *self.notes])
