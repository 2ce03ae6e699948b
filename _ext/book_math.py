"""Math typeset at build time: the built pages carry finished formulas and load no MathJax.

Client-side MathJax cost every page 1.2 MB of script and the reader's CPU (on the browser
checks, typesetting was 90 % of the time). Here MathJax 3 runs once in Node
(``_ext/prerender_math.js``, ``mathjax-full`` and ``jsdom`` from ``package.json``) over
each HTML page this build wrote, with the TeX macros and the processHtmlClass rules of
``mathjax3_config``: Sphinx's math, notebook outputs (``text/latex``) and the tables of
``convcorr.book.html_table`` are typeset as MathJax would have in the browser. Each formula
keeps a hidden MathML copy for screen readers. The MathJax script and its inline
configuration are dropped from every page; the CommonHTML fonts are copied to
``_static/mathjax-fonts`` and a page loads only those its formulas use.

A TeX error fails the build with the page and the formula.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "_ext" / "prerender_math.js"
FONTS = ROOT / "node_modules" / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
FONT_DIR = "_static/mathjax-fonts"


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


def _relative(path, start):
    # a relative URL, so that the book reads from a file:// copy and under any prefix
    return Path(os.path.relpath(path, start)).as_posix()


def _node_config(app, pages, fonts):
    config = dict(app.config.mathjax3_config or {})
    return {
        "tex": config.get("tex", {}),
        "options": config.get("options", {}),
        "fontURLs": {str(p): _relative(fonts, p.parent) for p in pages},
    }


def _copy_fonts(outdir):
    if not FONTS.is_dir():
        raise ExtensionError(
            f"MathJax's fonts are missing ({FONTS}): run `npm ci` (make does it) first"
        )
    target = Path(outdir) / FONT_DIR
    shutil.copytree(FONTS, target, dirs_exist_ok=True)
    return target


def _typeset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    pages = sorted(p for p in _written(app) if p.is_file())
    fonts = _copy_fonts(app.outdir)
    if not pages:
        return
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("Node.js is needed to typeset the book's math: install nodejs")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(_node_config(app, pages, fonts), f)
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


def setup(app):
    app.connect("html-page-context", _drop_client_mathjax, priority=900)
    app.connect("build-finished", _typeset)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
