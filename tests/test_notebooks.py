"""Structural checks of the chapters that nbval cannot make.

nbval passes an unexecuted notebook silently and does not look at the table of
contents, so these tests fail when a chapter is not committed executed top to
bottom from a fresh kernel, carries an error, stderr or SVG output, or when
chapters/ and _toc.yml disagree.
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def toc_files():
    """Every `file:` entry of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return found


def toc_notebooks():
    return sorted(
        ROOT / f"{entry}.ipynb" for entry in toc_files() if (ROOT / f"{entry}.ipynb").exists()
    )


def test_every_toc_entry_exists():
    missing = [
        entry
        for entry in toc_files()
        if not any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = {str(ROOT / entry) for entry in toc_files()}
    orphans = [
        nb.name for nb in sorted(CHAPTERS.glob("*.ipynb")) if str(nb.with_suffix("")) not in listed
    ]
    assert not orphans, f"notebooks missing from _toc.yml: {orphans}"


def test_toc_entries_are_unique():
    entries = toc_files()
    assert len(entries) == len(set(entries)), "an entry appears twice in _toc.yml"


@pytest.fixture(params=toc_notebooks(), ids=lambda p: p.name)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_executed_top_to_bottom(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts, f"{path.name} has no code cell: a chapter computes its claims"
    assert None not in counts, f"{path.name} has unexecuted code cells (make execute)"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name} was not run top to bottom from a fresh kernel: {counts}"
    )


def test_no_error_stderr_or_svg_output(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            where = f"{path.name}, cell {index}"
            assert out.output_type != "error", f"{where}: error output"
            assert out.get("name") != "stderr", f"{where}: stderr output"
            assert "image/svg+xml" not in out.get("data", {}), f"{where}: SVG output"


def test_one_title_and_python3_kernel(notebook):
    path, nb = notebook
    assert nb.metadata.kernelspec.name == "python3", path.name
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{path.name} must open with a markdown cell holding its `# Title`"
    )
    h1 = [
        line
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("# ")
    ]
    assert len(h1) == 1, f"{path.name} has {len(h1)} top-level titles: {h1}"


def test_assertions_back_the_claims(notebook):
    # The book proves itself when it runs: a chapter without assertions only
    # restates formulas.
    path, nb = notebook
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert code.count("assert") >= 3, f"{path.name} asserts almost nothing"


def test_seeded_randomness_only(notebook):
    path, nb = notebook
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for banned in (
        "np.random.seed(",
        "np.random.rand(",
        "np.random.randn(",
        "np.random.random(",
        "default_rng()",
    ):
        assert banned not in code, f"{path.name} uses unseeded or legacy {banned}"


def _defined_functions(nb):
    """Names of the top-level functions a notebook defines (by parsing its code cells)."""
    import ast

    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics are not Python: drop them before parsing
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def test_no_function_is_defined_in_two_chapters():
    # A helper two chapters need belongs in convcorr (convcorr.book for teaching helpers),
    # where it is tested once; copies drift apart and a duplicate-code scan of .py cannot see
    # into notebooks.
    owners = {}
    for path in toc_notebooks():
        for name in _defined_functions(nbformat.read(path, as_version=4)):
            owners.setdefault(name, []).append(path.name)
    shared = {name: files for name, files in owners.items() if len(files) > 1}
    assert not shared, f"functions defined in more than one chapter: {shared}"


# Chapters 1-13 teach: each ends with a Summary and carries exercises whose solutions, where
# they compute, are executed and asserted (issue 19). The cheat sheet (14) is a summary itself.
TEACHING = [p for p in toc_notebooks() if p.name[:2].isdigit() and int(p.name[:2]) <= 13]
EXERCISE = re.compile(r"^:::\{exercise\}[^\n]*\n:label: (\S+)", re.M)
SOLUTION = re.compile(r"^:::\{solution-start\} (\S+)", re.M)
MIN_EXERCISES = 2


def _solution_code(nb):
    """``{exercise label: [source of each code cell inside its solution]}``."""
    solutions, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "code":
            if current is not None:
                solutions[current].append(cell.source)
            continue
        for line in cell.source.splitlines():
            if line.startswith(":::{solution-end}"):
                current = None
            start = SOLUTION.match(line)
            if start:
                current = start[1]
                solutions.setdefault(current, [])
    return solutions


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name)
def test_chapter_has_a_summary_and_exercises_with_solutions(path):
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    summary = re.search(r"^## Summary\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert summary, f"{path.name}: no '## Summary' section"
    bullets = re.findall(r"^[-*] ", summary[1], re.M)
    assert 3 <= len(bullets) <= 6, f"{path.name}: the Summary has {len(bullets)} bullets, not 3-6"
    exercises = EXERCISE.findall(markdown)
    assert len(exercises) >= MIN_EXERCISES, (
        f"{path.name}: {len(exercises)} labelled exercises, at least {MIN_EXERCISES}"
    )
    solutions = _solution_code(nb)
    assert set(solutions) == set(exercises), (
        f"{path.name}: exercises without a solution {sorted(set(exercises) - set(solutions))}, "
        f"solutions of no exercise {sorted(set(solutions) - set(exercises))}"
    )
    for label, code in solutions.items():
        # a solution that computes checks its answer: nbval then regression-tests it
        if any(src.strip() for src in code):
            assert any(re.search(r"\bassert\b", src) for src in code), (
                f"{path.name}: the solution to {label} computes but asserts nothing"
            )
