"""The theme's header and footer icons as inline SVG; Font Awesome is not loaded at all.

pydata-sphinx-theme ships Font Awesome twice: ``fontawesome.js`` (1.49 MB, which swaps each
``<i class="fa-…">`` for an SVG at load) and the ``fa-*.woff2`` fonts (274 KB), for a dozen
icons. After the build, each icon element of a page this build wrote becomes the same SVG
that ``fontawesome.js`` would have drawn (the path comes from the theme's own copy of that
file, so the icons look as before), and the script tag goes. With no ``fa-`` class left on
the page, the browser downloads neither the script nor the fonts. The theme's stylesheet
loses its Font Awesome rules too (95 KB of the 397 KB every page loads), since no element can
match them any more.

Admonition titles (note, tip, warning, exercise) still draw their icon from the Font Awesome
font through CSS (``::after`` with ``content: "\f303"``), which made every page with an
admonition pull the 156 KB solid font. The three fonts are cut down to the glyphs the
stylesheets name (a few KB, WOFF, by fontTools) and the theme's ``@font-face`` rules point
at the cut-down files.
"""

import html
import re
from functools import cache
from pathlib import Path

from sphinx.errors import ExtensionError

_SCRIPT_TAG = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
)
_ICON = re.compile(r'<(i|span) class="([^"]*\bfa-[a-z0-9-]+[^"]*)"([^>]*)>\s*</\1>')
# Font Awesome's packs in fontawesome.js: the icon data of a pack ends where the call that
# registers it, ``("fab", …``, stands.
_PACK_CALL = re.compile(r'\("(fab|far|fas)",')
_ENTRY = r'[,{{]"?{name}"?:\[(\d+),(\d+),\[[^\]]*\],"[^"]*","([^"]+)"\]'
# The same, for an entry that lists the name among its aliases: [w, h, [codes, "alias"], …].
_ALIAS_ENTRY = r'[,{{]"?[a-z0-9-]+"?:\[(\d+),(\d+),\[[^\]]*"{name}"[^\]]*\],"[^"]*","([^"]+)"\]'
_PACKS = {"fab": "fab", "fa-brands": "fab", "far": "far", "fa-regular": "far"}
_STYLE_CLASSES = {"fa", "fab", "fas", "far", "fa-brands", "fa-solid", "fa-regular"}


@cache
def _packs(script):
    text = Path(script).read_text(encoding="utf-8")
    packs, start = {}, 0
    for match in _PACK_CALL.finditer(text):
        packs.setdefault(match[1], text[start : match.start()])
        start = match.end()
    return packs


def _svg(script, classes, attributes):
    names = classes.split()
    pack = next((_PACKS[c] for c in names if c in _PACKS), "fas")
    icon = next(
        c[3:] for c in names if c.startswith("fa-") and c not in _STYLE_CLASSES and c != "fa-lg"
    )
    data = _packs(script).get(pack, "")
    found = re.search(_ENTRY.format(name=re.escape(icon)), data)
    if found is None:
        # an old name Font Awesome keeps as an alias of another icon ("pencil-alt" of "pencil")
        found = re.search(_ALIAS_ENTRY.format(name=re.escape(icon)), data)
    if found is None:
        raise ExtensionError(f"no Font Awesome icon {icon!r} in pack {pack} of {script}")
    width, height, path = found.groups()
    kept = ["cc-icon", *(["cc-icon-lg"] if "fa-lg" in names else [])]
    kept += [c for c in names if not c.startswith("fa")]
    return (
        f'<svg class="{html.escape(" ".join(kept))}"{attributes} viewBox="0 0 {width} {height}"'
        ' aria-hidden="true" focusable="false">'
        f'<path fill="currentColor" d="{path}"></path></svg>'
    )


def inline_icons(page, script):
    """Rewrite one built page: icons as inline SVG, no fontawesome.js."""
    text = page.read_text(encoding="utf-8")
    new = _SCRIPT_TAG.sub("", text)
    new = _ICON.sub(lambda m: _svg(script, m[2], m[3]), new)
    if new != text:
        page.write_text(new, encoding="utf-8")


_FA_SELECTOR = re.compile(r"\.(?:fa[bsr]?|fa-[a-z0-9-]+|svg-inline--fa)(?![\w-])")


def _dead_rule(prelude):
    # a rule every selector of which needs a Font Awesome class, or a Font Awesome animation
    prelude = prelude.strip()
    if prelude.startswith("@"):
        return bool(re.match(r"@keyframes\s+fa-", prelude))
    return all(_FA_SELECTOR.search(sel) for sel in prelude.split(","))


def strip_fontawesome_css(path):
    """Drop the top-level rules of a stylesheet that only Font Awesome classes can match."""
    text = Path(path).read_text(encoding="utf-8")
    kept, start = [], 0
    while (brace := text.find("{", start)) != -1:
        depth, end = 0, brace
        for end in range(brace, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        comments, close, selectors = text[start:brace].rpartition("*/")
        # a dead rule goes; comments before it (licences) stay
        kept.append(comments + close if _dead_rule(selectors) else text[start : end + 1])
        start = end + 1
    kept.append(text[start:])
    Path(path).write_text("".join(kept), encoding="utf-8")


_WEBFONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
_FONT_FACE_SRC = re.compile(
    r"url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\) "
    r'format\("woff2"\),url\([^)]*\.ttf\) format\("truetype"\)'
)
# Font Awesome's code points: private use, written literally or as a CSS escape
_ICON_CHAR = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-fA-F]{3})\b")


def _icon_code_points(stylesheets):
    points = set()
    for sheet in stylesheets:
        for match in _ICON_CHAR.finditer(sheet.read_text(encoding="utf-8")):
            points.add(int(match[1], 16) if match[1] else ord(match[0]))
    return points


def subset_icon_fonts(outdir):
    """Cut the Font Awesome fonts to the glyphs the built stylesheets name; repoint the CSS."""
    from fontTools import subset

    outdir = Path(outdir)
    static = outdir / "_static"
    points = _icon_code_points(static.rglob("*.css"))
    theme = static / "styles" / "pydata-sphinx-theme.css"
    for ttf in (outdir / _WEBFONTS).glob("fa-*.ttf"):
        options = subset.Options(flavor="woff", layout_features=["*"], notdef_outline=True)
        font = subset.load_font(str(ttf), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points)
        subsetter.subset(font)
        subset.save_font(font, str(ttf.with_name(ttf.stem + "-book.woff")), options)
        font.close()
    css = theme.read_text(encoding="utf-8")
    theme.write_text(
        _FONT_FACE_SRC.sub(
            lambda m: f'url(../vendor/fontawesome/webfonts/{m[1]}-book.woff) format("woff")', css
        ),
        encoding="utf-8",
    )


def _record(app, pagename, templatename, context, doctree):
    if app.builder.format == "html":
        app._cc_icon_pages = getattr(app, "_cc_icon_pages", set())
        app._cc_icon_pages.add(Path(app.builder.get_outfilename(pagename)))


def _rewrite(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
    for page in sorted(getattr(app, "_cc_icon_pages", ())):
        if page.is_file():
            inline_icons(page, script)
    # the theme copies its stylesheet afresh on every build
    stylesheet = Path(app.outdir) / "_static" / "styles" / "pydata-sphinx-theme.css"
    if stylesheet.is_file():
        strip_fontawesome_css(stylesheet)
        subset_icon_fonts(app.outdir)


def setup(app):
    app.connect("html-page-context", _record)
    # before the math is typeset (_ext/book_math.py), which rewrites the same pages
    app.connect("build-finished", _rewrite, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
