"""Sphinx extension that keeps the built book self-contained, quiet and true to its config.

- Jupyter Book 1 always loads sphinx-thebe, which adds an inline script naming a CDN URL,
  twice (a console error: ``THEBE_JS_URL`` declared twice). The book offers no live kernels
  (it must read offline), so the thebe assets are dropped.
- pydata-sphinx-theme logs an error when no default colour mode is set, and sphinx-book-theme
  rejects the ``default_mode`` option; the template variable is set to ``"auto"`` so that the
  reader's system preference (``prefers-color-scheme``) chooses light or dark.
- Jupyter Book 1 does not pass ``html.use_fullscreen_button`` of ``_config.yml`` on to the
  theme, so the button showed although the config turns it off; the value is copied here.
- A browser may break a line between inline math and the punctuation after it, leaving a
  stray "." or "," at the start of a line, or between an opening bracket and the math after
  it, leaving "(" alone at the end of a line; such pairs are glued (``span.cc-nowrap``,
  styled ``white-space: nowrap`` by ``_static/book.css``).
"""

import re
from pathlib import Path

import yaml
from docutils import nodes

_TRAILING_PUNCTUATION = re.compile(r"^[.,;:!?)\]]+")
# An opening bracket right before the math ("a short kernel (K = 128)"), not after a space.
_OPENING = re.compile(r"[(\[]+$")


def _html_config(srcdir):
    path = Path(srcdir) / "_config.yml"
    if not path.is_file():
        return {}
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("html") or {}


def _pass_fullscreen_option(app, config):
    html = _html_config(app.srcdir)
    if "use_fullscreen_button" in html:
        options = dict(config.html_theme_options or {})
        options["use_fullscreen_button"] = bool(html["use_fullscreen_button"])
        config.html_theme_options = options


def _drop_thebe(app, pagename, templatename, context, doctree):
    def keep(asset):
        body = getattr(asset, "attributes", {}).get("body", "") or ""
        return "thebe" not in str(getattr(asset, "filename", asset)) and ("THEBE" not in body)

    context["default_mode"] = context.get("default_mode") or "auto"
    # Docutils lists citations as role="list" of role="doc-biblioentry" items; that role is
    # deprecated in ARIA 1.2 and not a list item (axe: aria-required-children, critical).
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if keep(asset)]


def _split_text(node, match, keep_end):
    # the text node without the glued characters (removed when nothing else is left). By
    # position, not by value: Text nodes are strings, and replace()/remove() would edit the
    # first *equal* node, e.g. an earlier ", " of the same paragraph.
    text = node.astext()
    rest = text[match.end() :] if keep_end else text[: match.start()]
    parent = node.parent
    index = next(i for i, child in enumerate(parent.children) if child is node)
    if rest:
        parent[index] = nodes.Text(rest)
    else:
        del parent[index]


def _glue_punctuation(app, doctree, docname):
    for math in list(doctree.findall(nodes.math)):
        parent = math.parent
        index = parent.index(math)
        before = parent[index - 1] if index > 0 else None
        after = parent[index + 1] if index + 1 < len(parent) else None
        lead = _OPENING.search(before.astext()) if isinstance(before, nodes.Text) else None
        trail = (
            _TRAILING_PUNCTUATION.match(after.astext()) if isinstance(after, nodes.Text) else None
        )
        if not (lead or trail):
            continue
        glue = nodes.inline(classes=["cc-nowrap"])
        parent.replace(math, glue)
        if lead:
            glue += nodes.Text(lead.group())
            _split_text(before, lead, keep_end=False)
        glue += math
        if trail:
            glue += nodes.Text(trail.group())
            _split_text(after, trail, keep_end=True)


def setup(app):
    app.connect("config-inited", _pass_fullscreen_option)
    app.connect("doctree-resolved", _glue_punctuation)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
