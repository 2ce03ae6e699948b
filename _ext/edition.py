"""Sphinx extension that states the book's edition and licences on every page.

The footer names the edition, which is the version of the ``convcorr`` package the chapters
ran with (one number for the book and its package: ``convcorr.__version__``, which
``pyproject.toml`` reads too), and the two licences: CC BY 4.0 for the text and figures, MIT
for the code. Sphinx's ``version``/``release`` get the same number, so the single-page and
PDF builds carry it as well.
"""

import html

import convcorr

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def footer_html(version):
    """The footer paragraph: edition, licences, and how the numbers were made."""
    return (
        f'<p class="cc-edition">Edition {html.escape(version)}. '
        f'Text and figures: <a href="{CC_BY}">CC BY 4.0</a>; code: MIT licence. '
        "Every number and figure in this book is computed by the notebook it appears in.</p>"
    )


def _set_edition(app, config):
    version = convcorr.__version__
    config.version = config.release = version
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer_html(version)
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _set_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
