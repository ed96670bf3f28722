"""Serve a built JupyterLite site on 127.0.0.1 (``workbook lite serve``).

Any static web server works; this one adds what browsers insist on (``application/wasm`` for
the Python runtime, ``text/javascript`` for ``.mjs`` modules) and what makes a second visit
quick while a rebuilt site is still seen at once (:func:`cache_control`): JupyterLab's code,
whose file names carry a hash of their content, is kept for a year without asking again;
everything else is kept but checked with the server on each visit (a short "not modified"
answer when it has not changed).
"""

from __future__ import annotations

import functools
import http.server
import re
from pathlib import Path

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".ipynb": "application/json", ".whl": "application/zip",
         ".zip": "application/zip"}


HASHED = re.compile(r"/(build|extensions)/.*[.-][0-9a-f]{7,}\.(js|css)$")
"""JupyterLab's and its extensions' code files, named by a hash of their content (e.g.
``build/963.71d40b5.js``): a changed file gets a new name, so a cached one is never stale."""
KEEP = "public, max-age=31536000, immutable"
CHECK = "no-cache"
"""Keep a copy but ask the server each time (answered "304 Not Modified" when unchanged)."""


def cache_control(path: str) -> str:
    """The Cache-Control header for a request path: :data:`KEEP` for hashed code files,
    :data:`CHECK` for everything else (pages, settings, the Python runtime and wheels, whose
    names stay the same when the site is rebuilt, and the course's files)."""
    return KEEP if HASHED.search(path.split("?")[0]) else CHECK


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", cache_control(self.path))
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # quiet: a learner's terminal
        pass


def make_server(site: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server for ``site`` on 127.0.0.1 (``port`` 0 picks a free one)."""
    handler = functools.partial(SiteHandler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(site: Path, port: int = 8000) -> int:
    if not (site / "jupyter-lite.json").is_file():
        print(f"{site} is not a built site (no jupyter-lite.json): run workbook lite build first")
        return 1
    server = make_server(site, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/lab/index.html?path=notebooks/00_start_here.ipynb"
    print(f"Serving the workbook at {url}\nOpen that address in a browser. Stop with Ctrl+C.",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
