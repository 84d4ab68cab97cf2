"""Strict IDX parsing: round trips, golden bytes, and every defect named in the error."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from ganlib.data import IDX_DTYPES, parse_idx, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


def _idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    """Hand-built IDX bytes, independent of write_idx."""
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(s).to_bytes(4, "big") for s in array.shape
    )
    return header + array.astype(IDX_DTYPES[code]).tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_every_dtype(tmp_path: Path, dtype: type, suffix: str) -> None:
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == np.uint8:
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / f"a-idx3-ubyte{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    assert back.dtype.byteorder in ("=", "|")
    np.testing.assert_array_equal(back, array)
    if suffix:
        assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_golden_header_bytes(tmp_path: Path) -> None:
    path = tmp_path / "labels-idx1-ubyte"
    write_idx(path, np.array([7, 2, 1], dtype=np.uint8))
    assert path.read_bytes() == b"\x00\x00\x08\x01\x00\x00\x00\x03\x07\x02\x01"
    big = tmp_path / "f-idx1-ubyte"
    write_idx(big, np.array([1.5], dtype=np.float32))
    assert big.read_bytes() == b"\x00\x00\x0d\x01\x00\x00\x00\x01\x3f\xc0\x00\x00"


def test_hand_built_bytes_parse_big_endian() -> None:
    array = np.array([[1, -2], [300, 40000]], dtype=np.int32)
    np.testing.assert_array_equal(parse_idx(_idx_bytes(array, 0x0C)), array)


def test_gzip_detected_from_content_not_name(tmp_path: Path) -> None:
    array = np.arange(6, dtype=np.uint8)
    path = tmp_path / "no-gz-suffix-idx1-ubyte"
    path.write_bytes(gzip.compress(_idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(path), array)


GOOD = _idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))

DEFECTS = {
    "bad magic": (b"\x08\x03" + GOOD[2:], "bad magic number"),
    "unsupported dtype": (GOOD[:2] + b"\x07" + GOOD[3:], "unsupported element type code 0x07"),
    "zero dims": (b"\x00\x00\x08\x00", "unsupported number of dimensions 0"),
    "short header": (GOOD[:6], "truncated header"),
    "truncated data": (GOOD[:-1], "truncated data (11 bytes"),
    "trailing garbage": (GOOD + b"\x00junk", "5 unexpected trailing bytes"),
    "too short": (b"\x00\x00", "too short"),
    "corrupt gzip": (gzip.compress(GOOD)[:-6] + b"\xff" * 6, "corrupt or truncated gzip"),
    "truncated gzip": (gzip.compress(GOOD)[:15], "corrupt or truncated gzip"),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defects_raise_value_error_naming_the_file(tmp_path: Path, defect: str) -> None:
    content, expected = DEFECTS[defect]
    path = tmp_path / "broken-idx3-ubyte.gz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"broken-idx3-ubyte\.gz") as info:
        read_idx(path)
    assert expected in str(info.value)


def test_huge_declared_shape_is_truncation_not_memory_error() -> None:
    header = b"\x00\x00\x0e\x03" + (2**32 - 1).to_bytes(4, "big") * 3
    with pytest.raises(ValueError, match="truncated data"):
        parse_idx(header + b"\x00" * 8, name="huge")


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothing-idx3-ubyte"):
        read_idx(tmp_path / "nothing-idx3-ubyte")
    with pytest.raises(TypeError, match="dtype int64"):
        write_idx(tmp_path / "x", np.arange(3, dtype=np.int64))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))
    with pytest.raises(TypeError, match="bytes"):
        parse_idx("not bytes")  # type: ignore[arg-type]
