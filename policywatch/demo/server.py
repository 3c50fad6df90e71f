"""The bundled demo site, served on localhost for ``policywatch run --demo``.

``site/`` holds three small sites written for the demo in the style of the real
sources: a provincial government portal in GBK (``gov/``, two listing pages), a central
ministry page (``ministry/``) and a UTF-8 finance news site (``news/``). Publication
dates in the pages are placeholders (``@@CN-3@@`` = three days ago as 2026年01月14日,
``@@ISO-3@@`` as 2026-01-14) filled in when served, so the demo always shows recent news
and ``policywatch search --since 30d`` finds it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "site"
_PLACEHOLDER = re.compile(rb"@@(CN|ISO)-(\d+)@@")
_ROBOTS = b"User-agent: *\nAllow: /\n"
# Government portals often send no charset at all: the page's <meta> has to say it.
_CONTENT_TYPES = {"gov": "text/html", "ministry": "text/html; charset=utf-8", "news": "text/html; charset=utf-8"}


def render_page(body: bytes, today: date) -> bytes:
    """The page with its date placeholders replaced by dates relative to ``today``."""
    def replace(match: re.Match[bytes]) -> bytes:
        day = today - timedelta(days=int(match.group(2)))
        text = f"{day:%Y}年{day:%m}月{day:%d}日" if match.group(1) == b"CN" else day.isoformat()
        return text.encode("ascii") if match.group(1) == b"ISO" else text.encode("gb18030")
    return _PLACEHOLDER.sub(replace, body)


def _content_type(path: str) -> str:
    if path.endswith(".css"):
        return "text/css"
    return _CONTENT_TYPES.get(path.strip("/").split("/")[0], "text/html; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    server_version = "policywatch-demo/1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            return self._send(200, "text/plain", _ROBOTS)
        file = (SITE_DIR / path.lstrip("/")).resolve()
        if SITE_DIR not in file.parents or not file.is_file():
            return self._send(404, "text/plain", b"not found")
        body = render_page(file.read_bytes(), self.server.today)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, _content_type(path), b"", etag)
        return self._send(200, _content_type(path), body, etag)

    def _send(self, status: int, content_type: str, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: the demo prints its own progress."""


class DemoSite:
    """The demo site on 127.0.0.1 (a free port unless given), in a background thread,
    dated as if it were ``today``."""

    def __init__(self, today: date, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.today = today
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
