"""Sphinx extension that offers the PDF of the whole book in every page's download menu.

``make pdf`` (``tools/make_pdf.py``) prints the built book to ``convcorr.pdf`` at the root
of the HTML output. sphinx-book-theme's download dropdown (``.ipynb``, ``.md``, and
"print this page to PDF") gets one more entry, a plain relative link to that file, so it
works on the published site and in a copy read offline.
"""

PDF_NAME = "convcorr.pdf"


def pdf_button(pathto):
    """The download-menu entry linking to the book's PDF, in the theme's button format.

    Parameters
    ----------
    pathto : callable
        Sphinx's ``pathto`` of the page being written (relative URLs from that page).

    Returns
    -------
    dict
        A ``header_buttons`` entry of type ``link``.
    """
    return {
        "type": "link",
        "url": pathto(PDF_NAME, 1),
        "text": "book .pdf",
        "tooltip": "Download the whole book as one PDF",
        "icon": "fas fa-book",
        "label": "download-book-pdf-button",
    }


def _add_pdf_link(app, pagename, templatename, context, doctree):
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append(pdf_button(context["pathto"]))


def setup(app):
    # after sphinx-book-theme has made its header buttons (priority 501)
    app.connect("html-page-context", _add_pdf_link, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
