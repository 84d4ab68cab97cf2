"""ganlib's internal imports form a DAG: no module reaches itself through its imports.

Every `import`/`from ... import` of a ganlib module counts, also inside functions (a lazy import
still ties two modules together); only `if TYPE_CHECKING:` blocks are skipped. Importing
`ganlib.a.b` also runs the package `ganlib.a` first, so it counts as an import of `ganlib.a` too
(except from inside that package). The root package `ganlib` imports its submodules lazily by
design and is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / "ganlib").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imported(name: str, node: ast.AST, modules: dict[str, Path]) -> set[str]:
    """The ganlib modules one import statement of module `name` loads."""
    package = name if modules[name].name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    if isinstance(node, ast.Import):
        targets = {alias.name for alias in node.names}
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        targets = {base} | {f"{base}.{alias.name}" for alias in node.names}
    loaded = set()
    for target in targets:
        while target.startswith("ganlib.") and target not in modules:
            target = target.rpartition(".")[0]  # `from ganlib.x import name`: the module x
        parts = target.split(".")
        for i in range(2, len(parts) + 1):  # the packages run first, the module last
            prefix = ".".join(parts[:i])
            if prefix in modules and not (name + ".").startswith(prefix + "."):
                loaded.add(prefix)
    return loaded - {name}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno not in skip:
                edges |= _imported(name, node, modules)
        graph[name] = edges if name != "ganlib" else set()
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a list of nodes (first == last), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_circle_and_accepts_a_dag() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_lazy_and_package_imports() -> None:
    graph = import_graph()
    assert "ganlib.checkpoint.format" in graph["ganlib.checkpoint"]
    assert "ganlib.losses" in graph["ganlib._trainer_checks"]  # imported inside a function
    assert "ganlib.checkpoint" in graph["ganlib.callbacks.checkpointing"]


def test_ganlib_internal_imports_form_a_dag() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_checkpoint_file_format_imports_nothing_else_from_ganlib() -> None:
    assert import_graph()["ganlib.checkpoint.format"] == set()
