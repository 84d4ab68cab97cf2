"""GAN callbacks: ordinary `keras.callbacks.Callback`s that add what is GAN-specific.

Example:
    >>> from ganlib import callbacks
    >>> sorted(callbacks.__all__)[:3]
    ['AdaptiveAugmentation', 'DivergenceGuard', 'GANCheckpoint']
"""

from __future__ import annotations

from ganlib.callbacks.adaptive import AdaptiveAugmentation
from ganlib.callbacks.checkpointing import GANCheckpoint
from ganlib.callbacks.divergence import DivergenceGuard
from ganlib.callbacks.ema import GeneratorEMA
from ganlib.callbacks.monitor import MetricMonitor
from ganlib.callbacks.sample_grid import SampleGrid, image_grid, image_summary, write_png
from ganlib.callbacks.tensorboard import TensorBoardSamples, scalar_summary
from ganlib.callbacks.translation_grid import TranslationGrid

__all__ = [
    "AdaptiveAugmentation",
    "DivergenceGuard",
    "GANCheckpoint",
    "GeneratorEMA",
    "MetricMonitor",
    "SampleGrid",
    "TensorBoardSamples",
    "TranslationGrid",
    "image_grid",
    "image_summary",
    "scalar_summary",
    "write_png",
]
