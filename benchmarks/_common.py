"""Helpers shared by the benchmark scripts: machine description, timing, JSON output.

Benchmarks print figures; they assert nothing about time.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def process_age() -> float:
    """Seconds since this process started (from /proc; falls back to time since import)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after "pid (comm)"
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def peak_rss_mib() -> float:
    """Peak resident memory of this process in MiB.

    ``VmHWM`` from /proc/self/status where it exists: ``ru_maxrss`` survives ``fork`` + ``exec``
    on Linux, so a child started by a large parent would report the parent's peak. Elsewhere
    ``resource.getrusage(...).ru_maxrss``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_average() -> str:
    """The 1/5/15-minute load averages as text."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (or platform.processor())."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, CPU, Python/TF/Keras versions, load."""
    import keras
    import tensorflow as tf

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "load_at_start": load_average(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def command_line() -> str:
    """The exact command that ran this script."""
    return " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])


def print_header(title: str, info: dict[str, Any]) -> None:
    """Prints the command and the machine."""
    print(f"# {title}")
    print(f"command: {command_line()}")
    print(
        f"machine: nproc={info['nproc']}, cpu={info['cpu']}, python {info['python']}, "
        f"TF {info['tensorflow']}, Keras {info['keras']}, GPUs {info['gpus']}, "
        f"load {info['load_at_start']}, {info['date_utc']}"
    )


def deadline(stop_at: str, started: float) -> float:
    """The first UTC "HH:MM" at or after the minute of `started` (epoch seconds), in seconds.

    A run started at 23:50 with `--stop-at 00:30` stops 40 minutes later, after midnight.
    """
    hours, minutes = (int(part) for part in stop_at.split(":"))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"--stop-at takes UTC HH:MM. Received: {stop_at!r}")
    start_minute = started - started % 60
    at = started - started % 86_400 + hours * 3_600 + minutes * 60
    return at if at >= start_minute else at + 86_400


def past(stop_at: str | None) -> bool:
    """Whether `stop_at` ("HH:MM" UTC; None: never), counted from this process's start, is here."""
    if not stop_at:
        return False
    now = time.time()
    return now >= deadline(str(stop_at), now - process_age())


def median(values: Sequence[float]) -> float:
    """Median (NaN for an empty list)."""
    return statistics.median(values) if values else float("nan")


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error of the mean (SE 0 for one value)."""
    if not values:
        return float("nan"), float("nan")
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, statistics.stdev(values) / len(values) ** 0.5


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(path: str | os.PathLike[str], payload: dict[str, Any]) -> None:
    """Writes ``payload`` as JSON, atomically."""
    tmp = f"{os.fspath(path)}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=2, default=str)
        f.write("\n")
    os.replace(tmp, path)


def load_images(quick: bool = False) -> tuple[Any, str]:
    """MNIST (via ``ganlib.data.load_mnist``, no download) or a synthetic stand-in.

    Throughput does not depend on pixel values, so a random array in [-1, 1] of the same
    shape is used when no MNIST file is found.
    """
    import numpy as np

    from ganlib import data

    if not quick:
        try:
            return data.load_mnist(download=False), "MNIST (load_mnist)"
        except (OSError, ValueError, FileNotFoundError):
            pass
    rng = np.random.default_rng(0)
    n = 2560 if quick else 10_000  # quick: 20 batches of 128, two executions of 10 steps
    x = np.tanh(rng.standard_normal((n, 28, 28, 1))).astype("float32")
    return x, f"synthetic ({n} random 28x28x1 images in [-1, 1])"
