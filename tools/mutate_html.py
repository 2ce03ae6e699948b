"""Can the browser checks fail, and can a page pass them? Mutants of a small goal book.

``tests/test_html.py`` asserts the goals of issue 18 on the built book (code share, phone
tables, cut lines, numbered equations, bytes per page, markers, search snippets, figures,
one table style). While the chapters are being rewritten, the book itself fails several of
them, so a failure there proves nothing about the checks. This harness:

1. writes a one-chapter *goal book* (a notebook with collapsed checks, a short lesson cell,
   a wide ``html_table``, a wide Markdown table, a figure, 32 numbered equations and 12
   links to them, an exercise with its solution, a long printed line) that uses the book's
   own ``_ext/`` and ``_static/``, and builds it with Jupyter Book;
2. runs ``tests/test_html.py`` on that build (``BOOK_HTML``): every check must pass;
3. applies each *mutant* (one reader-visible regression: a CSS rule reverted, the card
   script gone, markers shown, Font Awesome loaded again, math left as TeX, ...) to a copy
   of the build and runs the check it targets: that check must fail, with the message the
   mutant names.

Usage (after ``make book`` has created .venv and node_modules):

    .venv/bin/python tools/mutate_html.py               # the goal book, then every mutant
    .venv/bin/python tools/mutate_html.py --list
    .venv/bin/python tools/mutate_html.py --mutants open-checks,word-breaks --keep /tmp/goal

Exit status 0 when the goal book passes and every mutant is caught.
"""

import argparse
import base64
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "code"))

from convcorr.book import html_table  # noqa: E402

PYTEST = [sys.executable, "-m", "pytest", "-p", "no:nbval", "-m", "browser", "-q", "-x"]
CHAPTER = "chapters/01_goal.html"


# ---- the goal book ----------------------------------------------------------------------


def _figure_png():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=200)
    ax.plot(range(10), [i * i for i in range(10)], "o-")
    ax.set_xlabel("n")
    ax.set_ylabel("n squared")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _code(source, outputs=(), tags=(), metadata=None):
    cell = nbformat.v4.new_code_cell(source, execution_count=1, outputs=list(outputs))
    cell.metadata.update(metadata or {})
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _html(text):
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "t"})


def _check_cell(i):
    lines = [f"assert abs({k} * {i} - {k * i}) == 0  # exact" for k in range(40)]
    return _code(
        "\n".join(lines), [_stream(f"✓ check {i} held — against exact sums\n")], tags=["hide-input"]
    )


def _goal_notebook():
    md = nbformat.v4.new_markdown_cell
    prose = (
        "Convolution reverses one operand before sliding it over the other; "
        "cross-correlation slides it as it is and conjugates it. "
    ) * 6
    cells = [
        md("# A chapter that meets the goals\n\n" + prose),
        _code("import numpy as np", tags=["hide-input"]),
        md(
            "The Wiener–Khinchin theorem $S = \\mathcal{F}\\{R\\}$ relates the power "
            "spectrum to the autocorrelation $R(\\tau) = (x \\star x)(\\tau)$. " + prose
        ),
    ]
    for i in range(32):
        cells.append(md(f"$$\n(f \\star g)_{{{i}}} = \\sum_m f[m]\\, g[m + {i}]\n$$ (eq-goal-{i})"))
        if i < 12:
            cells.append(md(f"By {{eq}}`eq-goal-{i}`, the lag {i} is a shifted sum. " + prose))
    cells += [
        _code(
            "def corr(f, g, k):\n    return sum(np.conj(f[m]) * g[m + k] for m in range(len(f)))",
        ),
        _code(
            "print('a printed line that is longer than the box is wide, ' * 3)",
            [_stream("a printed line that is longer than the box is wide, " * 3 + "\n")],
        ),
        *[_check_cell(i) for i in range(5)],
        _code(
            "display(HTML(html_table(header, rows)))",
            [
                _html(
                    html_table(
                        ["call", "in this book's notation", "conjugates", "flips", "keeps"],
                        [
                            [
                                f"`numpy.correlate(a, v, mode='{m}')`",
                                "$v \\star a$: `correlate(v, a)`",
                                "the second argument",
                                "no flip at all",
                                "'valid' by default",
                            ]
                            for m in ("full", "same", "valid")
                        ],
                        caption="A wide table of library conventions",
                    )
                )
            ],
            tags=["remove-input"],
        ),
        md(
            "| operation | definition | conjugates | flips | commutes |\n|---|---|---|---|---|\n"
            "| convolution | $\\sum_m f[m]\\, g[n - m]$ | nothing whatsoever | the kernel, "
            "reversed | always, in every dimension |\n"
            "| correlation | $\\sum_m \\overline{f[m]}\\, g[m + k]$ | the template, first "
            "argument | nothing whatsoever | never, in general |\n\n" + prose
        ),
        _code(
            "plt.plot(n, n**2)\nplt.show()",
            [
                nbformat.v4.new_output(
                    "display_data",
                    data={"image/png": _figure_png(), "text/plain": "<Figure>"},
                    metadata={"image/png": {"width": 600, "height": 300}},
                )
            ],
            tags=["hide-input"],
            metadata={
                "mystnb": {
                    "figure": {
                        "caption": "The squares of the first ten integers.",
                        "name": "fig-goal-squares",
                    },
                    "image": {"alt": "Ten points rising along a parabola from 0 to 81."},
                }
            },
        ),
        md(
            ":::{exercise} Lag of the peak\n:label: ex-goal-lag\n\n"
            "Where does $x \\star x$ peak? Use {eq}`eq-goal-0`.\n:::\n\n"
            ":::{solution-start} ex-goal-lag\n:class: dropdown\n:::\n\nAt lag zero."
        ),
        _code("assert 1 + 1 == 2", [_stream("✓ the peak is at lag 0\n")]),
        md(":::{solution-end}\n:::\n\n## Summary\n\n" + prose),
        _code(
            "import time\nprint(round(time.time()) * 0)",
            [_stream("0\n")],
            tags=["nbval-ignore-output", "hide-input"],
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _goal_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = "Goal book"
    config.pop("bibtex_bibfiles", None)
    config["html"]["favicon"] = str(ROOT / "_static" / "favicon.svg")
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {
        name: str(ROOT / "_ext")
        for name in ("offline_book", "book_icons", "book_weight", "book_math")
    }
    for key in ("bibtex_reference_style", "bibtex_default_style"):
        sphinx["config"].pop(key, None)
    return config


def build_goal_book(where):
    """Write the goal book into `where` and build it; return its HTML directory."""
    (where / "chapters").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "_static", where / "_static", dirs_exist_ok=True)
    (where / "_config.yml").write_text(yaml.safe_dump(_goal_config()), encoding="utf-8")
    (where / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Goal\n    numbered: true\n"
        "    chapters:\n      - file: chapters/01_goal\n",
        encoding="utf-8",
    )
    (where / "intro.md").write_text(
        "# Goal book\n\nA book of one chapter that meets every goal of the browser checks, "
        "with $f \\star g$ in its text.\n",
        encoding="utf-8",
    )
    nbformat.write(_goal_notebook(), where / "chapters" / "01_goal.ipynb")
    jb = Path(sys.executable).parent / "jupyter-book"
    subprocess.run([str(jb), "build", str(where), "-W", "-n", "--keep-going", "-q"], check=True)
    return where / "_build" / "html"


# ---- mutants ----------------------------------------------------------------------------


@dataclass
class Mutant:
    name: str
    what: str
    files: tuple  # paths in the build, each rewritten by `change`
    change: object  # text -> text
    tests: str  # pytest -k expression of the check that must catch it
    message: str  # a fragment of that check's failure


def _sub(pattern, replacement, count=0):
    def change(text):
        new, n = re.subn(pattern, replacement, text, count=count, flags=re.S)
        assert n, f"mutant pattern not found: {pattern}"
        return new

    return change


def _append(extra):
    return lambda text: text + "\n" + extra + "\n"


CSS, JS = "_static/book.css", "_static/book.js"
MUTANTS = [
    Mutant(
        "open-checks",
        "the collapsed checks are shown",
        (CHAPTER,),
        _sub(
            r'<details class="admonition hide above-input">',
            '<details class="admonition hide above-input" open>',
        ),
        "01_goal",
        "visible code is",
    ),
    Mutant(
        "open-checks-book",
        "the same, measured over the whole book",
        (CHAPTER,),
        _sub(
            r'<details class="admonition hide above-input">',
            '<details class="admonition hide above-input" open>',
        ),
        "whole_book",
        "of all chapters' height",
    ),
    Mutant(
        "scrolling-tables",
        "no cards: wide tables scroll sideways on a phone",
        (JS,),
        _sub(r'table\.classList\.add\("cc-cards"\);', ""),
        "01_goal",
        "table wider than the phone column",
    ),
    Mutant(
        "word-breaks",
        "cells may break words anywhere again",
        (CSS,),
        _append(
            ".bd-article table td, .bd-article table th, .bd-article table td *,"
            " .bd-article table th * { overflow-wrap: anywhere !important; }"
        ),
        "01_goal",
        "a word broken inside a table cell",
    ),
    Mutant(
        "unwrapped-output",
        "printed lines no longer wrap",
        (CSS,),
        _append(".cell_output pre { white-space: pre !important; }"),
        "01_goal",
        "cut at its box's right edge: output line",
    ),
    Mutant(
        "no-equation-numbers",
        "display equations lose their numbers",
        (CHAPTER,),
        _sub(r'<span class="eqno">.*?</a></span>', ""),
        "equations",
        "numbered equations",
    ),
    Mutant(
        "no-equation-links",
        "the text no longer links to equations",
        (CHAPTER,),
        _sub(r'href="#equation-[^"]*"', 'href="#"'),
        "equations",
        "links to them",
    ),
    Mutant(
        "font-awesome-back",
        "fontawesome.js is loaded again (1.5 MB)",
        (CHAPTER,),
        _sub(
            r"</head>",
            '<script defer src="../_static/scripts/fontawesome.js"></script></head>',
            count=1,
        ),
        "01_goal",
        "one load pulls",
    ),
    Mutant(
        "visible-marker",
        "a cell shows # NBVAL_IGNORE_OUTPUT",
        (CHAPTER,),
        _sub(r'(<div class="highlight"><pre>)', r"\1# NBVAL_IGNORE_OUTPUT\n", count=1),
        "01_goal",
        "test marker visible to readers",
    ),
    Mutant(
        "tex-in-search",
        "the formula next to 'Wiener' is left as TeX",
        (CHAPTER,),
        _sub(
            r'(Wiener–Khinchin theorem <span class="math notranslate nohighlight">)'
            r"<mjx-container.*?</mjx-container>",
            r"\1\\(S = \\mathcal{F}\\{R\\}\\)",
            count=1,
        ),
        "search_snippets",
        "search results show TeX",
    ),
    Mutant(
        "tex-on-page",
        "the same, seen on the page",
        (CHAPTER,),
        _sub(
            r'(Wiener–Khinchin theorem <span class="math notranslate nohighlight">)'
            r"<mjx-container.*?</mjx-container>",
            r"\1\\(S = \\mathcal{F}\\{R\\}\\)",
            count=1,
        ),
        "01_goal",
        "math not typeset",
    ),
    Mutant(
        "client-mathjax",
        "the page loads MathJax again",
        (CHAPTER,),
        _sub(
            r"</head>",
            '<script defer src="../_static/mathjax/tex-chtml.js"></script></head>',
            count=1,
        ),
        "01_goal",
        "the page loads MathJax",
    ),
    Mutant(
        "formula-not-mathml",
        "a formula is drawn as markup, not MathML",
        (CHAPTER,),
        _sub(r"<mjx-container><math>(.*?)</math>", r"<mjx-container><span>\1</span>", count=1),
        "01_goal",
        "formula without MathML",
    ),
    Mutant(
        "two-table-styles",
        "prose tables keep the theme's style",
        (CSS,),
        _sub(r"\.bd-article table\.table", ".bd-article table.cc-none"),
        "01_goal",
        "table styles on one page",
    ),
    Mutant(
        "dimmed-figures",
        "dark mode dims figures again",
        (CSS,),
        _sub(r"filter: none;", "", count=1),
        "01_goal",
        "(dark) image dimmed by filter",
    ),
    Mutant(
        "grey-card",
        "dark mode lays figures on the theme's grey card",
        (CSS,),
        _sub(r"(div\.cell_output img \{\n  )background-color: #fff;", r"\1", count=1),
        "01_goal",
        "card, not white",
    ),
    Mutant(
        "light-captions",
        "captions in the theme's light muted face",
        (CSS,),
        _sub(r"\.bd-article figure figcaption \{.*?\}", "", count=1),
        "01_goal",
        "caption in",
    ),
    Mutant(
        "figure-without-link",
        "a figure no longer links to its full-size image",
        (CHAPTER,),
        _sub(
            r'<a class="reference internal image-reference" href="[^"]*">(<img[^>]*>)\s*</a>', r"\1"
        ),
        "01_goal",
        "no link to its full-size file",
    ),
]


# ---- running ----------------------------------------------------------------------------


def _pytest(html, tests=None):
    env = {**os.environ, "BOOK_HTML": str(html)}
    command = [*PYTEST, str(ROOT / "tests" / "test_html.py")]
    if tests:
        command += ["-k", tests]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr


def _mutate(build, mutant, into):
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(build, into)
    for name in mutant.files:
        path = into / name
        path.write_text(mutant.change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return into


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--mutants", help="comma-separated names (default: all)")
    parser.add_argument("--keep", type=Path, help="build the goal book here and keep it")
    parser.add_argument("--html", type=Path, help="use this build of the goal book instead")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:22} {m.what}  [-k {m.tests}]")
        return 0
    chosen = [m for m in MUTANTS if not args.mutants or m.name in args.mutants.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="goal-book-"))
    build = args.html or build_goal_book(work / "book")
    # the bibliography checks of test_book_furniture need the book's references page
    code, out = _pytest(build, "not book_furniture")
    print(f"goal book, every other check: {'passes' if code == 0 else 'FAILS'}")
    if code:
        print(out[-4000:])
    caught = 0
    for m in chosen:
        rc, out = _pytest(_mutate(build, m, work / "mutant"), m.tests)
        ok = rc != 0 and m.message in out
        caught += ok
        print(f"{m.name:22} {'caught' if ok else 'SURVIVED'}  ({m.what})")
        if not ok:
            print(out[-3000:])
    print(f"{caught} of {len(chosen)} mutants caught")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if code == 0 and caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
