"""Fresh-process runs: time from process start to the first finished step, peak memory."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from _common import load_images, peak_rss_mib, process_age


def cold_start(
    variants: dict[str, Any], family: str, variant: str, batch: int, spe: int, quick: bool
) -> dict[str, float]:
    """Run in a fresh process: seconds from process start to the first finished step (or
    execution), then the memory high-water mark after ten more steps."""
    import numpy as np

    x, _ = load_images(quick)
    v = variants[variant](family, np.asarray(x), batch, spe)
    v.setup()
    v.first_step()
    first = process_age()
    v.timed(max(10, spe))
    return {"first_step_s": first, "peak_rss_mib": peak_rss_mib()}


def cold_start_subprocess(
    script: Path, family: str, variant: str, args: argparse.Namespace
) -> dict[str, float] | None:
    """`cold_start` in a child process (its own interpreter, imports and traces)."""
    command = [
        sys.executable,
        str(script),
        "--cold-start",
        f"{family}:{variant}",
        "--batch-size",
        str(args.batch_size),
        "--spe",
        str(args.spe),
    ] + (["--quick"] if args.quick else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    for line in result.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return dict(json.loads(line))
    print(f"  cold start {family}:{variant} failed: {result.stderr[-500:]}", file=sys.stderr)
    return None
