"""The PDF of the whole book (`make pdf`, `tools/make_pdf.py`): what a reader of paper gets.

`make test` prints the book into `_build/html/convcorr.pdf` right after the build (the
`built-html-check` target), and these tests read that file with pypdf:

- a sane number of A4 pages; a title page with the title, the authors, the edition
  (`convcorr.__version__`) and both licences;
- every page of `_toc.yml` present, by the first heading of its source, and listed in the
  contents with the page on which it starts; page numbers in the footer;
- no markup left unrendered (TeX source, ``$$``, ``<IPython.core.display.HTML object>``);
- the animation of chapter 1 printed as numbered frames, not as its player's buttons;
- collapsed code left collapsed (no "Show code" toggle, no imports cell);
- figures embedded at print resolution (at least MIN_PPI at their printed size);
- every page's download menu links to the PDF by a relative link that resolves.

Like `tests/test_print.py`: outside CI, a missing PDF, Chromium or pypdf skips these tests
with a message that says how to get them; with ``CI=true`` they fail instead.
"""

import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
PDF = HTML / "convcorr.pdf"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
# ~220 A4 pages in 2026; far fewer means chapters went missing, far more a layout gone wrong
MIN_PAGES, MAX_PAGES = 120, 400
# Figures are drawn with twice the pixels they are shown with on screen (~210 ppi on A4).
MIN_PPI = 150
# Checked in the prose (text not set in a monospaced font): code may hold TeX in strings.
RAW_MARKUP = {
    "a TeX command": re.compile(
        r"\\(?:frac|begin|end|sum|int|left|right|math[a-z]+|operatorname|overline|cdot"
        r"|star|ast|conv|corr|sqrt|hat|tilde|infty|alpha|omega|tau|pi)\b"
    ),
    "display math delimiters": re.compile(r"\$\$|\\\[|\\\]"),
    "inline math left as $…$": re.compile(r"\$[^$\s][^$\n]{0,80}\\[a-zA-Z]+[^$\n]{0,80}\$"),
}
# Checked in all the text, code and outputs included.
REPRS = re.compile(r"HTML object|<IPython\.|<Figure size|<matplotlib\.")


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _compact(text):
    # NFKC: the PDF's text has the ligatures ﬁ and ﬂ
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def first_heading(path):
    """The text of the first ``# `` heading of a page's source (.md, or .ipynb markdown)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M)[1].strip()


def toc_titles():
    """First headings of every file of ``_toc.yml``, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for p in toc["parts"] for c in p["chapters"]]
    found = []
    for name in files:
        source = next(ROOT.glob(f"{name}.*"))
        found.append(first_heading(source))
    return found


def edition():
    text = (ROOT / "code" / "convcorr" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)[1]


def _page_texts(page):
    """The text of a page, and its prose: the text not set in a monospaced font."""
    prose = []

    def visit(text, cm, tm, font, size):
        if font is None or "Mono" not in str(font.get("/BaseFont", "")):
            prose.append(text)

    return page.extract_text(visitor_text=visit), "".join(prose)


@pytest.fixture(scope="module")
def book():
    """``(reader, texts, prose)``: the PDF opened with pypdf, each page's text and prose."""
    if not PDF.is_file():
        _unavailable(f"no {PDF.relative_to(ROOT)}: run `make pdf` (needs Chromium)")
    if CHROMIUM is None:
        _unavailable("Chromium not found (`make pdf` prints with it): `apt-get install chromium`")
    try:
        from pypdf import PdfReader
    except ImportError:
        _unavailable("pypdf is not installed: run `make test` to build .venv")
    reader = PdfReader(PDF)
    texts, prose = zip(*(_page_texts(page) for page in reader.pages), strict=True)
    return reader, list(texts), list(prose)


def test_first_heading_reads_markdown_and_notebooks(tmp_path):
    (tmp_path / "a.md").write_text("(label)=\n# A title\n\n## Not this\n# Nor this\n")
    cells = [{"cell_type": "code", "source": ["# a comment\n"]}]
    cells.append({"cell_type": "markdown", "source": ["Text\n", "# Notebook title\n"]})
    (tmp_path / "b.ipynb").write_text(json.dumps({"cells": cells}))
    assert first_heading(tmp_path / "a.md") == "A title"
    assert first_heading(tmp_path / "b.ipynb") == "Notebook title"


def test_page_count_is_sane(book):
    reader, _, _ = book
    assert MIN_PAGES <= len(reader.pages) <= MAX_PAGES, f"{len(reader.pages)} pages"
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, f"not A4: {width} x {height} pt"


def test_title_page_names_the_book_its_edition_and_licences(book):
    _, texts, _ = book
    title_page = texts[0]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    for needed in (config["author"], f"Edition {edition()}", "CC BY 4.0", "MIT"):
        assert needed in title_page, f"the title page lacks {needed!r}:\n{title_page}"
    assert _compact(config["title"]) in _compact(title_page)


def test_every_page_of_the_toc_is_listed_and_starts_where_the_contents_say(book):
    _, texts, _ = book
    # the contents: the pages after the title page, up to the first page of the book
    contents = unicodedata.normalize("NFKC", "\n".join(texts[1:8]))
    problems = []
    for title in toc_titles():
        spaced = r"\s*".join(map(re.escape, _compact(title)))
        entry = re.search(rf"(?:\d+\.\s*)?{spaced}\s*(\d+)\s*$", contents, re.M)
        if entry is None:
            problems.append(f"{title!r} is not in the contents")
            continue
        page = int(entry[1])
        if _compact(title) not in _compact(texts[page - 1]):
            problems.append(f"{title!r}: the contents say page {page}, which does not show it")
    assert not problems, "\n".join(problems)


def test_pages_are_numbered(book):
    _, texts, _ = book
    total = len(texts)
    for n in (1, total // 2, total):
        assert re.search(rf"\b{n}\s*/\s*{total}\b", texts[n - 1]), f"page {n} has no number"


def _matches(pattern, texts):
    return [
        f"page {n}: …{text[max(0, m.start() - 40) : m.end() + 40]}…"
        for n, text in enumerate(texts, 1)
        for m in pattern.finditer(text)
    ]


@pytest.mark.parametrize("what", RAW_MARKUP)
def test_no_unrendered_markup_in_the_prose(book, what):
    _, _, prose = book
    found = _matches(RAW_MARKUP[what], prose)
    assert not found, f"{what} in the PDF:\n" + "\n".join(found[:10])


def test_no_output_printed_as_its_repr(book):
    _, texts, _ = book
    found = _matches(REPRS, texts)
    assert not found, "outputs printed as Python reprs:\n" + "\n".join(found[:10])


def test_the_animation_prints_as_frames_not_as_a_player(book):
    _, texts, _ = book
    text = "\n".join(texts)
    frames = re.findall(r"frame (\d+) of (\d+)", text)
    assert len(frames) >= 2, "no numbered frames of the chapter 1 animation in the PDF"
    assert {n for n, _ in frames} >= {"1", frames[0][1]}, f"not first and last: {frames}"
    compact = _compact(text)
    for control in ("OnceLoopReflect", "slowerfirstback"):
        assert control not in compact, f"the animation player's controls are printed: {control}"


def test_collapsed_code_stays_collapsed(book):
    _, texts, _ = book
    text = "\n".join(texts)
    assert "Show code" not in text, "a collapsed cell's toggle is printed"
    # every chapter's imports cell is collapsed and calls use_book_style(); no visible one does
    assert "use_book_style" not in text, "a collapsed imports cell is printed open"


def _times(m, ctm):
    """The PDF matrix product ``m × ctm`` (six numbers each, as ``cm`` gives them)."""
    a, b, c, d, e, f = m
    return [
        a * ctm[0] + b * ctm[2],
        a * ctm[1] + b * ctm[3],
        c * ctm[0] + d * ctm[2],
        c * ctm[1] + d * ctm[3],
        e * ctm[0] + f * ctm[2] + ctm[4],
        e * ctm[1] + f * ctm[3] + ctm[5],
    ]


def image_widths(reader, page):
    """(pixels, points) of every image drawn on the page: its width in pixels and as printed."""
    from pypdf.generic import ContentStream

    resources = page["/Resources"].get("/XObject", {})
    stack, ctm, found = [], [1, 0, 0, 1, 0, 0], []
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _times([float(x) for x in operands], ctm)
        elif op == b"Do" and operands[0] in resources:
            xobject = resources[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append((xobject["/Width"], (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5))
    return found


def test_figures_keep_print_resolution(book):
    reader, _, _ = book
    low, figures = [], 0
    for n, page in enumerate(reader.pages, 1):
        for pixels, points in image_widths(reader, page):
            if points < 72:  # under an inch: rules, shadows, icons
                continue
            figures += 1
            ppi = pixels / (points / 72)
            if ppi < MIN_PPI:
                low.append(
                    f"page {n}: {pixels} px printed {points / 72:.1f} in wide ({ppi:.0f} ppi)"
                )
    assert figures >= 20, f"only {figures} figures drawn in the PDF"
    assert not low, f"figures under {MIN_PPI} ppi:\n" + "\n".join(low)


def test_every_download_menu_links_to_the_pdf():
    if not PDF.is_file():
        _unavailable(f"no {PDF.relative_to(ROOT)}: run `make pdf` (needs Chromium)")
    menus = 0
    for page in sorted(HTML.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        menu = re.search(r'<div class="dropdown dropdown-download-buttons">.*?</ul>', text, re.S)
        if menu is None:
            continue
        menus += 1
        links = re.findall(r'href="([^"]*convcorr\.pdf)"', menu[0])
        where = page.relative_to(HTML)
        assert links, f"{where}: the download menu does not offer the book's PDF"
        for link in links:
            assert "://" not in link and not link.startswith("/"), f"{where}: {link} not relative"
            assert (page.parent / link).resolve() == PDF.resolve(), f"{where}: {link} is broken"
    assert menus >= 15, f"only {menus} pages have a download menu"
