"""`RunConfig`: the exact configuration of a `ganlib train` run, saved as `config.json`."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ganlib._atomic import write_text
from ganlib.cli._presets import LEGACY_LOSSES

__all__ = ["CONFIG_FILE", "RUN_FORMAT", "RunConfig"]

CONFIG_FILE = "config.json"
"""Name of the configuration file inside a run folder."""
RUN_FORMAT = "ganlib-run"
"""Value of the `format` key that marks a ganlib run configuration."""

# Options that may differ between a run and its `--resume` (the training length).
_LENGTH = ("epochs", "steps")


@dataclass
class RunConfig:
    """Every setting of a training run; `config.json` in the run folder holds `to_dict()`.

    Command-line options map one to one onto fields (`--batch-size` -> `batch_size`).
    Fields below `image_size` are resolved from the data and the options: `total_steps`
    and `epochs` are the training length actually used, `steps_per_epoch` the batches per
    epoch, and `generator`/`discriminator` the `ganlib.models.serialize` form of the
    builders, so a run can be rebuilt from its folder. `jit_compile` (XLA for the training
    step) is fixed when the run starts and kept by `--resume`, so a resumed run repeats the
    same computation; folders of earlier versions lack it (None: XLA for vector data).
    `device_data` (batches drawn inside the compiled step from a `ganlib.data.DeviceData`,
    not from a host `tf.data` pipeline) is fixed the same way; folders of earlier versions
    lack it (False: the host pipeline). `info_categories` and `info_noise_scale` are the
    `InfoGANTrainer` settings of an `--arch infogan` run (0 and 1.0 otherwise, and in folders
    of earlier versions: a plain `GANTrainer`). `rejection_bins` is how a refined
    discriminator is calibrated for `rejection` sampling: 0, Platt scaling (also in folders of
    earlier versions), or a `ganlib.sampling.BinnedCalibration` of that many bins.
    `recalibrate_batch_norm`: the BatchNorm statistics of the generator weights that sample
    (the EMA weights) are re-estimated from their own samples for `generator.keras` and for
    sampling from a checkpoint (`ganlib.cli._recalibration`); off in folders of earlier
    versions, which keep the statistics training left. `sample_temperature`: the latent
    temperature `ganlib sample`, `evaluate` and `export` use unless told otherwise (1 in folders
    of earlier versions; `ganlib.sampling.with_temperature`).

    Example:
        >>> config = RunConfig(dataset="ring", kind="ring", steps=100)
        >>> RunConfig.from_dict(config.to_dict()) == config
        True
        >>> config.differences(RunConfig(dataset="ring", kind="ring", arch="dcgan"))
        ['--arch: the run has mlp, the command line dcgan']
    """

    dataset: str
    kind: str
    arch: str = "mlp"
    loss: str = "non_saturating"
    preset: str = "dcgan"
    d_steps: int = 1
    gp_weight: float = 0.0
    lr: float | None = None
    batch_size: int = 64
    latent_dim: int = 100
    seed: int = 0
    epochs: int | None = None
    steps: int | None = None
    ema: bool = False
    lr_decay: bool = False
    r1: float = 0.0
    r1_every: int = 1
    pack: int = 1
    augment: str | None = None
    beta_1: float | None = None
    beta_2: float | None = None
    d_lr_scale: float = 1.0
    rejection: str | None = None
    rejection_gamma: float = 0.0
    rejection_refine: int = 0
    rejection_ascent: int = 0
    rejection_bins: int = 0
    recalibrate_batch_norm: bool = False
    sample_temperature: float = 1.0
    info_categories: int = 0
    info_noise_scale: float = 1.0
    jit_compile: bool | None = None
    device_data: bool = False
    conditional: bool = False
    data: str | None = None
    image_size: int | None = None
    num_examples: int = 0
    data_shape: list[int] = field(default_factory=list)
    num_classes: int | None = None
    steps_per_epoch: int = 0
    total_steps: int = 0
    generator: dict[str, Any] = field(default_factory=dict)
    discriminator: dict[str, Any] = field(default_factory=dict)
    version: str = ""

    @property
    def is_points(self) -> bool:
        """True for vector data such as 2-D points (`data_shape` of rank 1)."""
        return len(self.data_shape) == 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with a `format` marker."""
        return {"format": RUN_FORMAT, **dataclasses.asdict(self)}

    @classmethod
    def from_dict(cls, values: Any, source: str = "config") -> RunConfig:
        """Validates and rebuilds a config; `ValueError` names the bad field and `source`."""
        if not isinstance(values, dict) or values.get("format") != RUN_FORMAT:
            raise ValueError(
                f"{source} is not a ganlib run configuration (no format={RUN_FORMAT!r})"
            )
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known) - {"format"})
        if unknown:
            raise ValueError(f"{source} has unknown field(s): {', '.join(unknown)}")
        kwargs = {k: v for k, v in values.items() if k in known}
        for required in ("dataset", "kind"):
            if not isinstance(kwargs.get(required), str):
                raise ValueError(f"{source}: `{required}` must be a string")
        checks: dict[str, tuple[type, ...]] = {
            "arch": (str,), "loss": (str,), "preset": (str,), "d_steps": (int,),
            "gp_weight": (int, float), "batch_size": (int,), "latent_dim": (int,),
            "seed": (int,), "ema": (bool,), "conditional": (bool,), "num_examples": (int,),
            "lr_decay": (bool,), "r1": (int, float), "pack": (int,), "d_lr_scale": (int, float),
            "rejection_gamma": (int, float), "rejection_refine": (int,), "rejection_ascent": (int,),
            "rejection_bins": (int,),
            "steps_per_epoch": (int,), "total_steps": (int,), "data_shape": (list,),
            "generator": (dict,), "discriminator": (dict,), "version": (str,),
            "device_data": (bool,), "r1_every": (int,), "info_categories": (int,),
            "info_noise_scale": (int, float), "recalibrate_batch_norm": (bool,),
            "sample_temperature": (int, float),
        }  # fmt: skip
        optional: dict[str, tuple[type, ...]] = {
            "lr": (int, float), "epochs": (int,), "steps": (int,), "data": (str,),
            "image_size": (int,), "num_classes": (int,), "augment": (str,),
            "beta_1": (int, float), "beta_2": (int, float), "rejection": (str,),
            "jit_compile": (bool,),
        }  # fmt: skip
        for name, types in [*checks.items(), *optional.items()]:
            if name not in kwargs or (name in optional and kwargs[name] is None):
                continue
            value = kwargs[name]
            bad_bool = isinstance(value, bool) and bool not in types
            if bad_bool or not isinstance(value, types):
                raise ValueError(f"{source}: `{name}` has the wrong type: {value!r}")
        if "sample_temperature" in kwargs:
            t = float(kwargs["sample_temperature"])
            if not (math.isfinite(t) and t > 0):
                raise ValueError(f"{source}: `sample_temperature` must be > 0: {t!r}")
        if kwargs.get("loss") in LEGACY_LOSSES:  # a run folder of an earlier version
            kwargs["loss"] = LEGACY_LOSSES[kwargs["loss"]]
        return cls(**kwargs)

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Writes `folder/config.json` atomically (temp file, then rename)."""
        path = Path(folder) / CONFIG_FILE
        return write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> RunConfig:
        """Reads `folder/config.json`; `FileNotFoundError`/`ValueError` say what is wrong."""
        path = Path(folder) / CONFIG_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: {folder} is not a ganlib run folder")
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"cannot read {path}: {error}") from None
        return cls.from_dict(values, source=str(path))

    def differences(self, other: RunConfig, fields: tuple[str, ...] | None = None) -> list[str]:
        """`--option: the run has A, the command line B` for each differing setting.

        Compares the user-settable options (or `fields`), except the training length
        (`epochs`, `steps`), which `--resume` may change.
        """
        names = fields or (
            "dataset", "arch", "loss", "preset", "d_steps", "lr", "batch_size", "latent_dim",
            "seed", "ema", "conditional", "data", "image_size", "lr_decay", "r1", "pack",
            "augment", "beta_1", "beta_2", "d_lr_scale", "rejection", "rejection_gamma",
            "rejection_refine", "rejection_ascent", "rejection_bins", "r1_every",
            "recalibrate_batch_norm", "sample_temperature",
        )  # fmt: skip
        out = []
        for name in names:
            if name in _LENGTH:
                continue
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                flag = "DATASET" if name == "dataset" else "--" + name.replace("_", "-")
                out.append(f"{flag}: the run has {_show(mine)}, the command line {_show(theirs)}")
        return out


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)
