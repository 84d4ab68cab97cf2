"""Strict reader and writer for the IDX format of the original MNIST files.

IDX layout (LeCun et al., http://yann.lecun.com/exdb/mnist/): two zero bytes, one byte naming the
element type, one byte giving the number of dimensions ``d``, then ``d`` big-endian uint32 sizes,
then the elements in C order, big-endian. Files may be gzip-compressed (detected from the content,
not the name).
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = ["IDX_DTYPES", "parse_idx", "read_idx", "write_idx"]

IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""IDX type codes and the big-endian NumPy dtype each one names.

Example:
    >>> from ganlib.data import IDX_DTYPES
    >>> IDX_DTYPES[0x08]
    dtype('uint8')
"""

_GZIP_MAGIC = b"\x1f\x8b"
_MAX_DIMS = 16


def parse_idx(data: bytes, *, name: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of one IDX file (raw or gzip) into an array.

    Every defect raises ``ValueError`` naming ``name``: bad magic number, unknown type code,
    truncated data, trailing bytes after the data, or a broken gzip stream.

    Args:
        data: The file's content.
        name: What to call the source in error messages (usually its path).

    Returns:
        An array in native byte order with the shape stored in the header.

    Example:
        >>> parse_idx(b"\\x00\\x00\\x08\\x01\\x00\\x00\\x00\\x03\\x07\\x08\\x09")
        array([7, 8, 9], dtype=uint8)
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"`data` must be bytes. Received: type {type(data).__name__}")
    raw = bytes(data)
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"IDX file {name}: corrupt or truncated gzip data ({error})") from None
    if len(raw) < 4:
        raise ValueError(f"IDX file {name}: too short for an IDX header ({len(raw)} bytes)")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"IDX file {name}: bad magic number 0x{raw[:4].hex()} "
            "(an IDX file starts with two zero bytes)"
        )
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        raise ValueError(
            f"IDX file {name}: unsupported element type code 0x{code:02x} "
            f"(known: {', '.join(f'0x{c:02x}' for c in IDX_DTYPES)})"
        )
    if not 1 <= ndim <= _MAX_DIMS:
        raise ValueError(f"IDX file {name}: unsupported number of dimensions {ndim}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"IDX file {name}: truncated header ({len(raw)} bytes, {header} needed for "
            f"{ndim} dimensions)"
        )
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = dtype.itemsize * int(np.prod(shape, dtype=object))
    actual = len(raw) - header
    if actual < expected:
        raise ValueError(
            f"IDX file {name}: truncated data ({actual} bytes after the header, {expected} "
            f"needed for shape {shape})"
        )
    if actual > expected:
        raise ValueError(
            f"IDX file {name}: {actual - expected} unexpected trailing bytes after the data "
            f"of shape {shape}"
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (raw or gzip-compressed) into an array, strictly.

    Args:
        path: The file, e.g. ``t10k-images-idx3-ubyte.gz``.

    Returns:
        An array in native byte order, e.g. uint8 of shape ``(10000, 28, 28)`` for MNIST images.

    Raises:
        FileNotFoundError: when ``path`` does not exist.
        ValueError: when the content is not a well-formed IDX file (the message names the file).

    Example:
        >>> import tempfile, numpy as np
        >>> path = tempfile.mkdtemp() + "/x-idx2-ubyte.gz"
        >>> write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
        >>> read_idx(path)
        array([[0, 1, 2],
               [3, 4, 5]], dtype=uint8)
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"IDX file not found: {file}")
    return parse_idx(file.read_bytes(), name=str(file))


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write an array as an IDX file; gzip-compressed when ``path`` ends in ``.gz``.

    Supported dtypes: uint8, int8, int16, int32, float32, float64 (the IDX type codes).

    Example:
        >>> import tempfile, numpy as np
        >>> path = tempfile.mkdtemp() + "/labels-idx1-ubyte"
        >>> write_idx(path, np.array([3, 1, 4], dtype=np.uint8))
        >>> read_idx(path).tolist()
        [3, 1, 4]
    """
    values = np.asarray(array)
    if values.ndim < 1 or values.ndim > _MAX_DIMS:
        raise ValueError(
            f"`array` must have 1 to {_MAX_DIMS} dimensions. Received: shape {values.shape}"
        )
    codes = [c for c, d in IDX_DTYPES.items() if values.dtype == d.newbyteorder("=")]
    if not codes:
        raise TypeError(
            "`array` must be uint8, int8, int16, int32, float32 or float64. "
            f"Received: dtype {values.dtype}"
        )
    code = codes[0]
    dtype = IDX_DTYPES[code]
    header = bytes([0, 0, code, values.ndim]) + np.asarray(values.shape, dtype=">u4").tobytes()
    content = header + values.astype(dtype).tobytes()
    file = Path(path)
    if file.suffix == ".gz":
        content = gzip.compress(content, mtime=0)
    file.write_bytes(content)
