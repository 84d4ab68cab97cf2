"""`benchmarks/_common.py`'s `--stop-at` clock: the deadline wraps past midnight."""

from __future__ import annotations

import calendar
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _common() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_common", BENCHMARKS / "_common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _utc(day: int, hours: int, minutes: int, seconds: int = 0) -> float:
    return float(calendar.timegm((2026, 12, day, hours, minutes, seconds)))


def test_stop_at_is_the_next_such_minute_after_the_start() -> None:
    deadline = _common().deadline
    assert deadline("00:30", _utc(1, 23, 50)) == _utc(2, 0, 30)  # past midnight
    assert deadline("23:55", _utc(1, 23, 50, 10)) == _utc(1, 23, 55)  # later the same day
    assert deadline("23:50", _utc(1, 23, 50, 40)) == _utc(1, 23, 50)  # the starting minute
    assert deadline("23:49", _utc(1, 23, 50)) == _utc(2, 23, 49)  # a minute ago: tomorrow


@pytest.mark.parametrize("bad", ["24:00", "12:60", "noon"])
def test_stop_at_refuses_what_is_not_a_time(bad: str) -> None:
    with pytest.raises(ValueError):
        _common().deadline(bad, _utc(1, 12, 0))


def test_no_stop_at_is_never_past() -> None:
    assert _common().past(None) is False
    assert _common().past("") is False
