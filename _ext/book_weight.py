"""Pages load only what they use: the search machinery on the search page, sphinx-design
where a page has design elements.

- pydata-sphinx-theme puts ``searchtools.js``, ``language_data.js`` and ``searchindex.js``
  (about 100 KB, the index growing with the book) in the head of every page. They run the
  search on ``search.html``; with ``search_as_you_type`` off, the search field of other
  pages only submits a form to that page, so after the build they are removed from every
  page but the search page.
- Jupyter Book always loads sphinx-design's stylesheet and tab script (62 KB); a page with
  no ``sd-`` element (cards, tabs, grids, badges) drops them.

Every page must stay within 1.5 MB per load (tests/test_html.py).
"""

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


def _rewrite(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(getattr(app, "_cc_weight_pages", ())):
        if page.is_file():
            drop_search_scripts(page)


def setup(app):
    app.connect("html-page-context", _drop_unused_assets, priority=900)
    # after the icons (400), before the math (500): each pass rewrites the pages it reads
    app.connect("build-finished", _rewrite, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
