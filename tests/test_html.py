"""Browser checks of the built book (`_build/html`) in headless Chromium.

Every page is served from 127.0.0.1 and loaded in the Debian `chromium`
through Playwright. A page passes when its math is typeset by the local
MathJax, every image has loaded, the console shows no error, and no request
leaves the local server. A screenshot of each chapter's first screen is saved
under `_build/screenshots/`.

Outside CI, a missing Chromium or build skips these tests with a message that
says how to get them; with CI=true they fail instead.
"""

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser"
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
]


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def pages():
    """Every built HTML page except Sphinx's generated index stubs."""
    if not HTML.is_dir():
        return []
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if "_static" not in p.parts and p.name not in {"genindex.html"}
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


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
    profile = tempfile.mkdtemp(prefix="convcorr-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def _load(browser, server, page_path):
    """Open one page; return the page and what it logged and requested."""
    page = browser.new_page()
    errors, foreign = [], []
    local = urlparse(server).netloc

    def route(r):
        if urlparse(r.request.url).netloc == local or r.request.url.startswith(
            ("data:", "blob:")
        ):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{page_path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, foreign


def _wait_for_mathjax(page):
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
        timeout=30000,
    )
    page.evaluate("() => MathJax.startup.promise")


def test_there_are_pages_to_check(server):
    listed = pages()
    assert "index.html" in listed or "intro.html" in listed
    assert any(p.startswith("chapters/") for p in listed), listed


@pytest.mark.parametrize("page_path", pages() or ["index.html"])
def test_page_reads_offline(browser, server, page_path):
    page, errors, foreign = _load(browser, server, page_path)
    try:
        html_math = page.locator(".math").count()
        if html_math:
            _wait_for_mathjax(page)
            typeset = page.locator("mjx-container").count()
            assert typeset >= html_math, (
                f"{page_path}: {html_math} math blocks but {typeset} typeset"
            )
        text = page.locator("main, article, body").first.inner_text()
        for raw in ("\\[", "\\(", "$$"):
            assert raw not in text, f"{page_path}: raw math {raw!r} left in the text"
        broken = page.evaluate(
            "() => Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.getAttribute('src'))"
        )
        assert not broken, f"{page_path}: images that did not load: {broken}"
        assert not foreign, f"{page_path}: requests outside the local server: {foreign}"
        assert not errors, f"{page_path}: console errors: {errors}"
        if page_path.startswith("chapters/"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / (Path(page_path).stem + ".png")))
    finally:
        page.close()


def test_no_external_urls_in_scripts_or_styles():
    # Links to other sites are fine in prose; anything the page *loads* must be local.
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    import re

    pattern = re.compile(
        r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(https?:)?//", re.IGNORECASE
    )
    offenders = []
    for page in HTML.rglob("*.html"):
        for match in pattern.finditer(page.read_text(encoding="utf-8")):
            tag = page.read_text(encoding="utf-8")[match.start() : match.end() + 80]
            if "<link" in tag and ('rel="canonical"' in tag or "rel=\"alternate\"" in tag):
                continue
            offenders.append(f"{page.relative_to(HTML)}: {tag}")
    assert not offenders, "\n".join(offenders[:10])


def test_every_chapter_offers_its_notebook_for_download():
    if not HTML.is_dir():
        _unavailable("no built book in _build/html: run `make book` first")
    import re

    chapters = sorted((HTML / "chapters").glob("*.html"))
    assert chapters, "no chapter pages were built"
    for page in chapters:
        links = re.findall(r'href="([^"]+\.ipynb)"', page.read_text(encoding="utf-8"))
        assert links, f"{page.name}: no .ipynb download link"
        for link in links:
            target = (page.parent / link).resolve()
            assert target.is_file(), f"{page.name}: download link {link} is broken"
