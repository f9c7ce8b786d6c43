"""The package's shape, read from its source (AST): import cycles, private names taken across modules, file sizes,
and the layers (docs/architecture.md).

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


LEAVES = {"_version", "errors", "progress"}  # imported from anywhere
FRONT = {"", "api", "cli", "transformer", "config", "display", "__main__"}  # public names, verbs, CLI, notebook
LOW = ("core", "io", "analysis")  # lowest first: each imports only itself, the ones before it and LEAVES


def _package(module: str) -> str:
    return module.split(".")[0]


def test_only_the_front_imports_the_engines_and_the_fix_side():
    """engines/ and fixing/ are imported by api, cli, transformer (config: the fix options it checks, the package's
    __init__: FixOptions) and by each other, never by the layers below; and the engines never import fixing/."""
    edges, _ = _imports(_modules())
    wrong = sorted((m, t) for m, targets in edges.items() for t in targets
                   if _package(t) in ("engines", "fixing") and _package(m) not in ("engines", "fixing")
                   and m not in FRONT)
    wrong += sorted((m, t) for m, targets in edges.items() for t in targets
                    if _package(m) == "engines" and _package(t) == "fixing")
    assert not wrong, f"imports of engines/ or fixing/ from below: {wrong}"


def test_core_io_and_analysis_import_nothing_above_them():
    """core < io < analysis: none imports a higher layer, nor checks, steps, formatters, engines, fixing or the front
    (but analysis.registry, which loads the checks so that they register)."""
    edges, _ = _imports(_modules())
    wrong = []
    for m, targets in edges.items():
        if _package(m) not in LOW:
            continue
        allowed = set(LOW[:LOW.index(_package(m)) + 1]) | LEAVES | ({"checks"} if m == "analysis.registry" else set())
        wrong += [(m, t) for t in targets if _package(t) not in allowed]
    assert not sorted(wrong), f"imports upward: {sorted(wrong)}"


def test_checks_steps_and_formatters_share_measures_through_core_not_each_other():
    """A check, a step and a format read what they share from core/ or analysis/: none imports another of the
    three packages, and a check module imports no other check module (only checks/_common)."""
    edges, _ = _imports(_modules())
    plugins = ("checks", "steps", "formatters")
    wrong = sorted((m, t) for m, targets in edges.items() for t in targets
                   if _package(m) in plugins and _package(t) in plugins and _package(m) != _package(t))
    modules = _modules()
    rules = {m for m, path in modules.items() if _package(m) == "checks" and "@check(" in path.read_text(encoding="utf-8")}
    wrong += sorted((m, t) for m, targets in edges.items() for t in targets if m in rules and t in rules)
    assert not wrong, f"imports between checks, steps and formatters: {wrong}"


def test_the_report_loads_no_check():
    """Importing the Report dataclass (analysis.report) loads neither the gradient risk nor any check."""
    edges, _ = _imports(_modules())
    seen, todo = set(), ["analysis.report"]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += edges.get(m, ())
    assert not {m for m in seen if _package(m) == "checks" or m == "analysis.risk"}, sorted(seen)


def test_every_public_module_says_what_it_exports():
    """Every module but the underscore ones defines ``__all__``, and each name it lists is defined there."""
    import importlib

    missing, unknown = [], []
    for name, path in _modules().items():
        if path.name.startswith("_") and path.name != "__init__.py":
            continue
        module = importlib.import_module(f"dataaudit.{name}" if name else "dataaudit")
        if not hasattr(module, "__all__"):
            missing.append(name)
        else:
            unknown += [f"{name}.{n}" for n in module.__all__ if not hasattr(module, n)]
    assert not missing and not unknown, f"no __all__: {missing}; listed but undefined: {unknown}"


def test_no_submodule_shares_a_name_with_the_package_s_public_names():
    """``dataaudit.scan`` is the function, and ``import dataaudit.<x>`` can never replace it (nor fix, diff, ...)."""
    import dataaudit

    clash = sorted(set(dataaudit.__all__) & {name.split(".")[0] for name in _modules() if name})
    assert not clash, f"submodules named as public functions: {clash}"


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
