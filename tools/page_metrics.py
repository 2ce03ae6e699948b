"""Reader-layer metrics of the built book, per page: what issue 18 measures.

Serves ``_build/html`` on 127.0.0.1, opens each chapter in the system Chromium at 1366 px and
then at 390 px, and prints one row per page:

- ``code%``: height of the code inputs a reader sees (not collapsed by ``hide-input`` or
  inside a closed solution) over the height of the article, at 1366 px;

The measures come from the browser checks' own scripts (``tests/html_checks/reader.js`` and
``tables.js``), so this table and ``tests/test_html.py`` agree; the tests also assert them.
- ``wide@390``: tables wider than the text column at 390 px (they would scroll sideways);
- ``cut@1366``: output and code boxes whose text runs past their right edge at 1366 px;
- ``eq`` / ``eqlinks``: numbered display equations, and links to equations;
- ``KB``: bytes the page load pulled (uncompressed, cold cache);
- ``markers``: test markers (``NBVAL_…``) visible as text.

Usage: ``.venv/bin/python tools/page_metrics.py [chapters/01_two_operations.html ...]``
(default: every chapter and the intro). Build first (``make book``).
"""

import sys
from pathlib import Path

from offline_browser import CHROMIUM_ARGS, chromium, serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

# The same measures as the browser checks (tests/test_html.py), from the same scripts.
CHECKS = ROOT / "tests" / "html_checks"


def _js(name):
    return (CHECKS / f"{name}.js").read_text(encoding="utf-8")


BYTES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  return (nav ? nav.decodedBodySize : 0) + res.reduce((s, r) => s + r.decodedBodySize, 0);
}"""


def measure(context, base, path):
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="load")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    page.wait_for_timeout(300)  # late fonts
    row = page.evaluate(_js("reader"))
    row["cut"] = len(row["cut"])
    row["markers"] = len(row["markers"])
    row["bytes"] = page.evaluate(BYTES_JS)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    row["wide"] = len(page.evaluate(_js("tables"))["wide"])
    page.close()
    return row


def main(paths):
    if not paths:
        chapters = (HTML / "chapters").glob("*.html")
        paths = ["intro.html", *sorted(f"chapters/{p.name}" for p in chapters)]
    total_code = total_height = 0.0
    print(
        f"{'page':44} {'code%':>6} {'wide@390':>8} {'cut@1366':>8} {'eq':>4} "
        f"{'eqlinks':>7} {'KB':>6} {'markers':>7}"
    )
    with serve(HTML) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        for path in paths:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            r = measure(context, base, path)
            context.close()
            total_code += r["code"]
            total_height += r["height"]
            print(
                f"{path:44} {100 * r['code'] / r['height']:6.1f} {r['wide']:8d} "
                f"{r['cut']:8d} {r['eq']:4d} {r['eqlinks']:7d} {r['bytes'] / 1e3:6.0f} "
                f"{r['markers']:7d}"
            )
        browser.close()
    print(f"{'all pages':44} {100 * total_code / total_height:6.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
