"""Serve a fixture website over HTTP on 127.0.0.1, and declare sources pointing at it.

``serve_site(directory)`` is a context manager yielding a ``FixtureSite`` on a free
port. Content-Type headers come from ``_site.json`` in the directory (glob -> header,
first match wins; e.g. a GBK page deliberately labelled utf-8), else from the file
extension. Files get an ETag and Last-Modified and answer conditional requests with 304
(``conditional=False`` turns that off, to exercise the content-hash path). ``__HOST__``
in a file is served as the site's host:port (for protocol-less ``//host/path`` links). ``routes``
adds dynamic paths (hostile pages) as functions of the request handler. Every request
is logged in ``site.requests`` as (path, headers).

``write_registry(directory, entries)`` writes a registry YAML file, so the very same
generic spider crawls the fixture site (point CRAWL_SOURCES_DIR at ``directory``).
"""

from __future__ import annotations

import fnmatch
import subprocess
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

FIXTURE_SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
E2E_SITE = FIXTURE_SITES / "e2e"
_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/xml", ".json": "application/json",
          ".txt": "text/plain", ".pdf": "application/pdf",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LAST_MODIFIED = "Tue, 14 Jan 2020 01:30:00 GMT"

Route = Callable[[BaseHTTPRequestHandler], None]


class FixtureSite:
    def __init__(self, root: Path | None, routes: dict[str, Route], conditional: bool) -> None:
        self.root = root
        self.routes = routes
        self.conditional = conditional
        self.requests: list[tuple[str, dict[str, str]]] = []
        meta = root / "_site.json" if root else None
        self.content_types: dict[str, str] = (
            json.loads(meta.read_text(encoding="utf-8")).get("content_types", {}) if meta and meta.exists() else {})
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def paths_requested(self) -> list[str]:
        return [path for path, _ in self.requests]

    def content_type(self, relative: str) -> str:
        for pattern, value in self.content_types.items():
            if fnmatch.fnmatch(relative, pattern):
                return value
        return _TYPES.get(Path(relative).suffix.lower(), "application/octet-stream")


def _handler(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - quiet test output
            pass

        def do_GET(self):  # noqa: N802 - http.server naming
            path = urlsplit(self.path).path
            site.requests.append((path, dict(self.headers.items())))
            if path in site.routes:
                site.routes[path](self)
                return
            relative = path.lstrip("/")
            target = (site.root / relative).resolve() if site.root else None
            if target and target.is_dir():
                target, relative = target / "index.html", f"{relative.rstrip('/')}/index.html".lstrip("/")
            if not target or not target.is_file() or site.root not in target.parents or target.name == "_site.json":
                self.send_error(404)
                return
            # Protocol-less links (//host/path) need the live host:port, written as __HOST__.
            body = target.read_bytes().replace(b"__HOST__", f"127.0.0.1:{site.port}".encode("ascii"))
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if site.conditional and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", site.content_type(relative))
            self.send_header("Content-Length", str(len(body)))
            if site.conditional:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_site(root: Path | None, routes: dict[str, Route] | None = None,
               conditional: bool = True) -> Iterator[FixtureSite]:
    site = FixtureSite(root.resolve() if root else None, routes or {}, conditional)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fixture-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_registry(directory: Path, entries: list[dict], filename: str = "fixture.yaml") -> Path:
    """A registry file declaring ``entries`` (dicts in the crawlers/sources format)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def e2e_sources(site: FixtureSite) -> list[dict]:
    """Registry entries for the two end-to-end fixture sites served by ``site``
    (``serve_site(E2E_SITE)``): a GBK provincial portal and a UTF-8 finance site."""
    return [
        {"name": "e2e-gov-portal", "kind": "provincial", "region": "Henan", "lang": "zh",
         "start_urls": [site.url("portal/index.html")], "allowed_domains": ["127.0.0.1"],
         "article_pattern": r"/portal/20\d{2}/\d{2}-\d{2}/\d+\.html$", "every_minutes": 60,
         "selectors": {"title": ["meta[name=ArticleTitle]::attr(content)", "h1"],
                       "body": [".TRS_Editor"], "date": [".pubtime"]}},
        {"name": "e2e-finance-news", "kind": "media", "region": "National", "lang": "zh",
         "start_urls": [site.url("finance/news/index.html")], "allowed_domains": ["127.0.0.1"],
         "article_pattern": r"/finance/news/20\d{6}/\w+\.html$", "every_minutes": 30,
         "selectors": {"title": ["h1.article-title"], "body": ["div.article-body"], "date": ["span.time"]}},
    ]


REPO_ROOT = FIXTURE_SITES.parent.parent.parent
# Politeness tuned for a local test server: no fixed delay, fast backoff start.
FAST_CRAWL_ENV = {"AUTOTHROTTLE_ENABLED": "false", "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0.2",
                  "AUTOTHROTTLE_MAX_DELAY": "2", "DOWNLOAD_TIMEOUT": "10", "RETRY_TIMES": "2"}


def run_policywatch(registry_dir: Path, data_dir: Path, env: dict[str, str], *args: str,
                    timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`policywatch ARGS` in a child process against the sources in ``registry_dir``,
    with its embedded database and crawl state under ``data_dir``; ``env`` adds e.g.
    KAFKA_BOOTSTRAP_SERVERS. The parent's policywatch variables are not inherited."""
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("KAFKA_", "ELASTICSEARCH_", "CRAWL_", "EMBEDDED_", "SMTP_", "ALERTS_"))}
    child_env.update(FAST_CRAWL_ENV, CRAWL_SOURCES_DIR=str(registry_dir), POLICYWATCH_DATA_DIR=str(data_dir),
                     EMBEDDED_DB_PATH=str(data_dir / "policywatch.sqlite3"), **env)
    return subprocess.run([sys.executable, "-m", "policywatch", *args], cwd=REPO_ROOT, env=child_env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def run_crawl(registry_dir: Path, data_dir: Path, env: dict[str, str], *args: str,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`policywatch crawl ARGS` in a child process (Twisted's reactor starts once per
    process); see ``run_policywatch``."""
    return run_policywatch(registry_dir, data_dir, env, "crawl", *args, timeout=timeout)
