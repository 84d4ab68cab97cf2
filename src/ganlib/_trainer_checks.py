"""Argument checks of `GANTrainer` (private): constructor, models, optimizers and numpy inputs.

Each check raises the `ValueError`/`TypeError` the trainer documents, naming the argument and the
value received; the trainer calls them before it changes any state.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import keras
import numpy as np

from ganlib._compat import flatten_layers
from ganlib.models.packing import packed_shape
from ganlib.sampling.temperature import check_temperature

DATA_HINT = "convert images with ganlib.data.from_array (float32 in [-1, 1]) before training"


class ModelInfo(NamedTuple):
    """What `check_models` reads from the two networks."""

    conditional: bool
    latent_shape: tuple[int, ...]
    latent_dim: int
    data_shape: tuple[Any, ...]
    num_classes: int | None


def _input_shapes(model: keras.Model) -> list[tuple[int | None, ...]]:
    inputs = getattr(model, "inputs", None)
    if not inputs:
        return []
    return [tuple(t.shape[1:]) for t in inputs]


def _find_num_classes(model: keras.Model) -> int | None:
    for layer in flatten_layers(model):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_init_args(
    generator: Any,
    discriminator: Any,
    loss: Any,
    penalties: Any,
    d_steps: Any,
    g_steps: Any,
    seed: Any,
) -> tuple[Any, tuple[Any, ...]]:
    """Checks the constructor arguments; returns `(loss, penalties)` with the defaults filled in."""
    if not isinstance(generator, keras.Model):
        raise TypeError(f"`generator` must be a keras.Model. Received: {type(generator)}")
    if not isinstance(discriminator, keras.Model):
        raise TypeError(f"`discriminator` must be a keras.Model. Received: {type(discriminator)}")
    for name, value in (("d_steps", d_steps), ("g_steps", g_steps)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={value!r}")
    from ganlib import losses

    if loss is None:
        loss = losses.NonSaturating()
    elif not isinstance(loss, losses.GANLoss) and all(
        callable(getattr(loss, m, None)) for m in ("generator", "discriminator")
    ):
        warnings.warn(
            "Passing a loss that is not a ganlib.losses.GANLoss is deprecated: wrap it with "
            "ganlib.losses.adapt_loss(loss), which checks its signature.",
            DeprecationWarning,
            stacklevel=3,
        )
    loss = losses.adapt_loss(loss)  # checks the contract once; a GANLoss comes back as is
    if isinstance(penalties, (str, bytes)) or not isinstance(penalties, Sequence):
        penalties = (penalties,)  # a lone penalty: checked below like a list item
    checked = []
    for p in penalties:
        if not isinstance(p, losses.Penalty):
            if not callable(p):
                raise TypeError(
                    "`penalties` must be a sequence of ganlib.losses.Penalty objects. "
                    f"Received: penalties={penalties!r}"
                )
            warnings.warn(
                "Passing a penalty that is not a ganlib.losses.Penalty is deprecated: wrap it "
                "with ganlib.losses.adapt_penalty(fn, name=..., weight=...).",
                DeprecationWarning,
                stacklevel=3,
            )
        checked.append(losses.adapt_penalty(p))
    if seed is not None and not (_is_int(seed) and 0 <= seed < 2**63):
        raise ValueError(
            f"`seed` must be None or a non-negative integer < 2**63. Received: seed={seed!r}"
        )
    return loss, tuple(checked)


def check_models(
    generator: keras.Model,
    discriminator: keras.Model,
    latent_dim: int | None,
    num_classes: int | None,
    pack: int = 1,
) -> ModelInfo:
    """Checks that the two networks fit together; reads latent size, data shape and classes.

    With `pack` = m > 1 the discriminator takes packs: the generator output with its last axis
    multiplied by m (`ganlib.models.packed_shape`).
    """
    g_in, d_in = _input_shapes(generator), _input_shapes(discriminator)
    if len(g_in) not in (1, 2) or len(d_in) not in (1, 2):
        raise ValueError(
            "`generator` and `discriminator` must be built models with 1 input (or 2 "
            f"when conditional). Received input shapes: generator={g_in}, "
            f"discriminator={d_in}"
        )
    if len(g_in) != len(d_in):
        raise ValueError(
            "Both models must be conditional (2 inputs) or neither. Received: "
            f"generator inputs={g_in}, discriminator inputs={d_in}"
        )
    conditional = len(g_in) == 2
    latent_shape = tuple(int(s) for s in g_in[0] if s is not None)
    if len(latent_shape) != len(g_in[0]):
        raise ValueError(f"The generator latent input must be fully defined. Got {g_in[0]}")
    found = latent_shape[-1]
    if latent_dim is not None and latent_dim != found:
        raise ValueError(
            f"`latent_dim` does not match the generator input size {found}. "
            f"Received: latent_dim={latent_dim}"
        )
    g_out = tuple(generator.outputs[0].shape[1:])
    if pack > 1 and packed_shape(g_out, pack) != d_in[0]:
        raise ValueError(
            f"With pack={pack} the discriminator must take packed inputs of shape "
            f"{packed_shape(g_out, pack)} (the generator output {g_out}, last axis x{pack}; "
            f"e.g. a builder with pack={pack}). Received discriminator input shape {d_in[0]}"
        )
    if pack == 1 and g_out != d_in[0]:
        raise ValueError(
            f"Generator output shape {g_out} must equal the discriminator input shape {d_in[0]}."
        )
    if conditional:
        found_classes = _find_num_classes(generator)
        if num_classes is None:
            num_classes = found_classes
        if num_classes is None or num_classes < 1:
            raise ValueError(
                "A conditional generator needs `num_classes` (none found in an Embedding "
                f"layer). Received: num_classes={num_classes}"
            )
        num_classes = int(num_classes)
    elif num_classes is not None:
        raise ValueError(
            f"`num_classes` is only for conditional models. Received: num_classes={num_classes}"
        )
    return ModelInfo(conditional, latent_shape, found, g_out, num_classes)


def check_optimizers(
    g_optimizer: Any, d_optimizer: Any, kwargs: dict[str, Any]
) -> tuple[keras.optimizers.Optimizer, keras.optimizers.Optimizer]:
    """Checks `compile` arguments; returns the two optimizers (`optimizers.dcgan()` defaults)."""
    for key in ("optimizer", "loss", "metrics"):
        if key in kwargs:
            raise TypeError(f"GANTrainer.compile() takes g_optimizer/d_optimizer, not `{key}`.")
    if g_optimizer is None or d_optimizer is None:
        from ganlib import optimizers

        default_g, default_d = optimizers.dcgan()
        g_optimizer = g_optimizer or default_g
        d_optimizer = d_optimizer or default_d
    if g_optimizer is d_optimizer:
        raise ValueError("`g_optimizer` and `d_optimizer` must be two different instances.")
    for name, opt in (("g_optimizer", g_optimizer), ("d_optimizer", d_optimizer)):
        if not isinstance(opt, keras.optimizers.Optimizer):
            raise TypeError(f"`{name}` must be a keras optimizer. Received: {opt!r}")
    return g_optimizer, d_optimizer


def check_array(
    x: np.ndarray,
    y: Any,
    data_shape: tuple[Any, ...],
    conditional: bool,
    num_classes: int | None,
) -> None:
    """Checks numpy inputs of `fit`: float samples of the discriminator's shape, int labels."""
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"`x` must be a float array; got dtype {x.dtype}: {DATA_HINT}.")
    if tuple(x.shape[1:]) != data_shape:
        raise ValueError(
            f"`x` samples must have shape {data_shape} (the discriminator input). "
            f"Received: x.shape={x.shape}"
        )
    if conditional and y is None:
        raise ValueError("This GAN is conditional: pass integer labels `y` to fit(x, y).")
    if not conditional and y is not None:
        raise ValueError("`y` was given but the models are unconditional: call fit(x).")
    if y is not None:
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.integer) or len(y) != len(x):
            raise ValueError(
                f"`y` must be integer labels, one per sample. Received dtype {y.dtype}, "
                f"shape {y.shape} for {len(x)} samples"
            )
        assert num_classes is not None
        if y.size and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(
                f"`y` must lie in [0, {num_classes}). Received: [{y.min()}, {y.max()}]"
            )


def check_sample_args(n: Any, batch_size: int, temperature: Any = 1.0) -> float:
    """Checks `sample`'s count, batch size and temperature; returns the temperature."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"`n` must be a non-negative integer. Received: n={n!r}")
    if batch_size <= 0:
        raise ValueError(f"`batch_size` must be positive. Received: batch_size={batch_size}")
    return check_temperature(temperature)


def sample_labels(
    n: int, labels: Any, conditional: bool, num_classes: int | None
) -> np.ndarray | None:
    """`sample`'s int32 labels: `labels` checked, or classes `0, 1, 2, ...` in turn."""
    label_array = None
    if conditional:
        assert num_classes is not None
        if labels is None:
            label_array = np.arange(n) % num_classes
        else:
            label_array = np.asarray(labels).reshape(-1)
            if len(label_array) != n:
                raise ValueError(f"`labels` must have length n={n}. Got {len(label_array)}")
        label_array = label_array.astype("int32")
    elif labels is not None:
        raise ValueError("`labels` was given but the generator is unconditional.")
    return label_array


def unpack_batch(data: Any, conditional: bool, dtype: Any) -> tuple[Any, Any]:
    """A step's `(x, labels)`: x floating point (cast to `dtype`), labels iff conditional."""
    import tensorflow as tf

    x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"Training data must be floating point; got {x.dtype.name}: {DATA_HINT}.")
    if conditional and y is None:
        raise ValueError("This GAN is conditional: pass labels, e.g. fit(x, y).")
    if not conditional and y is not None:
        raise ValueError("Labels were given but the models are unconditional: call fit(x).")
    return tf.cast(x, dtype), y


def loss_scaled(models: Sequence[Any], g_optimizer: Any, d_optimizer: Any) -> tuple[Any, Any]:
    """Both optimizers wrapped in `LossScaleOptimizer` when a model uses `mixed_float16`."""
    if "mixed_float16" not in {m.dtype_policy.name for m in models}:
        return g_optimizer, d_optimizer
    scaler = keras.optimizers.LossScaleOptimizer
    if not isinstance(g_optimizer, scaler):
        g_optimizer = scaler(g_optimizer, name="g_loss_scale_optimizer")
    if not isinstance(d_optimizer, scaler):
        d_optimizer = scaler(d_optimizer, name="d_loss_scale_optimizer")
    return g_optimizer, d_optimizer
