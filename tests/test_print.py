"""The cheat sheet prints on at most two A4 pages: Chromium's PDF of the built page.

``_static/print.css`` shapes chapter 14 on paper (smaller type, its own page margins, the
checks and the code left out). These tests print the built page as a reader's browser
would, with print media on A4 paper in the system Chromium through Playwright
(``page.pdf``), and count the pages of the PDF. The second test removes that stylesheet
before printing and expects more than two pages, so the first cannot pass by luck: the
rules make the sheet fit.

Like ``tests/test_html.py``: outside CI, a missing Chromium or build skips these tests
with a message that says how to get them; with ``CI=true`` they fail instead.
"""

import os
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# the offline Chromium and loopback server that tools/make_pdf.py prints the book with
sys.path.insert(0, str(ROOT / "tools"))
from offline_browser import CHROMIUM_ARGS, find_chromium, serve  # noqa: E402

sys.path.remove(str(ROOT / "tools"))
HTML = ROOT / "_build" / "html"
SHEET = "chapters/14_cheat_sheet.html"
PRINT_CSS = "print.css"
MAX_PAGES = 2
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = find_chromium()
TIMEOUT_MS = 180_000


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def pdf_pages(pdf):
    """Number of pages of a PDF: the ``/Count`` of its page tree (the largest one)."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    if not counts:
        raise ValueError("pdf has no page tree (/Type /Pages with /Count)")
    return max(counts)


@pytest.fixture(scope="module")
def print_sheet():
    """``print_sheet(with_print_css=True)``: the PDF bytes of the built cheat sheet on A4."""
    if not (HTML / SHEET).is_file():
        _unavailable(f"no built {SHEET} in _build/html: run `make book` first")
    if CHROMIUM is None:
        _unavailable(
            "Chromium not found: install it with `apt-get install -y chromium` "
            "(or set CHROMIUM=/path/to/chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: run `make test` to build .venv")
    with serve(HTML) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )

        def printed(with_print_css=True):
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            try:
                page.goto(f"{base}/{SHEET}", wait_until="load")
                # The math arrives as MathML (typeset at build time): what must be in place
                # before printing is its web font, or the page breaks fall where the
                # fallback font put them.
                page.evaluate("() => document.fonts.ready.then(() => true)")
                page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
                links = f'link[rel="stylesheet"][href*="{PRINT_CSS}"]'
                assert page.locator(links).count() == 1, f"{SHEET} does not link {PRINT_CSS}"
                if not with_print_css:
                    page.evaluate(f"() => document.querySelectorAll('{links}')"
                                  ".forEach(l => l.remove())")  # fmt: skip
                return page.pdf(format="A4")
            finally:
                page.close()

        yield printed
        browser.close()


def test_pdf_pages_reads_the_page_tree():
    assert pdf_pages(b"<< /Type /Pages\n/Count 3\n/Kids [2 0 R 5 0 R 9 0 R] >>") == 3
    assert pdf_pages(b"<</Count 1 /Kids [4 0 R] /Type /Pages>>") == 1
    with pytest.raises(ValueError, match="page tree"):
        pdf_pages(b"%PDF-1.4 nothing here")


def test_cheat_sheet_prints_on_two_a4_pages(print_sheet):
    pages = pdf_pages(print_sheet())
    assert 1 <= pages <= MAX_PAGES, f"{SHEET} prints on {pages} A4 pages, over {MAX_PAGES}"


def test_print_rules_are_what_make_it_fit(print_sheet):
    pages = pdf_pages(print_sheet(with_print_css=False))
    assert pages > MAX_PAGES, (
        f"without {PRINT_CSS} the sheet still prints on {pages} pages: the test above "
        "would pass without the print rules"
    )
