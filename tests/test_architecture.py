"""The package's shape, read from its source (AST): import cycles, private names taken across modules, file sizes.

Every import counts, lazy and ``TYPE_CHECKING`` ones included: no module may lie on an import cycle or take another
module's private names, and no file may grow past 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dataaudit"
MAX_LINES = 600

# modules allowed on an import cycle: none (every import counts, lazy and TYPE_CHECKING ones too)
IN_CYCLES: set[str] = set()
# (importing module, module, name): none left; a new one fails the test
PRIVATE_TAKEN: set[tuple[str, str, str]] = set()


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(modules: dict[str, Path]) -> tuple[dict[str, set[str]], set[tuple[str, str, str]]]:
    """Module -> the package modules it imports; and every (module, other module, private name) taken."""
    edges: dict[str, set[str]] = {}
    private: set[tuple[str, str, str]] = set()
    for name, path in modules.items():
        parts = name.split(".") if name else []  # "" is the package's own __init__
        here = parts if path.name == "__init__.py" else parts[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                    target = ".".join(base + ([node.module] if node.module else []))
                elif node.module and node.module.split(".")[0] == "dataaudit":
                    target = node.module.partition(".")[2]
                else:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}" if target else alias.name
                    if sub in modules:
                        targets.add(sub)
                        continue
                    targets.add(target)
                    if alias.name.startswith("_") and not alias.name.startswith("__") and target != name:
                        private.add((name, target, alias.name))
            elif isinstance(node, ast.Import):
                targets |= {a.name.partition(".")[2] for a in node.names if a.name.split(".")[0] == "dataaudit"}
        edges[name] = {t for t in targets if t in modules and t != name}
    return edges, private


def _in_cycles(edges: dict[str, set[str]]) -> set[str]:
    """The modules that lie on some import cycle (strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.update(component)

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_no_module_joins_an_import_cycle():
    edges, _ = _imports(_modules())
    joined = sorted(name or "dataaudit (the package's __init__: import __version__ from ._version)"
                    for name in _in_cycles(edges) - IN_CYCLES)
    assert not joined, f"these modules now lie on an import cycle: {joined}"


def test_no_new_private_name_is_taken_across_modules():
    _, private = _imports(_modules())
    new = sorted(private - PRIVATE_TAKEN)
    assert not new, f"private names imported from another module (make them public, or move them): {new}"


def test_no_file_grows_past_600_lines():
    too_long = {}
    for name, path in _modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[name] = lines
    assert not too_long, f"files over {MAX_LINES} lines: {too_long}"


def test_the_analysis_sees_real_imports(tmp_path):
    """The graph is read right (a test of the test): known edges of the package, and a made-up package's cycle
    through a lazy import and its private name."""
    edges, _ = _imports(_modules())
    assert "api" in edges[""] and "analysis.findings" in edges["analysis.rules"] and "fixing.driver" in edges["fixing.stream"]
    fake = tmp_path / "pkg"
    (fake / "sub").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "a.py").write_text("from .sub.b import helper\n")
    (fake / "sub" / "__init__.py").write_text("")
    (fake / "sub" / "b.py").write_text("def helper():\n    from ..a import _secret\n")
    edges, private = _imports(_modules(fake))
    assert _in_cycles(edges) == {"a", "sub.b"}
    assert private == {("sub.b", "a", "_secret")}
