"""The `ganlib` command line: `ganlib demo`, `train`, `sample`, `evaluate`, `plot`, `export`.

Exit codes: 0 on success; 2 on bad arguments or bad data, with a one-line error on stderr
that names the problem; 3 when training diverged (NaN/Inf losses); 1 on an unexpected error
(with its traceback). See docs/cli.md.

Example:
    >>> from ganlib.cli import main
    >>> main(["train", "no-such-dataset"])
    2
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["EXIT_BAD_INPUT", "EXIT_DIVERGED", "EXIT_OK", "main"]

EXIT_OK = 0
"""Success."""
EXIT_BAD_INPUT = 2
"""Bad arguments or bad data (a one-line message on stderr)."""
EXIT_DIVERGED = 3
"""Training stopped because a loss became NaN or infinite."""


def _one_line(message: object) -> str:
    return " ".join(str(message).split()) or "error"


def _fail(prog: str, message: object) -> int:
    print(f"{prog}: error: {_one_line(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Runs `ganlib` with `argv` (default: `sys.argv[1:]`); returns the exit code.

    `ValueError`, `TypeError` and `FileNotFoundError` raised by ganlib (bad data, bad
    files), and `ganlib.plots.PlotDependencyError` (a plot without matplotlib), become a
    one-line `ganlib <command>: error: ...` on stderr and exit code 2; any
    other exception propagates with its traceback.

    Example:
        >>> main(["demo", "--steps", "-5"])
        2
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from ganlib.cli.parser import UsageError, build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except UsageError as error:
        return _fail(error.prog, f"{error} (see {error.prog} --help)")
    except SystemExit as done:  # --help, --version
        code = done.code
        return code if isinstance(code, int) else EXIT_OK
    prog = f"ganlib {args.command}"
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warning(prog)
        from ganlib.plots import PlotDependencyError

        try:
            return _dispatch(args)
        except (ValueError, TypeError, FileNotFoundError, PlotDependencyError) as error:
            return _fail(prog, error)


def _one_line_warning(prog: str) -> Any:
    """`warnings.showwarning` replacement: `ganlib COMMAND: warning: message` on one line."""

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        print(f"{prog}: warning: {_one_line(message)}", file=sys.stderr)

    return show


def _dispatch(args: object) -> int:
    command = getattr(args, "command", None)
    if command == "demo":
        from ganlib.cli.demo import run_demo

        return run_demo(args)  # type: ignore[arg-type]
    if command == "train":
        from ganlib.cli.train import run_train

        return run_train(args)  # type: ignore[arg-type]
    if command == "sample":
        from ganlib.cli.sample import run_sample

        return run_sample(args)  # type: ignore[arg-type]
    if command == "evaluate":
        from ganlib.cli.evaluate import run_evaluate

        return run_evaluate(args)  # type: ignore[arg-type]
    if command == "export":
        from ganlib.cli.export import run_export

        return run_export(args)  # type: ignore[arg-type]
    if command == "plot":
        from ganlib.cli.plotting import run_plot

        return run_plot(args)  # type: ignore[arg-type]
    if command == "translate":
        from ganlib.cli.translate import run_translate

        return run_translate(args)
    if command == "translate-folder":
        from ganlib.cli.translate import run_translate_folder

        return run_translate_folder(args)
    raise AssertionError(f"unknown command {command!r}")
