"""Property tests over the data boundary: every input either works or raises ValueError/TypeError.

Bounded (``max_examples`` 30-50, no deadline) so the suite stays fast.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ganlib.data import IDX_DTYPES, from_array, parse_idx

BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = st.sampled_from(
    [np.uint8, np.int8, np.int32, np.int64, np.float16, np.float32, np.float64, np.bool_]
)
_USUAL = hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=5)
_EDGE = hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=5)
SHAPES = st.one_of(_USUAL, _USUAL, _USUAL, _EDGE)  # mostly plausible shapes, some edge cases
RANGES = st.sampled_from([None, "uint8", "unit", "symmetric", "none"])


def _arrays(dtype: np.dtype, shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    if np.issubdtype(dtype, np.floating):
        elements = st.floats(
            allow_nan=True, allow_infinity=True, width=np.dtype(dtype).itemsize * 8
        ) | st.floats(-1.0, 1.0, width=np.dtype(dtype).itemsize * 8)
        return hnp.arrays(dtype, shape, elements=elements)
    return hnp.arrays(dtype, shape)


@BOUNDED
@given(data=st.data(), dtype=DTYPES, shape=SHAPES, value_range=RANGES, flat=st.booleans())
def test_from_array_works_or_raises_value_or_type_error(
    data: st.DataObject,
    dtype: np.dtype,
    shape: tuple[int, ...],
    value_range: str | None,
    flat: bool,
) -> None:
    x = data.draw(_arrays(dtype, shape))
    kwargs = {"value_range": value_range}
    if flat and x.ndim == 2 and x.shape[1] == 4:
        kwargs["shape"] = (2, 2)
    try:
        out = from_array(x, **kwargs)
    except (ValueError, TypeError):
        return
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    assert out.ndim in (2, 4) and len(out) >= 1
    assert np.all(np.isfinite(out))
    if value_range != "none" and out.ndim == 4:
        assert out.min() >= -1.0 and out.max() <= 1.0
    # Shape is preserved apart from the documented channel/batch axes.
    assert out.size == x.size


@BOUNDED
@given(
    n=st.integers(1, 6),
    labels=st.lists(
        st.one_of(
            st.integers(-3, 2**40),
            st.floats(allow_nan=True, allow_infinity=True),
            st.text(max_size=2),
        ),
        max_size=8,
    ),
)
def test_from_array_labels_work_or_raise(n: int, labels: list) -> None:
    x = np.zeros((n, 3, 5), np.uint8)
    try:
        _, y = from_array(x, labels)
    except (ValueError, TypeError):
        return
    assert y.dtype == np.int32 and y.shape == (n,) and np.all(y >= 0)
    np.testing.assert_array_equal(y, np.asarray(labels, dtype=np.float64))


@settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=64))
def test_random_bytes_parse_or_value_error(content: bytes) -> None:
    try:
        array = parse_idx(content, name="random.idx")
    except ValueError as error:
        assert "random.idx" in str(error)
        return
    assert isinstance(array, np.ndarray)  # a valid IDX file by chance: it must round-trip
    assert len(content) == 4 + 4 * array.ndim + array.nbytes


@st.composite
def _idx_files(draw: st.DrawFn) -> tuple[bytes, np.ndarray]:
    code = draw(st.sampled_from(sorted(IDX_DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
    array = draw(hnp.arrays(IDX_DTYPES[code].newbyteorder("="), shape))
    header = bytes([0, 0, code, len(shape)]) + b"".join(s.to_bytes(4, "big") for s in shape)
    return header + array.astype(IDX_DTYPES[code]).tobytes(), array


@BOUNDED
@given(file=_idx_files(), cut=st.integers(1, 50), compress=st.booleans())
def test_truncated_idx_is_value_error(
    file: tuple[bytes, np.ndarray], cut: int, compress: bool
) -> None:
    content, array = file
    np.testing.assert_array_equal(parse_idx(content), array)  # the intact file parses
    broken = content[: max(0, len(content) - cut)]
    if compress:
        broken = gzip.compress(content)[: max(0, len(gzip.compress(content)) - cut)]
    with pytest.raises(ValueError, match=r"broken\.idx"):
        parse_idx(broken, name="broken.idx")


@BOUNDED
@given(file=_idx_files(), magic=st.binary(min_size=2, max_size=2), tail=st.binary(min_size=1))
def test_wrong_magic_or_trailing_bytes_is_value_error(
    file: tuple[bytes, np.ndarray], magic: bytes, tail: bytes
) -> None:
    content, _ = file
    if magic not in (b"\x00\x00", b"\x1f\x8b"):
        with pytest.raises(ValueError, match="bad magic"):
            parse_idx(magic + content[2:])
    with pytest.raises(ValueError, match="trailing bytes"):
        parse_idx(content + tail)
