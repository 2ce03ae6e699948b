"""A headless Chromium that reaches nothing but the book: shared by the tools that drive it.

``tools/make_pdf.py`` prints the built book with it and ``tools/page_metrics.py`` measures the
built pages. Both serve ``_build/html`` on a loopback port (:func:`serve`) and launch the system
Chromium (:func:`chromium`) with :data:`CHROMIUM_ARGS`, whose proxy points nowhere, so a page that
asked for anything off the machine would fail to get it rather than reach the network.
"""

import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--proxy-server=http://127.0.0.1:9",  # nothing leaves the machine
]


def find_chromium():
    """The Chromium to use: ``$CHROMIUM``, else ``chromium`` on the PATH; ``None`` if none."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def chromium():
    """:func:`find_chromium`, for a tool that cannot go on without it.

    Returns
    -------
    str
        Path of the executable; exits with a hint when there is none.
    """
    found = find_chromium()
    if not found:
        sys.exit("Chromium not found: `apt-get install -y chromium` or set CHROMIUM")
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on a free loopback port for the duration of the block.

    Parameters
    ----------
    directory : pathlib.Path
        The HTML build.

    Yields
    ------
    str
        The base URL, ``http://127.0.0.1:PORT``.
    """
    handler = functools.partial(_Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
