"""Browser checks of the built book (`_build/html`) in headless Chromium: what a reader sees.

Every page of the book (the documents Sphinx indexed, and the search page) is served from
127.0.0.1 and opened in the Debian `chromium` through Playwright, at desktop width (1366 px),
then narrowed to phone width (390 px) in the same tab: loading and typesetting a page is a
third of its cost, and the layout at a width does not depend on the width it was loaded at.
One browser serves all pages; each page is its own test, and a failure names the page and the
width. A page passes when

- it loads nothing from outside the local server, logs no console error and gets no HTTP
  error (a missing favicon is a 404);
- its math is typeset by the local MathJax, and no markup survives as text: no ``$…$``,
  TeX commands, Markdown table rules, ``**bold**`` or MyST roles in the prose, no Markdown
  table rules or ``$\\…$`` in printed outputs;
- on desktop, no display equation or table is wider than the text column (nothing hides
  behind a sideways scroll); on the phone, the page itself never scrolls sideways, and a wide
  display or table scrolls inside its own box, which carries the book's scroll-shadow cue;
  at both widths, no inline formula runs past the end of its line (it cannot wrap);
- every image has loaded, says what it shows in its alt text (not a file name or a hash) and
  has at least twice as many pixels as it is displayed with (sharp on high-density screens);
- axe-core finds no serious or critical accessibility violation, in light mode, and no
  serious or critical colour-contrast violation in dark mode (the reader's preference picks
  the mode: the theme's default is "auto").

Loading waits for the `load` event, MathJax's startup promise and every image, never for
"network idle" (which timed out under load). With BOOK_SCREENSHOTS=1 (`make screenshots`),
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
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
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
    # not intercepted: Playwright's interception switches off the HTTP cache, and every
    # page then downloaded and compiled the theme's 2.6 MB of scripts afresh.
    "--proxy-server=http://127.0.0.1:9",
]
WIDTHS = {"desktop": 1366, "phone": 390}
SCREENSHOTS = os.environ.get("BOOK_SCREENSHOTS", "") not in ("", "0")
# Generous: two loaded cores may be shared with a build and a test run.
TIMEOUT_MS = 180_000

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
        context = chromium.new_context(
            viewport={"width": WIDTHS["desktop"], "height": 900},
            color_scheme="light",
            device_scale_factor=1,
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()
        chromium.close()


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
    log = {"errors": [], "foreign": [], "http": []}
    local = urlparse(server).netloc

    def watch(request):
        url = request.url
        if urlparse(url).netloc != local and not url.startswith(("data:", "blob:")):
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


# Text the reader sees, split into prose and printed outputs; code sources are left out.
_TEXTS_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll('.cell_input, .cell_output, pre, code, script, style, mjx-container,'
    + ' .MathJax, mjx-assistive-mml, .headerlink').forEach(e => e.remove());
  const outputs = Array.from(article.querySelectorAll('.cell_output')).map(o => {
    const c = o.cloneNode(true);
    c.querySelectorAll('script, style, mjx-container, code').forEach(e => e.remove());
    return c.textContent;
  });
  return {prose: prose.textContent, output: outputs.join('\\n')};
}"""


def _raw_markup(texts):
    found = []
    for where, patterns in (("prose", PROSE_MARKUP), ("output", OUTPUT_MARKUP)):
        for what, pattern in patterns.items():
            for match in pattern.finditer(texts[where]):
                start = max(0, match.start() - 30)
                snippet = texts[where][start : match.end() + 30].replace("\n", " ")
                found.append(f"{what} in {where}: …{snippet}…")
    return found


# Boxes that must not hide content sideways: display math, tables (and their wrappers).
_OVERFLOW_JS = """() => {
  const boxes = document.querySelectorAll(
    'article.bd-article mjx-container[display="true"], article.bd-article .cc-table-wrap,'
    + ' article.bd-article mjx-container.cc-wide-inline,'
    + ' article.bd-article .pst-scrollable-table-container,'
    + ' article.bd-article .cell_output .output.text_html, article.bd-article table');
  const out = [];
  const wrappers = '.cc-table-wrap, .pst-scrollable-table-container,'
    + ' .cell_output .output.text_html';
  for (const el of boxes) {
    if (!el.offsetParent && el.getClientRects().length === 0) continue;  // collapsed
    if (el.tagName === 'TABLE' && el.parentElement.closest(wrappers)) continue;  // its box counts
    const style = getComputedStyle(el);
    const hidden = el.scrollWidth - el.clientWidth;
    if (hidden <= 1) continue;
    const cue = /gradient/.test(style.backgroundImage);
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 70);
    out.push({tag: el.tagName.toLowerCase(), cls: el.className && String(el.className),
              width: el.scrollWidth, box: el.clientWidth, overflow: style.overflowX,
              cue: cue, text: text});
  }
  return out;
}"""

# Elements that stick out of the phone screen (outside any scroll box): the page's culprits.
_SIDEWAYS_JS = """() => {
  const w = document.documentElement.clientWidth;
  const culprits = [];
  for (const el of document.querySelectorAll('article.bd-article *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let p = el.parentElement, clipped = false;
    while (p) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        if (p.getBoundingClientRect().right <= w + 1) { clipped = true; break; }
      }
      p = p.parentElement;
    }
    if (!clipped) culprits.push(el.tagName.toLowerCase() + ' "'
      + (el.textContent || '').trim().slice(0, 60) + '" right edge ' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: w,
          culprits: culprits.slice(-5)};
}"""

# Inline math cannot wrap: a long formula runs past the column and is cut off, no cue at all.
_INLINE_MATH_JS = """() => {
  const out = [];
  const scrollers = '.cc-table-wrap, .pst-scrollable-table-container, .cell_output,'
    + ' mjx-container[display="true"]';
  const inline = 'article.bd-article mjx-container:not([display]):not(.cc-wide-inline)';
  for (const m of document.querySelectorAll(inline)) {
    if (m.closest(scrollers)) continue;
    const block = m.parentElement.closest('p, li, dd, dt, td, th, figcaption, h1, h2, h3, h4');
    if (!block) continue;
    const r = m.getBoundingClientRect(), b = block.getBoundingClientRect();
    if (r.width > 0 && r.right > b.right + 1) {
      out.push(Math.round(r.width) + ' px formula ends ' + Math.round(r.right - b.right)
        + ' px past its paragraph: ' + (m.textContent || '').trim().slice(0, 60));
    }
  }
  return out;
}"""

_IMAGES_JS = """() => Array.from(document.querySelectorAll('article.bd-article img')).map(i => {
  const r = i.getBoundingClientRect();
  return {src: (i.getAttribute('src') || '').slice(0, 80), alt: i.getAttribute('alt'),
          natural: i.naturalWidth, shown: r.width, loaded: i.complete && i.naturalWidth > 0,
          aspect: i.naturalHeight ? i.naturalWidth / i.naturalHeight : 0,
          shownAspect: r.height ? r.width / r.height : 0};
})"""


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
    # MathJax's output (thousands of nodes per page) is left out: MathJax renders in the text
    # colour and carries its own assistive MathML.
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


# axe leaves MathJax's output out (the context excludes it) but still walks every node of
# it in every rule, and lays out a grid of every box for colour contrast: on the chapter
# with the most math, 20,000 of the page's 29,000 nodes and 70 % of axe's time. During
# axe's runs each formula keeps its container, its attributes and a box of exactly its
# size on its baseline, and loses the glyphs inside (and the hidden copy for screen
# readers); the glyphs come back after. Whether anything else moved is measured, not
# assumed (`_GEOMETRY_JS`); if something did, axe checks the untouched page instead.
_HOLLOW_MATH_JS = """() => {
  const maths = Array.from(document.querySelectorAll('mjx-container > mjx-math'));
  // a zero-size mark as the formula's first child sits on its baseline
  const marks = maths.map(m => {
    const k = document.createElement('span');
    k.style.cssText = 'display:inline-block;width:0;height:0;margin:0;padding:0;border:0';
    m.prepend(k);
    return k;
  });
  const boxes = maths.map((m, i) => {
    const r = m.getBoundingClientRect(), s = getComputedStyle(m);
    const px = name => parseFloat(s[name]) || 0;
    const top = r.top + px('paddingTop') + px('borderTopWidth');
    const bottom = r.bottom - px('paddingBottom') - px('borderBottomWidth');
    const width = r.width - px('paddingLeft') - px('paddingRight')
      - px('borderLeftWidth') - px('borderRightWidth');
    return [width, bottom - top, bottom - marks[i].getBoundingClientRect().bottom];
  });
  marks.forEach(k => k.remove());
  window.__ccHollowed = maths.map((m, i) => {
    const [width, height, depth] = boxes[i];
    const box = document.createElement('span');
    box.style.cssText = `display:inline-block;width:${width}px;height:${height}px;`
      + `vertical-align:${-depth}px`;
    const container = m.parentElement;
    const saved = {m, container, inside: Array.from(m.childNodes),
                   beside: Array.from(container.childNodes)};
    m.replaceChildren(box);
    container.replaceChildren(m);
    return saved;
  });
}"""

_RESTORE_MATH_JS = """() => {
  for (const {m, container, inside, beside} of window.__ccHollowed || []) {
    m.replaceChildren(...inside);
    container.replaceChildren(...beside);
  }
  window.__ccHollowed = [];
}"""

# Where every element outside the formulas sits, to the tenth of a pixel: the first call
# records it, the second returns how many elements are no longer where they were.
_GEOMETRY_JS = """(record) => {
  const where = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('mjx-container')) continue;
    const r = e.getBoundingClientRect();
    where.push(Math.round(r.left * 10), Math.round(r.top * 10),
               Math.round(r.width * 10), Math.round(r.height * 10));
  }
  if (record) { window.__ccWhere = where; return 0; }
  const before = window.__ccWhere;
  if (before.length !== where.length) return Infinity;
  let moved = 0;
  for (let i = 0; i < where.length; i += 4) {
    if (where[i] !== before[i] || where[i + 1] !== before[i + 1]
        || where[i + 2] !== before[i + 2] || where[i + 3] !== before[i + 3]) moved++;
  }
  return moved;
}"""

# Below this many nodes of typeset math, taking them out saves axe less than it costs.
_HOLLOW_FROM_NODES = 2000


@contextlib.contextmanager
def _math_hollowed(page):
    """Inside the block, formulas are boxes of their own size (see `_HOLLOW_MATH_JS`)."""
    if page.evaluate("() => document.querySelectorAll('mjx-container *').length") < (
        _HOLLOW_FROM_NODES
    ):
        yield
        return
    page.evaluate(_GEOMETRY_JS, True)
    page.evaluate(_HOLLOW_MATH_JS)
    try:
        if page.evaluate(_GEOMETRY_JS, False):
            page.evaluate(_RESTORE_MATH_JS)
        yield
    finally:
        page.evaluate(_RESTORE_MATH_JS)


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
    for box in page.evaluate(_OVERFLOW_JS):
        what = f"{box['tag']}.{box['cls']} {box['width']} px in a {box['box']} px box"
        if width_name == "desktop":
            failures.append(f"wider than the column: {what}: {box['text']!r}")
        elif box["overflow"] not in ("auto", "scroll") or not box["cue"]:
            failures.append(f"clipped with no scroll cue: {what}: {box['text']!r}")
    failures += [f"inline math cut off: {m}" for m in page.evaluate(_INLINE_MATH_JS)]
    if width_name == "phone":
        sideways = page.evaluate(_SIDEWAYS_JS)
        if sideways["scrollWidth"] > sideways["width"] + 1:
            failures.append(
                f"the page scrolls sideways: {sideways['scrollWidth']} px on a "
                f"{sideways['width']} px screen; culprits: {sideways['culprits']}"
            )
    failures += _image_problems(page.evaluate(_IMAGES_JS))
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


@pytest.mark.parametrize("page_path", pages() or ["intro.html"])
def test_page_reads_well(browser, server, axe, page_path):
    page, log = _load(browser, server, page_path)
    failures = []
    try:
        html_math = page.locator(".math").count()
        typeset = page.locator("mjx-container").count()
        if typeset < html_math:
            failures.append(f"{html_math} math blocks but only {typeset} typeset by MathJax")
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        if theme != "light":
            failures.append(f"a reader who prefers light mode gets data-theme={theme!r}")
        failures += _raw_markup(page.evaluate(_TEXTS_JS))

        for width_name in WIDTHS:
            _set_width(page, width_name)
            at = f"at {width_name} width ({WIDTHS[width_name]} px): "
            found = _layout_failures(page, width_name)
            _screenshots(page, page_path, width_name)
            found += _accessibility_failures(axe, page, width_name)
            failures += [at + f for f in found]

        failures += [f"request outside the local server: {u}" for u in log["foreign"]]
        failures += [f"HTTP error: {h}" for h in log["http"]]
        failures += [f"console error: {e}" for e in log["errors"]]
    finally:
        page.close()
    assert not failures, f"{page_path}:\n  " + "\n  ".join(failures)


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
