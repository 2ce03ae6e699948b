"""The package's shape: no import cycle, and the book on the public API only."""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "code" / "convcorr"


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path):
    name = _module_name(path)
    return name if path.stem == "__init__" else name.rpartition(".")[0]


def _package_imports(path):
    """Names ``convcorr.…`` that the file at ``path`` imports (at any depth in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(path).split(".")
                base = ".".join(base[: len(base) - node.level + 1])
                base += f".{node.module}" if node.module else ""
            elif (node.module or "").split(".")[0] == "convcorr":
                base = node.module
            else:
                continue
            if node.module:  # `from . import x` names submodules, not the package
                found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # a submodule, or not
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "convcorr"}
    return found


def import_graph():
    """``{module: [modules of convcorr it imports]}``, subpackages included."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        # importing a.b.c runs a and a.b first, but a package importing its own
        # submodules is not a cycle through them
        targets = _package_imports(path) & set(modules)
        graph[name] = sorted(t for t in targets if t != name)
    return graph


def find_cycle(graph):
    """A list of modules forming an import cycle, or ``None``."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt, [*path, nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in graph:
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


def test_find_cycle_sees_a_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_package_has_no_import_cycle():
    graph = import_graph()
    assert graph.get("convcorr.discrete")  # the parser does see imports
    assert find_cycle(graph) is None


def test_layers_point_one_way():
    graph = import_graph()
    assert "convcorr.discrete" not in graph["convcorr.costmodel"]
    assert {"convcorr.discrete", "convcorr.costmodel"}.isdisjoint(graph["convcorr.methods"])
    assert {"convcorr.discrete", "convcorr.costmodel"}.isdisjoint(graph["convcorr.guards"])


# --- chapters and benchmarks use only public names ---------------------------------


def _code_sources():
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        # IPython magics and shell escapes are not Python
        lines = [ln for src in code for ln in src.splitlines() if not re.match(r"\s*[%!]", ln)]
        yield nb.name, "\n".join(lines)
    for py in sorted((ROOT / "benchmarks").glob("*.py")):
        yield py.name, py.read_text()


def private_uses(source):
    """Private names of convcorr that ``source`` imports or reaches as attributes."""
    tree = ast.parse(source)
    roots, hits = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "convcorr":
                    roots.add(a.asname or a.name.split(".")[0])
                    hits += [p for p in a.name.split(".") if p.startswith("_")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("convcorr"):
            hits += [p for p in node.module.split(".") if p.startswith("_")]
            for a in node.names:
                if a.name.startswith("_"):
                    hits.append(a.name)
                elif node.module == "convcorr" or a.name[0].islower():
                    roots.add(a.asname or a.name)  # a module or function of convcorr
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            if not node.attr.startswith("__"):
                base = node.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in roots:
                    hits.append(node.attr)
    return hits


def test_private_uses_sees_imports_and_attributes():
    src = "import convcorr\nfrom convcorr import fast\nfrom convcorr.x import _y\nfast._z\n"
    src += "convcorr.a._b\nnp._c\n"
    assert sorted(private_uses(src)) == ["_b", "_y", "_z"]


@pytest.mark.parametrize(("name", "source"), [pytest.param(n, s, id=n) for n, s in _code_sources()])
def test_book_and_benchmarks_use_public_names_only(name, source):
    assert private_uses(source) == [], name
