"""Pages load only what they use: the search machinery on the search page, sphinx-design
where a page has design elements.

- pydata-sphinx-theme puts ``searchtools.js``, ``language_data.js`` and ``searchindex.js``
  (about 100 KB, the index growing with the book) in the head of every page. They run the
  search on ``search.html``; with ``search_as_you_type`` off, the search field of other
  pages only submits a form to that page, so after the build they are removed from every
  page but the search page.
- Jupyter Book always loads sphinx-design's stylesheet and tab script (62 KB); a page with
  no ``sd-`` element (cards, tabs, grids, badges) drops them.

- Figures are matplotlib's retina PNGs (up to 360 KB each, truecolour). A figure is mostly
  flat colours and anti-aliased edges: stored as a 256-colour palette it is 3-4 times
  smaller and, checked pixel by pixel, the same picture (no channel off by more than
  ``MAX_CHANNEL_ERROR`` of 255, ``MIN_PSNR`` dB over the image). A figure that does not
  pass, or has transparency, stays as it was.

- The theme's stylesheet is 303 KB, most of it Bootstrap's utilities and components (and
  MyST-NB's 43 KB styles widgets the book never shows); every page loads it. After the
  build, a rule goes when each of its selectors needs a class that no built page and no
  script in ``_static`` names: a class a script adds at run time (``show``, ``active``,
  togglebutton's states) is a string in that script, so it is kept. Classes Bootstrap
  makes from a template (``bs-tooltip-auto``) are kept by their prefix; classes inside
  ``:not()``, ``:is()``, ``:where()`` and ``:has()`` never make a rule go.

Every page must stay within 1.5 MB per load (tests/test_html.py).
"""

import io
import math
import re
from pathlib import Path

_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)'
    r'[^"]*"></script>'
)


def _design_asset(asset):
    name = str(getattr(asset, "filename", asset) or "")
    return "sphinx-design" in name or "design-tabs" in name


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    if pagename != "search":
        app._cc_weight_pages = getattr(app, "_cc_weight_pages", set())
        app._cc_weight_pages.add(Path(app.builder.get_outfilename(pagename)))
    if "sd-" not in context.get("body", ""):
        for key in ("script_files", "css_files"):
            if key in context:
                context[key] = [a for a in context[key] if not _design_asset(a)]


def drop_search_scripts(page):
    """Remove the search page's scripts from one built page (not the search page)."""
    text = page.read_text(encoding="utf-8")
    new = _SEARCH_SCRIPTS.sub("", text)
    if new != text:
        page.write_text(new, encoding="utf-8")


# The stylesheets pruned, relative to the output directory (MyST-NB's name has a hash).
PRUNED_STYLESHEETS = ("_static/styles/pydata-sphinx-theme.css", "_static/mystnb.*.css")
# Classes a script builds from a template rather than writes out.
TEMPLATED_CLASS_PREFIXES = ("bs-",)
_WORD = re.compile(r"[A-Za-z_][\w-]*")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# a functional pseudo-class: what is inside need not match for the selector to match
_FUNCTIONAL = re.compile(r":(?:not|is|where|has|-webkit-any|-moz-any)\((?:[^()]|\([^()]*\))*\)")


def names_in_use(outdir):
    """Every word of every built page and of every script: a superset of the live classes."""
    outdir = Path(outdir)
    words = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        words |= set(_WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _selectors(prelude):
    # split a selector list at its top-level commas (not those inside :not(a, b))
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def _selector_can_match(selector, names):
    required = _CLASS.findall(_FUNCTIONAL.sub("", selector))
    return all(c in names or c.startswith(TEMPLATED_CLASS_PREFIXES) for c in required)


def _block_end(text, brace):
    depth = 0
    for end in range(brace, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return end
    return len(text) - 1


def prune_css(text, names):
    """The stylesheet without the rules no element can match (see the module's doc)."""
    kept, start = [], 0
    while (brace := text.find("{", start)) != -1:
        end = _block_end(text, brace)
        comments, close, prelude = text[start:brace].rpartition("*/")
        head = comments + close  # comments before a rule (licences) stay
        at = prelude.strip()
        if at.startswith(("@media", "@supports", "@layer")):
            inner = prune_css(text[brace + 1 : end], names)
            kept.append(text[start : brace + 1] + inner + "}" if inner.strip() else head)
        elif at.startswith("@"):
            kept.append(text[start : end + 1])  # @font-face, @keyframes, ...
        else:
            alive = [s for s in _selectors(prelude) if _selector_can_match(s, names)]
            kept.append(head + ",".join(alive) + text[brace : end + 1] if alive else head)
        start = end + 1
    kept.append(text[start:])
    return "".join(kept)


def prune_stylesheets(outdir):
    names = names_in_use(outdir)
    for pattern in PRUNED_STYLESHEETS:
        for sheet in Path(outdir).glob(pattern):
            sheet.write_text(prune_css(sheet.read_text(encoding="utf-8"), names), "utf-8")


MAX_CHANNEL_ERROR = 16
MIN_PSNR = 45.0


def _palette_version(image):
    from PIL import Image

    # MAXCOVERAGE with k-means refinement kept every figure of the book within 11 of 255 per
    # channel; the fast octree (the RGBA default) was off by up to 15 on every one, and
    # median cut by up to 101
    return image.convert("RGB").quantize(
        colors=256, method=Image.Quantize.MAXCOVERAGE, kmeans=4, dither=Image.Dither.NONE
    )


def same_picture(before, after):
    """Whether two RGB arrays are the same picture to the eye: no channel of any pixel off
    by more than MAX_CHANNEL_ERROR, and at least MIN_PSNR dB over the whole image."""
    diff = abs(before.astype(float) - after.astype(float))
    mse = float((diff**2).mean())
    psnr = math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
    return diff.max() <= MAX_CHANNEL_ERROR and psnr >= MIN_PSNR


def shrink_figure(path):
    """Store a PNG as a palette PNG when that is the same picture and smaller; say whether."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    rgba = np.asarray(image.convert("RGBA"), dtype=np.int16)
    if (rgba[..., 3] != 255).any():
        return False  # transparency: a palette would have to approximate it too
    palette = _palette_version(image)
    if not same_picture(rgba[..., :3], np.asarray(palette.convert("RGB"), dtype=np.int16)):
        return False
    # a second build finds the palette PNG and writes nothing: it would not be smaller
    out = io.BytesIO()
    palette.save(out, "PNG", optimize=True)
    if out.tell() >= Path(path).stat().st_size:
        return False
    Path(path).write_bytes(out.getvalue())
    return True


def _rewrite(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(getattr(app, "_cc_weight_pages", ())):
        if page.is_file():
            drop_search_scripts(page)
    for figure in sorted((Path(app.outdir) / "_images").glob("*.png")):
        shrink_figure(figure)


def _prune(app, exception):
    # The theme and MyST-NB copy their stylesheets afresh on every build, MyST-NB at
    # build-finished (500), and the math pass (500) rewrites the pages whose classes count.
    if exception is None and app.builder.format == "html":
        prune_stylesheets(app.outdir)


def setup(app):
    app.connect("html-page-context", _drop_unused_assets, priority=900)
    # after the icons (400), before the math (500): each pass rewrites the pages it reads
    app.connect("build-finished", _rewrite, priority=450)
    app.connect("build-finished", _prune, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
