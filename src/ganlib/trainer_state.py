"""Deprecated: the trainer-to-arrays mapping moved to `ganlib.checkpoint` (`checkpoint.mapping`).

Every name is still importable from here, with a `DeprecationWarning`.

Example:
    >>> import warnings
    >>> from ganlib import trainer_state
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     fn = trainer_state.save_trainer
    >>> fn.__module__, caught[0].category.__name__
    ('ganlib.checkpoint.mapping', 'DeprecationWarning')
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_MOVED = (
    "compat_config",
    "is_chief",
    "match_groups",
    "restore_trainer",
    "save_trainer",
    "trainer_arrays",
)


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(
            f"ganlib.trainer_state.{name} is deprecated: import it from ganlib.checkpoint.",
            DeprecationWarning,
            stacklevel=2,
        )
        from ganlib import checkpoint

        return getattr(checkpoint, name)
    raise AttributeError(f"module 'ganlib.trainer_state' has no attribute {name!r}")
