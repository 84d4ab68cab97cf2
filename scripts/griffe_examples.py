"""Griffe extension for the docs build: read ganlib's ``Example:`` headings as example sections.

ganlib's docstrings use the Google-style heading ``Example:`` (singular). Griffe's Google parser
only knows ``Examples:`` and renders ``Example:`` as a plain admonition, so the ``>>>`` lines
would be shown as prose. This extension renames the heading before parsing. It is loaded by
``mkdocs.yml`` (``plugins.mkdocstrings.handlers.python.options.extensions``) and changes nothing
in the package itself.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_HEADING = re.compile(r"^(\s*)Example:\s*$", flags=re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rewrites ``Example:`` section headings to ``Examples:`` in every loaded docstring."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Called by griffe once per loaded object."""
        if obj.docstring is not None:
            obj.docstring.value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
