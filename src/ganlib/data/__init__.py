"""Data for GANs: MNIST / Fashion-MNIST, arrays, image folders and 2-D Gaussian mixtures.

Every loader returns float32 images in NHWC layout with values in [-1, 1] (2-D mixtures return
float32 points), and validates its input at the boundary with a ``ValueError``/``TypeError`` that
names the problem.

Example:
    >>> from ganlib import data
    >>> data.ring(4, seed=0).shape
    (4, 2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ganlib.data.arrays import ValueRange, from_array, scale_to_symmetric
from ganlib.data.folders import IMAGE_EXTENSIONS, first_undecodable_image, image_folder
from ganlib.data.idx import IDX_DTYPES, parse_idx, read_idx, write_idx
from ganlib.data.mixtures import Mixture, grid, grid_mixture, ring, ring_mixture
from ganlib.data.mnist import DataNotFoundError, load_fashion_mnist, load_mnist
from ganlib.data.morphology import dilate, edge_map, erode
from ganlib.data.resumable import FitSegment, fit_segments, resumable_batches
from ganlib.data.translation_folders import paired_folders, unpaired_arrays, unpaired_folders

__all__ = [
    "IDX_DTYPES",
    "IMAGE_EXTENSIONS",
    "DataNotFoundError",
    "DeviceData",
    "FitSegment",
    "Mixture",
    "ValueRange",
    "dilate",
    "edge_map",
    "erode",
    "first_undecodable_image",
    "fit_segments",
    "from_array",
    "grid",
    "grid_mixture",
    "image_folder",
    "load_fashion_mnist",
    "load_mnist",
    "paired_folders",
    "parse_idx",
    "read_idx",
    "resumable_batches",
    "ring",
    "ring_mixture",
    "scale_to_symmetric",
    "unpaired_arrays",
    "unpaired_folders",
    "write_idx",
]

if TYPE_CHECKING:
    from ganlib.data.device import DeviceData


def __getattr__(name: str) -> Any:
    # DeviceData needs TensorFlow; importing it lazily keeps `import ganlib.data` cheap.
    if name == "DeviceData":
        from ganlib.data.device import DeviceData

        return DeviceData
    raise AttributeError(f"module 'ganlib.data' has no attribute {name!r}")
