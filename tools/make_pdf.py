"""Print the built book as one PDF: ``make pdf`` writes ``_build/html/convcorr.pdf``.

The HTML build is the source: its pages already carry the typeset math (MathML in the
book's math font), the executed outputs and the figures. The system Chromium, driven by
the pinned Playwright, opens the first page from a local ``http.server`` (offline: every
other request goes to a closed proxy port), ``tools/make_pdf.js`` refills its article
with every page of ``_toc.yml`` in order behind a title page and a table of contents,
and ``_static/print.css`` (its ``html.cc-pdf`` rules) shapes it for A4. The first print
tells on which page each chapter and section starts (the PDF's named destinations, read
with pypdf); the contents list gets those numbers and the book is printed again.

Usage: ``.venv/bin/python tools/make_pdf.py [--html _build/html] [--out FILE]``. The
Chromium used is ``$CHROMIUM``, else ``chromium`` on the PATH (``apt-get install
chromium``); never ``playwright install``.
"""

import argparse
import io
import logging
import re
import sys
import time
from pathlib import Path

import yaml
from offline_browser import CHROMIUM_ARGS, chromium, serve

ROOT = Path(__file__).resolve().parents[1]
ASSEMBLE_JS = Path(__file__).with_name("make_pdf.js")
TIMEOUT_MS = 300_000
# Frames of the animation shown on paper (evenly spaced, first and last included).
ANIMATION_FRAMES = 4
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
LICENCE = "Text and figures: CC BY 4.0 (creativecommons.org/licenses/by/4.0); code: MIT licence."
SITE = "https://convcorr.github.io/convcorr-book/"
FOOTER = (
    '<div style="width:100%;margin:0 16mm;font:8px sans-serif;color:#555;display:flex;'
    'justify-content:space-between"><span>{title} · edition {edition}</span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


def edition(root=ROOT):
    """The book's edition: ``__version__`` of ``code/convcorr/__init__.py``.

    Parameters
    ----------
    root : pathlib.Path
        The repository.

    Returns
    -------
    str
        The version string, read from the source (not from an installed package).
    """
    text = (root / "code" / "convcorr" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)[1]


def toc_pages(root=ROOT):
    """The book's pages in reading order, and where each part of ``_toc.yml`` starts.

    Parameters
    ----------
    root : pathlib.Path
        The repository (holding ``_toc.yml``).

    Returns
    -------
    pages : list of str
        Paths of the built pages relative to the HTML root (``chapters/01_….html``).
    parts : list of dict
        ``{"caption": str, "first": int}``: a part's caption and the index in ``pages`` of
        its first chapter.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages, parts = [f"{toc['root']}.html"], []
    for part in toc.get("parts", []):
        parts.append({"caption": part.get("caption", ""), "first": len(pages)})
        pages += [f"{chapter['file']}.html" for chapter in part.get("chapters", [])]
    return pages, parts


def book_meta(root=ROOT):
    """What the title page says: title, authors, edition, licences, where to read it.

    Parameters
    ----------
    root : pathlib.Path
        The repository (``_config.yml`` and the package's source).

    Returns
    -------
    dict
        Strings for ``tools/make_pdf.js``.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return {
        "title": config["title"],
        "subtitle": "An executable book",
        "authors": config["author"],
        "edition": edition(root),
        "licence": LICENCE,
        "url": SITE,
        "source": config["repository"]["url"],
    }


def assemble(page, base, root=ROOT):
    """Open the first page and make it the whole book (``tools/make_pdf.js``).

    Parameters
    ----------
    page : playwright.sync_api.Page
        A fresh page of the browser.
    base : str
        URL of the served HTML build.
    root : pathlib.Path
        The repository, for ``_toc.yml`` and the title page.

    Returns
    -------
    int
        The number of book pages assembled.
    """
    pages, parts = toc_pages(root)
    page.emulate_media(media="print")
    page.goto(f"{base}/{pages[0]}", wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    args = {
        "pages": [f"{base}/{p}" for p in pages],
        "meta": book_meta(root),
        "parts": parts,
        "frames": ANIMATION_FRAMES,
    }
    return page.evaluate(ASSEMBLE_JS.read_text(encoding="utf-8"), args)


def print_pdf(page, meta):
    """Print the assembled book on A4, with its title, edition and page numbers in the footer.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The assembled book.
    meta : dict
        ``book_meta()``.

    Returns
    -------
    bytes
        The PDF, untagged (see ``with_outline``).
    """
    return page.pdf(
        format="A4",
        margin=MARGINS,
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER.format(title=meta["title"], edition=meta["edition"]),
    )


def destination_pages(pdf):
    """Where the anchors landed: the page of each named destination of a PDF.

    Chromium names a destination after the id of each element an internal link points to
    (here the contents list's links to chapters and sections).

    Parameters
    ----------
    pdf : bytes
        A PDF printed by Chromium.

    Returns
    -------
    dict
        Page number (from 1) by destination name.
    """
    from pypdf import PdfReader

    # Chromium's trailer undercounts its objects; pypdf says so on every read
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }


def number_contents(page, numbers):
    """Write the page numbers into the contents list.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The assembled book.
    numbers : dict
        Page number of each anchor (``destination_pages``).

    Returns
    -------
    list of dict
        The contents entries in order, ``{"level", "title", "page"}``, with ``level`` one
        of ``part``, ``chapter``, ``section`` and ``page`` None where no anchor was found
        (parts have none: they start on their first chapter's page).
    """
    return page.evaluate(
        """numbers => [...document.querySelectorAll(".cc-pdf-toc li")].map(li => {
          const span = li.querySelector(".cc-pdf-toc-page");
          const n = span ? numbers[span.dataset.target] : undefined;
          if (span) span.textContent = n === undefined ? "" : String(n);
          const title = (li.querySelector("a") || li).textContent.replace(/\\s+/g, " ").trim();
          return {level: li.className.replace("cc-pdf-toc-", ""), title, page: n ?? null};
        })""",
        numbers,
    )


def with_outline(pdf, entries, meta):
    """The PDF with bookmarks (parts, chapters, sections), its title and its authors.

    Chromium writes an outline only into a tagged PDF, whose structure tree more than
    doubled the file (18 MB instead of 8); pypdf adds the same bookmarks to the untagged one.

    Parameters
    ----------
    pdf : bytes
        The printed book.
    entries : list of dict
        The contents entries (``number_contents``), each with its page.
    meta : dict
        ``book_meta()``.

    Returns
    -------
    bytes
        The PDF with its outline, opening with the bookmarks shown.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    parent = {"part": None, "chapter": None}
    for i, entry in enumerate(entries):
        page = entry["page"] or next(e["page"] for e in entries[i:] if e["page"])
        up = {"part": None, "chapter": parent["part"], "section": parent["chapter"]}
        item = writer.add_outline_item(
            title=entry["title"], page_number=page - 1, parent=up[entry["level"]]
        )
        parent.update({entry["level"]: item} if entry["level"] != "section" else {})
        if entry["level"] == "part":
            parent["chapter"] = None
    writer.add_metadata({"/Title": meta["title"], "/Author": meta["authors"]})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf(html, out, root=ROOT):
    """Print the book built in ``html`` to ``out``.

    Parameters
    ----------
    html : pathlib.Path
        The HTML build (``_build/html``).
    out : pathlib.Path
        Where to write the PDF.
    root : pathlib.Path
        The repository.

    Returns
    -------
    int
        The number of pages of the PDF.
    """
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    meta = book_meta(root)
    with serve(html) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium(), headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        assemble(page, base, root)
        entries = number_contents(page, destination_pages(print_pdf(page, meta)))
        missing = [e["title"] for e in entries if e["level"] != "part" and not e["page"]]
        if missing:
            sys.exit(f"make_pdf: no page found for contents entries {missing[:5]}")
        pdf = with_outline(print_pdf(page, meta), entries, meta)
        browser.close()
    Path(out).write_bytes(pdf)
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv=None):
    """Command line: ``--html`` (the build, ``_build/html``) and ``--out`` (the PDF).

    Parameters
    ----------
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` when None.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help="default: HTML/convcorr.pdf")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        sys.exit(f"make_pdf: no built book in {args.html}: run `make book` first")
    out = args.out or args.html / "convcorr.pdf"
    start = time.perf_counter()
    pages = make_pdf(args.html, out)
    size = out.stat().st_size / 1e6
    print(f"{out}: {pages} pages, {size:.1f} MB, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
