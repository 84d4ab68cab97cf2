"""Trainer-owned state: extra variables, EMA weights, divergence status, checkpoint groups.

`TrainerState` is a mixin for `keras.Model` trainers (`GANTrainer` uses it). The trainer owns
every piece of its state; callbacks read and change it only through these methods (and
`model.stop_training`), never by setting attributes on the model:

- `track_state(name, variable)` registers an extra non-trainable variable (an augmentation
  probability, an image pool, a data position) that checkpoints save and restore by name;
- `create_ema_weights()`, `ema_weights` and `ema_swapped()` hold the generator's moving average
  (`GeneratorEMA` only updates it);
- `mark_diverged(...)`, `clear_divergence()`, `diverged` and `divergence` hold the divergence
  status (`DivergenceGuard` sets it, `GANCheckpoint` reads it);
- `checkpoint_groups()` names every variable list to save (the checkpoint protocol, with
  `compat_config()`); `keep_restored(arrays)` holds restored EMA / tracked-state arrays until
  their variables exist.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import keras
import numpy as np

__all__ = ["TrainerState"]

EMA_GROUP = "ema"
STATE_PREFIX = "state:"


class _Store:
    """Plain holder, so Keras does not track these variables as the trainer's own weights."""

    def __init__(self) -> None:
        self.tracked: dict[str, keras.Variable] = {}
        self.pending: dict[str, list[np.ndarray]] = {}
        self.ema: list[keras.Variable] | None = None
        self.ema_swapped = False
        self.divergence: dict[str, Any] | None = None
        self.traced_generate: Any = None  # `generate` traced once for sampling


class TrainerState:
    """Mixin giving a `keras.Model` trainer one owner for its extra state (see module doc).

    A subclass calls `self._init_state()` in `__init__` and implements `core_checkpoint_groups()`
    (its networks, optimizers and counters) and `compat_config()`.

    Example:
        >>> import keras
        >>> from ganlib import GANTrainer
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> trainer = GANTrainer(g, d, seed=0)
        >>> trainer.track_state("p", keras.Variable(0.0, trainable=False))
        >>> trainer.compile()
        >>> "state:p" in trainer.checkpoint_groups()
        True
    """

    generator: keras.Model

    def _init_state(self) -> None:
        self._store = _Store()

    def _traced_generate(self) -> Any:
        """The `generate` hook with `training=False`, traced once as a `tf.function`: sampling
        calls it batch after batch, and an eager Keras call costs several times a traced one
        (47 against 5 ms a batch of 256 for the ring's MLP generator)."""
        if self._store.traced_generate is None:
            import tensorflow as tf

            generate = self.generate  # type: ignore[attr-defined]

            def call(z: Any, labels: Any = None) -> Any:
                return generate(z, labels, False)

            self._store.traced_generate = tf.function(call, reduce_retracing=True)
        return self._store.traced_generate

    # ------------------------------------------------------------- tracked state
    def track_state(self, name: str, variable: keras.Variable) -> None:
        """Registers a non-trainable variable saved and restored by checkpoints as `name`.

        Registering after a restore assigns the restored value at once.
        """
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"`name` must be a non-empty string without '/'. Received: {name!r}")
        if not isinstance(variable, keras.Variable):
            raise TypeError(f"`variable` must be a keras.Variable. Received: {variable!r}")
        known = self._store.tracked.get(name)
        if known is not None and known is not variable:
            raise ValueError(f"A state variable named {name!r} is already tracked.")
        self._store.tracked[name] = variable
        self._apply_pending(STATE_PREFIX + name, [variable])

    @property
    def tracked_state(self) -> dict[str, keras.Variable]:
        """The variables registered with `track_state`, by name (a copy of the mapping)."""
        return dict(self._store.tracked)

    # ---------------------------------------------------------------------- EMA
    @property
    def ema_weights(self) -> list[keras.Variable] | None:
        """The generator's EMA weights (one per `generator.weights`), or None before creation."""
        return None if self._store.ema is None else list(self._store.ema)

    def create_ema_weights(self) -> list[keras.Variable]:
        """Creates the EMA weights as copies of the generator's (once); returns them.

        When a checkpoint with EMA weights was restored before, they take its values.
        """
        if self._store.ema is None:
            strategy = getattr(self, "distribute_strategy", None)
            with strategy.scope() if strategy is not None else contextlib.nullcontext():
                self._store.ema = [
                    keras.Variable(np.array(w.numpy()), trainable=False, name=f"ema_{i}")
                    for i, w in enumerate(self.generator.weights)
                ]
            self._apply_pending(EMA_GROUP, self._store.ema)
        return list(self._store.ema)

    def swap_ema_weights(self) -> None:
        """Exchanges the generator's weights with the EMA weights (call again to swap back)."""
        for ema, w in zip(self.create_ema_weights(), self.generator.weights, strict=True):
            current = np.array(w.numpy())
            w.assign(ema)
            ema.assign(current)
        self._store.ema_swapped = not self._store.ema_swapped

    @contextlib.contextmanager
    def ema_swapped(self, use_ema: bool = True) -> Iterator[None]:
        """Context in which the generator holds the EMA weights, when there are any."""
        if not use_ema or self._store.ema is None or self._store.ema_swapped:
            yield
            return
        self.swap_ema_weights()
        try:
            yield
        finally:
            self.swap_ema_weights()

    @property
    def ema(self) -> Any:
        """Deprecated: use `ema_weights`, `ema_swapped()` and `swap_ema_weights()`."""
        warnings.warn(
            "GANTrainer.ema is deprecated: the trainer owns the EMA weights; use "
            "trainer.ema_weights, trainer.ema_swapped() or trainer.swap_ema_weights().",
            DeprecationWarning,
            stacklevel=2,
        )
        return None if self.ema_weights is None else _EMAView(self)

    # --------------------------------------------------------------- divergence
    def mark_diverged(self, message: str, **where: int) -> None:
        """Records that training diverged (`where`: epoch, batch, step); checkpoints stop."""
        self._store.divergence = {"message": str(message), **where}

    def clear_divergence(self) -> None:
        """Forgets a recorded divergence (a new `fit` starts clean)."""
        self._store.divergence = None

    @property
    def diverged(self) -> bool:
        """True after `mark_diverged` (until `clear_divergence`)."""
        return self._store.divergence is not None

    @property
    def divergence(self) -> dict[str, Any] | None:
        """`{"message", "epoch", "batch", "step"}` of the recorded divergence, or None."""
        return None if self._store.divergence is None else dict(self._store.divergence)

    # -------------------------------------------------------------- checkpoints
    def core_checkpoint_groups(self) -> dict[str, list[Any]]:
        """The variable groups every checkpoint of this trainer holds (subclasses implement)."""
        raise NotImplementedError

    def checkpoint_groups(self) -> dict[str, list[Any]]:
        """Every variable list a checkpoint saves, by group name (the checkpoint protocol)."""
        groups = dict(self.core_checkpoint_groups())
        if self._store.ema is not None:
            groups[EMA_GROUP] = list(self._store.ema)
        for name, variable in self._store.tracked.items():
            groups[STATE_PREFIX + name] = [variable]
        return groups

    @staticmethod
    def is_optional_group(group: str) -> bool:
        """True for groups a checkpoint may hold before the trainer has their variables (EMA
        weights, `track_state` variables): restoring keeps them with `keep_restored`."""
        return group == EMA_GROUP or group.startswith(STATE_PREFIX)

    def keep_restored(self, arrays: dict[str, list[np.ndarray]]) -> None:
        """Keeps restored arrays of optional groups without variables yet, until
        `create_ema_weights` / `track_state` creates them (replaces what was kept before)."""
        self._store.pending = {g: list(a) for g, a in arrays.items()}

    def _apply_pending(self, group: str, variables: list[Any]) -> None:
        values = self._store.pending.pop(group, None)
        if values is None:
            return
        shapes = [tuple(v.shape) for v in variables]
        if [tuple(a.shape) for a in values] != shapes:
            raise ValueError(
                f"The restored checkpoint's {group!r} arrays have shapes "
                f"{[a.shape for a in values]}; the trainer's variables {shapes}."
            )
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


class _EMAView:
    """What `TrainerState.ema` used to return (a `GeneratorEMA`), kept for old call shapes."""

    def __init__(self, trainer: TrainerState) -> None:
        self._trainer = trainer
        self.built = True

    @property
    def variables(self) -> list[keras.Variable]:
        return self._trainer.create_ema_weights()

    def swap(self) -> None:
        self._trainer.swap_ema_weights()

    @contextlib.contextmanager
    def swapped(self) -> Iterator[None]:
        with self._trainer.ema_swapped():
            yield
