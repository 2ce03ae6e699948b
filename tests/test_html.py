"""Browser checks of the built book (`_build/html`) in headless Chromium: what a reader sees.

Every page of the book (the documents Sphinx indexed, and the search page) is served from
127.0.0.1 and opened in the Debian `chromium` through Playwright, at desktop width (1366 px),
then narrowed to phone width (390 px) in the same tab: loading a page is a good part of
its cost, and the layout at a width does not depend on the width it was loaded at.
One browser serves all pages; each page is its own test, and a failure names the page and the
width. A page passes when

- it loads nothing from outside the local server, logs no console error and gets no HTTP
  error (a missing favicon is a 404), and one cold load pulls at most 1.5 MB;
- its math arrived typeset (MathJax runs at build time, `_ext/book_math.py`), each formula
  as MathML (drawn by the browser, read by screen readers), and no MathJax script is
  loaded; no markup survives as
  text: no ``$…$``, TeX commands, Markdown table rules, ``**bold**`` or MyST roles in the
  prose, no Markdown table rules or ``$\\…$`` in printed outputs, no ``NBVAL_`` test marker;
- on desktop, no display equation or table is wider than the text column, no printed or
  code line is cut at its box's edge, one table style serves prose and output tables, and
  in a chapter the code a reader sees is at most 30 % of the page's height; on the phone,
  the page itself never scrolls sideways, no table is wider than the column (wide ones are
  cards), and a wide display scrolls inside its own box with the book's scroll-shadow cue;
  at both widths, no inline formula runs past the end of its line and no word is broken
  inside a table cell;
- every image has loaded, says what it shows in its alt text (not a file name or a hash),
  has at least twice as many pixels as it is displayed with (sharp on high-density
  screens) and links to its full-size file; in dark mode figures are neither dimmed nor
  laid on a tinted card, and captions are set like the body text;
- axe-core finds no serious or critical accessibility violation, in light mode, and no
  serious or critical colour-contrast violation in dark mode (the reader's preference picks
  the mode: the theme's default is "auto").

Book-wide: code is at most 20 % of all chapters' height; at least 30 numbered equations and
10 links to them, none broken; search results for "Wiener" show text, not TeX source.
Each page is loaded in a fresh browser context (a cold cache), so its bytes are counted in
full. The JavaScript of the checks lives in `tests/html_checks/*.js`; `tools/page_metrics.py`
prints the same measures as a table. `tools/mutate_html.py` shows that every check can fail
(mutants of a small book that meets every goal) and that such a book passes them.

Loading waits for the `load` event and every image, never for "network idle" (which timed
out under load). With BOOK_SCREENSHOTS=1 (`make screenshots`),
full-page screenshots of every page at both widths, light and dark, go to
`_build/screenshots/`, for a person to look at; they check nothing, and cost a quarter of
the run, so `make test` leaves them out.

Outside CI, a missing Chromium or build skips these tests with a message that says how to get
them; with CI=true they fail instead.
"""

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# Another build can be checked in place of the book's (tools/mutate_html.py does so).
HTML = Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html").resolve()
CHECKS = Path(__file__).resolve().parent / "html_checks"
SHOTS = ROOT / "_build" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: every request not to the loopback server (which Chromium
    # never proxies) goes to a proxy on a closed local port and fails. Requests are watched,
    # not intercepted (interception would add a round trip to every request).
    "--proxy-server=http://127.0.0.1:9",
]
WIDTHS = {"desktop": 1366, "phone": 390}
SCREENSHOTS = os.environ.get("BOOK_SCREENSHOTS", "") not in ("", "0")
# Generous: two loaded cores may be shared with a build and a test run.
TIMEOUT_MS = 180_000

# The goals of issue 18, measured on the built pages (CONTRIBUTING.md states them for
# chapter owners). Code share: height of the code inputs a reader sees over the height of
# the article, at desktop width, per chapter and over all chapters.
MAX_CODE_SHARE_CHAPTER = 0.30
MAX_CODE_SHARE_BOOK = 0.20
# Bytes one cold load of a page pulls, uncompressed (HTML, styles, scripts, fonts, images).
MAX_PAGE_BYTES = 1_500_000
# Numbered display equations in the book, and links to them from the text.
MIN_NUMBERED_EQUATIONS = 30
MIN_EQUATION_LINKS = 10
# What search-result snippets must not show: TeX source instead of the formula.
TEX_SOURCE = re.compile(r"\\[a-zA-Z]{2,}|\\[()\[\]{}]|\$\$|[_^]\{")

# Markup that must never reach the reader as text. Prose is everything outside code cells'
# sources and outputs; printed outputs get the subset that always means a missed rendering.
PROSE_MARKUP = {
    "inline math left as $…$": re.compile(r"\$[^$\s][^$\n]*\$"),
    "display math delimiters": re.compile(r"\$\$|\\\[|\\\]|\\\(|\\\)"),
    "a TeX command": re.compile(r"\\(?:[a-zA-Z]{2,}|[{}|,;])"),
    "a Markdown table rule": re.compile(r"\|\s*:?-{3,}:?\s*\|"),
    "Markdown emphasis": re.compile(r"\*\*[^*\n]+\*\*|(?<!\w)__[^_\n]+__(?!\w)"),
    "a MyST role or directive": re.compile(r"\{(?:cite|doc|ref|eq|numref|math)[a-z:]*\}`|^:::|```"),
}
OUTPUT_MARKUP = {
    "a Markdown table rule": PROSE_MARKUP["a Markdown table rule"],
    "inline math left as $…$": re.compile(r"\$[^$\n]*\\[a-zA-Z]+[^$\n]*\$"),
}
# An alt text that is a file name, a path or a content hash says nothing to a reader.
FILE_LIKE_ALT = re.compile(r"(\.(png|jpe?g|gif|svg|webp)\b|_images/|\b[0-9a-f]{16,}\b)", re.I)


@functools.cache
def _js(name):
    """The JavaScript of one check, from tests/html_checks/NAME.js (a function expression)."""
    return (CHECKS / f"{name}.js").read_text(encoding="utf-8")


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def pages():
    """The book's pages: every document Sphinx indexed, and the search page.

    Read from the build's search index rather than globbed, so that pages left behind in
    ``_build/html`` by a renamed or deleted chapter are not checked as if they were the book.
    """
    index = HTML / "searchindex.js"
    if not index.is_file():
        return []
    found = re.search(r'"docnames":\s*\[(.*?)\]', index.read_text(encoding="utf-8"))
    docnames = re.findall(r'"([^"]+)"', found[1]) if found else []
    return [*sorted(f"{name}.html" for name in docnames), "search.html"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # the build does not change during a run: one download per browser and file
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        _unavailable("no built book in _build/html: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        _unavailable(
            "Chromium not found: install it with `apt-get install -y chromium` "
            "(or set CHROMIUM=/path/to/chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: run `make test` to build .venv")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield chromium
        chromium.close()


@contextlib.contextmanager
def _cold_context(chromium):
    """A browser context of its own, with an empty cache: a page load pulls all it needs."""
    context = chromium.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900},
        color_scheme="light",
        device_scale_factor=1,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _unavailable("axe-playwright-python is not installed: run `make test` to build .venv")
    return Axe()


def _load(context, server, page_path):
    """Open one page and wait until a reader would see it finished; return what it logged."""
    page = context.new_page()
    log = {"errors": [], "foreign": [], "http": [], "local": set()}
    local = urlparse(server).netloc

    def watch(request):
        url = request.url
        if urlparse(url).netloc == local:
            log["local"].add(url)
        elif not url.startswith(("data:", "blob:")):
            log["foreign"].append(url)

    page.on("request", watch)
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on(
        "response",
        lambda r: log["http"].append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(f"{server}/{page_path}", wait_until="load")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    # A reader never sees a colour half-way through the theme's transitions; axe and the
    # screenshots must not either (a mid-transition search field failed colour contrast).
    page.add_style_tag(
        content="*, *::before, *::after { transition: none !important; "
        "animation: none !important; }"
    )
    return page, log


def _raw_markup(texts):
    found = []
    for where, patterns in (("prose", PROSE_MARKUP), ("output", OUTPUT_MARKUP)):
        for what, pattern in patterns.items():
            for match in pattern.finditer(texts[where]):
                start = max(0, match.start() - 30)
                snippet = texts[where][start : match.end() + 30].replace("\n", " ")
                found.append(f"{what} in {where}: …{snippet}…")
    return found


def _image_problems(images):
    problems = []
    for img in images:
        alt = (img["alt"] or "").strip()
        name = img["src"] if not img["src"].startswith("data:") else "an inline image"
        if not img["loaded"]:
            problems.append(f"{name}: did not load")
            continue
        if len(alt.split()) < 3 or FILE_LIKE_ALT.search(alt):
            problems.append(f"{name}: alt text {alt!r} does not say what the image shows")
        if img["shownAspect"] and abs(img["shownAspect"] / img["aspect"] - 1) > 0.02:
            problems.append(f"{name}: distorted (shown at a different aspect ratio)")
        if img["shown"] > 0 and img["natural"] < 2 * img["shown"] - 1:
            problems.append(
                f"{name}: {img['natural']} px wide shown at {img['shown']:.0f} px "
                "(needs 2x for high-density screens)"
            )
    return problems


def _axe_violations(axe, page, rules=None):
    # The formulas (thousands of MathML nodes per page) are left out: they are drawn in the
    # text colour and are MathML, which screen readers read.
    # No preload: axe would fetch stylesheets itself and resolve their @imports against the
    # page, not the stylesheet (a spurious 404 for basic.css).
    options = {"resultTypes": ["violations"], "preload": False}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe.axe_script)
    context = {"exclude": [["mjx-container"]]}
    if rules is None or "color-contrast" in rules:
        # Syntax-highlighted code (thousands of spans) is coloured by the theme's pygments
        # styles, the same on every page; checking it span by span tripled the time.
        context["exclude"].append([".highlight"])
    results = page.evaluate("([c, o]) => axe.run(c, o)", [context, options])
    bad = []
    for v in results["violations"]:
        if v.get("impact") in ("serious", "critical"):
            targets = [", ".join(map(str, n["target"])) for n in v["nodes"][:3]]
            bad.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']}; {targets}")
    return bad


# Below this many nodes of typeset math, taking them out saves axe less than it costs.
_HOLLOW_FROM_NODES = 2000


@contextlib.contextmanager
def _math_hollowed(page):
    """Inside the block, formulas are boxes of their own size (html_checks/hollow_math.js)."""
    if page.evaluate("() => document.querySelectorAll('mjx-container *').length") < (
        _HOLLOW_FROM_NODES
    ):
        yield
        return
    page.evaluate(_js("geometry"), True)
    page.evaluate(_js("hollow_math"))
    try:
        if page.evaluate(_js("geometry"), False):
            page.evaluate(_js("restore_math"))
        yield
    finally:
        page.evaluate(_js("restore_math"))


def _screenshot(page, page_path, width_name, mode):
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = page_path.removesuffix(".html").replace("/", "__")
    # JPEG: a full page is up to 15,000 px tall, and PNG encoding took a quarter of the test
    path = SHOTS / f"{name}--{width_name}-{mode}.jpg"
    page.screenshot(path=str(path), full_page=True, type="jpeg", quality=85)


_SCROLL_BOXES = (
    'mjx-container[display="true"], mjx-container.cc-wide-inline, .cc-table-wrap,'
    " .pst-scrollable-table-container,"
    " .cell_output .output.text_html"
)


def _switch_to_color_scheme(page, scheme):
    # The reader's system preference; with the theme's "auto" mode the page follows it.
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{scheme}'")


def test_there_are_pages_to_check(server):
    listed = pages()
    assert "intro.html" in listed, listed
    assert any(p.startswith("chapters/") for p in listed), listed


def _set_width(page, width_name):
    page.set_viewport_size({"width": WIDTHS[width_name], "height": 900})
    # the theme's resize handlers and the new layout settle within two frames
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    width = page.evaluate("() => window.innerWidth")
    assert width == WIDTHS[width_name], f"viewport is {width} px, not {WIDTHS[width_name]}"


def _layout_failures(page, width_name):
    """What the reader would see wrong at this width, before the accessibility rules."""
    failures = []
    for box in page.evaluate(_js("overflow")):
        what = f"{box['tag']}.{box['cls']} {box['width']} px in a {box['box']} px box"
        if width_name == "desktop":
            failures.append(f"wider than the column: {what}: {box['text']!r}")
        elif box["tag"] == "mjx-container" and "cc-wide-inline" not in box["cls"]:
            # a formula read by scrolling sideways loses its left part: break it into lines
            failures.append(f"display math wider than the phone column: {what}: {box['text']!r}")
        elif box["overflow"] not in ("auto", "scroll") or not box["cue"]:
            failures.append(f"clipped with no scroll cue: {what}: {box['text']!r}")
    failures += [f"inline math cut off: {m}" for m in page.evaluate(_js("inline_math"))]
    if width_name == "phone":
        sideways = page.evaluate(_js("sideways"))
        if sideways["scrollWidth"] > sideways["width"] + 1:
            failures.append(
                f"the page scrolls sideways: {sideways['scrollWidth']} px on a "
                f"{sideways['width']} px screen; culprits: {sideways['culprits']}"
            )
    failures += _image_problems(page.evaluate(_js("images")))
    return failures


def _screenshots(page, page_path, width_name):
    if not SCREENSHOTS:
        return
    _screenshot(page, page_path, width_name, "light")
    _switch_to_color_scheme(page, "dark")
    _screenshot(page, page_path, width_name, "dark")
    _switch_to_color_scheme(page, "light")


def _accessibility_failures(axe, page, width_name):
    # axe cannot tell the colour behind text drawn over a gradient, and reports it as
    # "incomplete", not as a violation: the scroll-shadow cue is switched off first, so
    # the text of every wide table and display is checked against what lies behind it.
    # Colours do not depend on the width, so dark-mode contrast is checked once, on desktop
    # (axe is half of this test's time); the phone width gets every rule in light mode.
    cue_off = page.add_style_tag(
        content=f"{_SCROLL_BOXES} {{ background-image: none !important; }}"
    )
    with _math_hollowed(page):
        failures = [f"axe (light): {v}" for v in _axe_violations(axe, page)]
        if width_name == "desktop":
            _switch_to_color_scheme(page, "dark")
            dark = _axe_violations(axe, page, ["color-contrast"])
            failures += [f"axe (dark): {v}" for v in dark]
            _switch_to_color_scheme(page, "light")
    cue_off.evaluate("e => e.remove()")
    return failures


def _reader_failures(page, page_path, width_name):
    """Issue 18's measures at this width: code share, cut lines, markers, tables, figures."""
    failures = []
    tables = page.evaluate(_js("tables"))
    failures += [f"a word broken inside a table cell: {b}" for b in tables["breaks"]]
    if width_name == "phone":
        failures += [f"table wider than the phone column: {w}" for w in tables["wide"]]
        return failures
    reader = page.evaluate(_js("reader"))
    share = reader["code"] / reader["height"]
    if page_path.startswith("chapters/") and share > MAX_CODE_SHARE_CHAPTER:
        failures.append(
            f"visible code is {share:.0%} of the page's height "
            f"(at most {MAX_CODE_SHARE_CHAPTER:.0%}): collapse checks, imports and plots"
        )
    failures += [f"cut at its box's right edge: {c}" for c in reader["cut"]]
    failures += [f"test marker visible to readers: {m}" for m in sorted(set(reader["markers"]))]
    looks = {t["look"]: t["table"] for t in tables["styles"]}
    if len(looks) > 1:
        failures.append(f"{len(looks)} table styles on one page: {sorted(looks.values())}")
    figures = page.evaluate(_js("figures"))
    failures += [f"(light) {f}" for f in figures["problems"]]
    page_dir = (HTML / page_path).parent
    for href in figures["links"]:
        if not (page_dir / unquote(href.split("#")[0])).resolve().is_file():
            failures.append(f"figure links to {href}, which does not exist")
    _switch_to_color_scheme(page, "dark")
    failures += [f"(dark) {f}" for f in page.evaluate(_js("figures"))["problems"]]
    _switch_to_color_scheme(page, "light")
    return failures


def _page_bytes(urls):
    """Bytes of the files behind the local URLs a page load requested (uncompressed)."""
    total = 0
    for url in urls:
        path = HTML / unquote(urlparse(url).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        total += path.stat().st_size if path.is_file() else 0
    return total


@pytest.mark.parametrize("page_path", pages() or ["intro.html"])
def test_page_reads_well(browser, server, axe, page_path):
    with _cold_context(browser) as context:
        page, log = _load(context, server, page_path)
        failures = []
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        if theme != "light":
            failures.append(f"a reader who prefers light mode gets data-theme={theme!r}")
        failures += page.evaluate(_js("math"))
        failures += _raw_markup(page.evaluate(_js("texts")))

        for width_name in WIDTHS:
            _set_width(page, width_name)
            at = f"at {width_name} width ({WIDTHS[width_name]} px): "
            found = _layout_failures(page, width_name)
            found += _reader_failures(page, page_path, width_name)
            _screenshots(page, page_path, width_name)
            found += _accessibility_failures(axe, page, width_name)
            failures += [at + f for f in found]

        weight = _page_bytes(log["local"])
        if weight > MAX_PAGE_BYTES:
            failures.append(
                f"one load pulls {weight / 1e6:.2f} MB (at most {MAX_PAGE_BYTES / 1e6:.1f} MB)"
            )
        failures += [f"request outside the local server: {u}" for u in log["foreign"]]
        failures += [f"HTTP error: {h}" for h in log["http"]]
        failures += [f"console error: {e}" for e in log["errors"]]
        page.close()
    assert not failures, f"{page_path}:\n  " + "\n  ".join(failures)


def _chapters():
    return [p for p in pages() if p.startswith("chapters/")]


def test_code_share_of_the_whole_book(browser, server):
    """Over all chapters, visible code is at most MAX_CODE_SHARE_BOOK of the height."""
    chapters = _chapters()
    assert chapters, "no chapter pages were built"
    code = height = 0.0
    shares = []
    with _cold_context(browser) as context:
        for path in chapters:
            page = context.new_page()
            page.goto(f"{server}/{path}", wait_until="load")
            reader = page.evaluate(_js("reader"))
            page.close()
            code += reader["code"]
            height += reader["height"]
            shares.append(f"{path}: {reader['code'] / reader['height']:.0%}")
    assert code / height <= MAX_CODE_SHARE_BOOK, (
        f"visible code is {code / height:.0%} of all chapters' height "
        f"(at most {MAX_CODE_SHARE_BOOK:.0%}); per chapter: " + ", ".join(shares)
    )


def test_search_snippets_show_text_not_tex(browser, server):
    """Search for a word next to formulas: the result snippets read as text, never TeX."""
    with _cold_context(browser) as context:
        page = context.new_page()
        page.goto(f"{server}/search.html?q=Wiener", wait_until="load")
        page.wait_for_function(
            "() => { const items = document.querySelectorAll('#search-results ul.search li');"
            " return items.length > 0 && Array.from(items).every(li => li.querySelector("
            "'p.context')); }"
        )
        results = page.evaluate(_js("search"))
        page.close()
    tex = [r for r in results if TEX_SOURCE.search(r)]
    assert not tex, "search results show TeX source:\n  " + "\n  ".join(r[:200] for r in tex)


def test_equations_are_numbered_and_cited():
    """The book numbers its key equations and the text refers to them by number."""
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    numbered, links, broken = 0, 0, []
    for page_path in pages():
        page = HTML / page_path
        text = page.read_text(encoding="utf-8")
        numbered += len(re.findall(r'<span class="eqno">', text))
        for href in re.findall(r'href="([^"]*#equation-[^"]+)"', text):
            links += 1
            target, anchor = href.split("#", 1)
            file = (page.parent / target).resolve() if target else page
            if not file.is_file() or f'id="{anchor}"' not in file.read_text(encoding="utf-8"):
                broken.append(f"{page_path} -> {href}")
    assert not broken, "links to equations that do not exist: " + ", ".join(broken)
    assert numbered >= MIN_NUMBERED_EQUATIONS and links >= MIN_EQUATION_LINKS, (
        f"{numbered} numbered equations (at least {MIN_NUMBERED_EQUATIONS}) and "
        f"{links} links to them (at least {MIN_EQUATION_LINKS})"
    )


def test_chapters_end_with_a_summary_and_offer_exercises():
    """Chapters 1-13 as built: a Summary section, and at least two numbered exercises, each
    with a solution that links back to it and is collapsed (a dropdown) until opened."""
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    teaching = [p for p in sorted((HTML / "chapters").glob("*.html")) if int(p.name[:2]) <= 13]
    assert len(teaching) == 13, f"expected chapters 1-13, found {[p.name for p in teaching]}"
    problems = []
    for page in teaching:
        text = page.read_text(encoding="utf-8")
        summary = re.search(r'<section id="summary">.*?</section>', text, re.S)
        if not summary or summary[0].count("<li>") < 3:
            problems.append(f"{page.name}: no Summary section with at least 3 points")
        exercises = re.findall(
            r'<div class="exercise admonition" id="([^"]+)">\s*<p class="admonition-title">'
            r'<span class="caption-number">Exercise \d+\.\d+ </span>',
            text,
        )
        if len(exercises) < 2:
            problems.append(f"{page.name}: {len(exercises)} numbered exercises, at least 2")
        solved = re.findall(
            r'<div class="solution dropdown admonition"[^>]*>\s*<p class="admonition-title">'
            r'Solution to<a class="reference internal" href="#([^"]+)"',
            text,
        )
        if sorted(solved) != sorted(exercises):
            problems.append(
                f"{page.name}: exercises {exercises} but collapsed solutions to {solved}"
            )
    assert not problems, "\n".join(problems)


def test_no_external_urls_in_scripts_or_styles():
    # Links to other sites are fine in prose; anything the page *loads* must be local.
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    pattern = re.compile(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(https?:)?//", re.IGNORECASE)
    offenders = []
    for page in HTML.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            tag = text[match.start() : match.end() + 80]
            if "<link" in tag and ('rel="canonical"' in tag or 'rel="alternate"' in tag):
                continue
            offenders.append(f"{page.relative_to(HTML)}: {tag}")
    assert not offenders, "\n".join(offenders[:10])


def test_every_chapter_offers_its_notebook_for_download():
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    chapters = sorted((HTML / "chapters").glob("*.html"))
    assert chapters, "no chapter pages were built"
    for page in chapters:
        links = re.findall(r'href="([^"]+\.ipynb)"', page.read_text(encoding="utf-8"))
        # "edit this page" points at the notebook in the repository, not at a download
        links = [link for link in links if "://" not in link]
        assert links, f"{page.name}: no .ipynb download link"
        for link in links:
            target = (page.parent / link).resolve()
            assert target.is_file(), f"{page.name}: download link {link} is broken"


def test_book_furniture():
    """Numbered chapters, no fullscreen button (off in _config.yml), a favicon that exists,
    and bibliography labels that are distinct and are exactly what the text cites."""
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    problems = []
    for page in sorted((HTML / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        if not re.search(r'<h1><span class="section-number">\d+\. </span>', text):
            problems.append(f"{page.name}: the title has no chapter number")
    for page in HTML.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rel = page.relative_to(HTML)
        if "fullscreen-button" in text or "toggleFullScreen" in text:
            problems.append(f"{rel}: a fullscreen button, though use_fullscreen_button is false")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        redirect = 'http-equiv="refresh"' in text.lower()  # the index.html stub
        has_icon = icon is not None and (page.parent / icon[1]).is_file()
        if "_static" not in rel.parts and not redirect and not has_icon:
            problems.append(f"{rel}: no favicon, or it does not exist")
    refs = (HTML / "references.html").read_text(encoding="utf-8")
    labels = re.findall(
        r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">',
        refs,
    )
    assert labels, "references.html lists no entries"
    if len(set(labels)) != len(labels):
        problems.append(f"bibliography labels repeat: {sorted(labels)}")
    cited = set()
    for page in HTML.rglob("*.html"):
        cited |= set(
            re.findall(
                r'href="(?:\.\./)?references\.html#[^"]*"[^>]*>([^<]+)</a>',
                page.read_text(encoding="utf-8"),
            )
        )
    problems += [f"cited as {c!r}, which no bibliography label reads" for c in cited - set(labels)]
    assert not problems, "\n".join(problems)
