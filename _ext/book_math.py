"""Math typeset at build time as native MathML: the built pages carry finished formulas and
load no MathJax.

Client-side MathJax cost every page 1.2 MB of script and the reader's CPU; MathJax's
CommonHTML output, made at build time, still cost a page hundreds of KB of markup (on
chapter 2, 824 KB of its 1.15 MB: each glyph an element, each formula a hidden MathML copy
for screen readers) and 100-170 KB of fonts. Here MathJax 3 runs once in Node
(``_ext/prerender_math.js``, ``mathjax-full`` and ``jsdom`` from ``package.json``) over
each HTML page this build wrote, with the TeX macros and the processHtmlClass rules of
``mathjax3_config``: Sphinx's math, notebook outputs (``text/latex``) and the tables of
``convcorr.book.html_table`` are parsed as MathJax would in the browser, and each formula
is written as MathML, which the browser lays out itself (MathML Core) and screen readers
read. The MathJax script and its inline configuration are dropped from every page.

The formulas are drawn in Latin Modern Math (the OpenType math font of Computer Modern,
the face MathJax's TeX fonts imitate), from Debian's ``fonts-lmodern``. It is cut down to
the characters the book's formulas use, with the glyph variants and parts its stretchy
operators need (fontTools keeps the MATH table), into one ``_static/fonts/cc-math.woff``
that ``_static/book.css`` names.

A TeX error fails the build with the page and the formula.
"""

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "_ext" / "prerender_math.js"
# Debian's fonts-lmodern; BOOK_MATH_FONT names another copy of latinmodern-math.otf.
MATH_FONT = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
FONT_FILE = "_static/fonts/cc-math.woff"

_MATH = re.compile(r"<math\b[^>]*>(.*?)</math>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _is_mathjax(asset):
    name = str(getattr(asset, "filename", asset) or "")
    body = getattr(asset, "attributes", {}).get("body", "") or ""
    return "mathjax" in name.lower() or "tex-chtml" in name or body.startswith("window.MathJax")


def _drop_client_mathjax(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    if "script_files" in context:
        context["script_files"] = [a for a in context["script_files"] if not _is_mathjax(a)]
    _written(app).add(Path(app.builder.get_outfilename(pagename)))


def _written(app):
    # the pages this build (re)wrote; an incremental build leaves the others typeset
    if not hasattr(app, "_cc_math_pages"):
        app._cc_math_pages = set()
    return app._cc_math_pages


def math_characters(pages):
    """The characters of every formula on these pages (MathML text, entities decoded)."""
    chars = set()
    for page in pages:
        for body in _MATH.findall(Path(page).read_text(encoding="utf-8")):
            chars |= set(html.unescape(_TAG.sub("", body)))
    return chars - {"\n", "\t"}


def math_font():
    """The Latin Modern Math file to cut the book's font from."""
    path = Path(os.environ.get("BOOK_MATH_FONT") or MATH_FONT)
    if not path.is_file():
        raise ExtensionError(
            f"the math font is missing ({path}): install it with "
            "`apt-get install fonts-lmodern` (or set BOOK_MATH_FONT to latinmodern-math.otf)"
        )
    return path


def _rename(font):
    # The GUST Font License asks that a modified font (a subset is one) not go by the name of
    # the original; its copyright record (name ID 0), which names the licence, stays.
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "CC Math"
        elif record.nameID in (3, 6):
            record.string = "CCMath-Regular"
    if "CFF " in font:
        font["CFF "].cff.fontNames = ["CCMath-Regular"]


def subset_math_font(source, chars, target):
    """Write the math font cut to `chars` (and what their layout needs) as WOFF."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(source) as font:
        missing = sorted(c for c in chars if c.strip() and ord(c) not in font.getBestCmap())
    if missing:
        raise ExtensionError(
            "the math font has no glyph for " + ", ".join(f"U+{ord(c):04X} {c}" for c in missing)
        )
    options = subset.Options(flavor="woff", layout_features=["*"], notdef_outline=True)
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars})
    subsetter.subset(font)
    _rename(font)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)
    font.close()


def _run_node(app, pages):
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("Node.js is needed to typeset the book's math: install nodejs")
    config = dict(app.config.mathjax3_config or {})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"tex": config.get("tex", {}), "options": config.get("options", {})}, f)
    try:
        done = subprocess.run(
            [node, str(SCRIPT), f.name, *map(str, pages)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
    finally:
        Path(f.name).unlink()
    if done.returncode:
        raise ExtensionError(f"MathJax could not typeset the book:\n{done.stderr.strip()}")
    logger.info(done.stdout.strip())


def _typeset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = math_font()
    pages = sorted(p for p in _written(app) if p.is_file())
    if pages:
        _run_node(app, pages)
    # every page of the output, not only this build's: the font serves them all
    everything = sorted(Path(app.outdir).rglob("*.html"))
    subset_math_font(source, math_characters(everything), Path(app.outdir) / FONT_FILE)


def setup(app):
    app.connect("html-page-context", _drop_client_mathjax, priority=900)
    app.connect("build-finished", _typeset)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
