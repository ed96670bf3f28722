"""Serve a built JupyterLite site on 127.0.0.1 (``workbook lite serve``).

Any static web server works; this one only adds what browsers insist on: ``application/wasm``
for the Python runtime and ``text/javascript`` for ``.mjs`` modules, and no caching of the
site's configuration so a rebuilt site is seen at once.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".ipynb": "application/json", ".whl": "application/zip",
         ".zip": "application/zip"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        if self.path.split("?")[0].endswith(("jupyter-lite.json", "all.json")):
            self.send_header("Cache-Control", "no-cache")
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
