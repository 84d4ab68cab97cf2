"""Documentation checks: public names documented, docstring examples run, the site builds.

- every name in each public module's ``__all__`` has a docstring with an ``Example`` section
  (classes, functions, submodules) or an attribute docstring (constants, type aliases), and is
  mentioned in code font somewhere in ``docs/``;
- every docstring example runs as a doctest;
- ``mkdocs build --strict`` passes (broken links, missing pages, unresolved references and
  docstring warnings fail it), and every public name has an anchor in the rendered API
  reference. Skipped only when MkDocs is not installed *and* ``CI`` is unset.
- the committed pictures are small and used.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SRC = ROOT / "src"
MODULES = [
    "losses",
    "optimizers",
    "models",
    "data",
    "trainer",
    "callbacks",
    "metrics",
    "cli",
    "checkpoint",  # rendered on the trainer page
    "distribute",  # rendered on the scaling page
    "augment",  # rendered on the quality page
    "sampling",  # rendered on the quality page
    "state",  # rendered on the trainer page
    "plots",
    "export",
    "latent",
    "registry",  # its own page under api/
]
MODULE_PAGES = ["losses", "optimizers", "models", "data", "trainer", "callbacks", "metrics", "cli"]


def _import(name: str) -> types.ModuleType:
    try:
        return importlib.import_module(f"ganlib.{name}")
    except ModuleNotFoundError as error:
        if error.name in (f"ganlib.{name}", "ganlib"):
            pytest.fail(f"ganlib.{name} is listed as a public module but is missing from the tree")
        raise


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _code_text(markdown: str) -> str:
    """Everything in code font: fenced blocks and inline code spans."""
    blocks = re.findall(r"^```.*?^```", markdown, flags=re.MULTILINE | re.DOTALL)
    without_blocks = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", without_blocks)
    return "\n".join(blocks + spans)


def _source_files(module: types.ModuleType) -> list[Path]:
    if hasattr(module, "__path__"):
        return sorted(Path(next(iter(module.__path__))).rglob("*.py"))
    return [Path(str(module.__file__))]


def _attribute_docstring(module: types.ModuleType, name: str) -> str | None:
    """The docstring of a module-level constant: a string literal right after its assignment.

    (``#:`` comments are not read by mkdocstrings: such a constant is left out of the reference.)
    """
    for path in _source_files(module):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for index, node in enumerate(body):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            elif sys.version_info >= (3, 12) and isinstance(node, ast.TypeAlias):
                targets = [node.name]
            if not any(isinstance(t, ast.Name) and t.id == name for t in targets):
                continue
            following = body[index + 1] if index + 1 < len(body) else None
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                return following.value.value
    return None


def _is_documentable(obj: object) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj)


@pytest.mark.parametrize("name", MODULES)
def test_public_names_have_docstrings_with_examples(name: str) -> None:
    module = _import(name)
    public = getattr(module, "__all__", None)
    assert public, f"ganlib.{name} has no __all__"
    problems = []
    for attr in public:
        obj = getattr(module, attr)
        if inspect.ismodule(obj):  # a public submodule: a docstring, and its own names checked
            if not (obj.__doc__ or "").strip():
                problems.append(f"{attr}: module without a docstring")
            for inner in getattr(obj, "__all__", []):
                doc = getattr(getattr(obj, inner), "__doc__", None) or ""
                if _is_documentable(getattr(obj, inner)) and "Example" not in doc:
                    problems.append(f"{attr}.{inner}: docstring has no Example section")
        elif _is_documentable(obj):
            doc = obj.__doc__ or ""  # own docstring, not one inherited from a base class
            if not doc.strip():
                problems.append(f"{attr}: no docstring")
            elif "Example" not in doc:
                problems.append(f"{attr}: docstring has no Example section")
        elif not _attribute_docstring(module, attr):
            problems.append(f"{attr}: constant without an attribute docstring")
    assert not problems, f"ganlib.{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", MODULES)
def test_public_names_are_mentioned_in_docs(name: str) -> None:
    module = _import(name)
    code = _code_text(_docs_text())
    missing = [
        attr for attr in getattr(module, "__all__", []) if not re.search(rf"\b{attr}\b", code)
    ]
    assert not missing, f"ganlib.{name}: not mentioned in code font in docs/*.md: {missing}"


@contextlib.contextmanager
def _registries_restored() -> Iterator[None]:
    """Undoes what docstring examples register (`losses.register(Tempered)`): other tests in the
    same worker read whole registries (the command line's loss choices)."""
    from ganlib.losses.registry import LOSSES, PENALTIES
    from ganlib.models.registry import BUILDERS
    from ganlib.optimizers import PRESET_FUNCTIONS

    with contextlib.ExitStack() as stack:
        for table in (LOSSES, PENALTIES, BUILDERS, PRESET_FUNCTIONS):
            stack.enter_context(table.temporary())
        yield


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _import(name)
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    names = [module.__name__]
    if hasattr(module, "__path__"):
        prefix = f"{module.__name__}."
        names += [
            info.name
            for info in pkgutil.walk_packages(module.__path__, prefix)
            if not info.name.endswith(".__main__")  # importing it would run the program
        ]
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    attempted = 0
    with _registries_restored():
        for module_name in names:
            for test in finder.find(importlib.import_module(module_name), module_name):
                if test.examples:
                    result = runner.run(test, out=report.append)
                    attempted += result.attempted
    assert runner.failures == 0, "".join(report)
    assert attempted > 0, f"ganlib.{name} has no docstring examples"


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed under CI: install the docs extra (.[docs])")
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]'); CI runs this check")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    assert (site / "index.html").exists()
    # Every public name is rendered in the API reference: it has an anchor ganlib.<module>.<name>.
    html = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    anchors = set(re.findall(r'id="(ganlib\.[\w.]+)"', html))
    missing = [
        f"ganlib.{name}.{attr}"
        for name in MODULES
        for attr in getattr(_import(name), "__all__", [])
        if f"ganlib.{name}.{attr}" not in anchors
    ]
    assert not missing, f"public names missing from the rendered API reference: {missing}"


def test_nav_lists_every_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    missing = [p for p in pages if p not in nav]
    assert not missing, f"pages not in the mkdocs.yml nav: {missing}"
    for name in MODULE_PAGES:
        assert f"{name}.md" in nav, f"docs/{name}.md (the ganlib.{name} page) is not in the nav"


def test_pictures_are_small_and_used() -> None:
    pictures = sorted((DOCS / "img").glob("*.png"))
    text = _docs_text()
    for picture in pictures:
        assert picture.stat().st_size < 200_000, f"{picture.name} is over 200 KB"
        assert picture.read_bytes()[:4] == b"\x89PNG", f"{picture.name} is not a PNG"
        assert f"img/{picture.name}" in text, f"{picture.name} is not used by any page"
    used = set(re.findall(r"img/([\w.-]+\.png)", text))
    assert used <= {p.name for p in pictures}, (
        f"missing pictures: {used - {p.name for p in pictures}}"
    )
