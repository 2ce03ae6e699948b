"""Sphinx extension that keeps the built book self-contained and quiet.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script naming a
CDN URL, twice (a console error: ``THEBE_JS_URL`` declared twice). The book
offers no live kernels (it must read offline), so the thebe assets are dropped.
pydata-sphinx-theme also logs an error when no default colour mode is set.
"""


def _drop_thebe(app, pagename, templatename, context, doctree):
    def keep(asset):
        body = getattr(asset, "attributes", {}).get("body", "") or ""
        return "thebe" not in str(getattr(asset, "filename", asset)) and (
            "THEBE" not in body
        )

    # sphinx-book-theme rejects the `default_mode` theme option, so set the
    # template variable that pydata-sphinx-theme reads.
    context["default_mode"] = context.get("default_mode") or "light"
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if keep(asset)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
