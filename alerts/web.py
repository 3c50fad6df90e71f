"""``policywatch web``: the one-click unsubscribe endpoint (RFC 8058) on the stdlib server.

``GET /unsubscribe?s=ID&t=TOKEN`` shows a confirmation page and changes nothing (mail
scanners and link previews fetch GET links); ``POST`` to the same URL (the mail
client's one-click ``List-Unsubscribe=One-Click`` request, or the page's button)
deactivates the subscription. A token that does not verify gets 403 and changes
nothing. ``handle_unsubscribe`` is the logic, the HTTP handler only carries it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from prometheus_client import Counter

from alerts import tokens
from alerts.render import render_page
from alerts.store.base import SubscriptionStore

log = logging.getLogger(__name__)

UNSUBSCRIBES = Counter("policywatch_unsubscribes_total", "Unsubscribe requests by result", ["result"])
_MAX_BODY = 4096


def handle_unsubscribe(method: str, query: str, store: SubscriptionStore, secret: bytes,
                       now: datetime) -> tuple[int, str]:
    """(HTTP status, HTML page) for a GET or POST to /unsubscribe."""
    params = parse_qs(query)
    sub_id = (params.get("s") or [""])[0]
    token = (params.get("t") or [""])[0]
    sub = store.get(sub_id) if sub_id else None
    if sub is None or not tokens.verify(secret, sub.id, sub.email, token):
        UNSUBSCRIBES.labels("refused").inc()
        return 403, render_page("unsubscribe.html", "en", state="invalid")
    if method == "GET":
        return 200, render_page("unsubscribe.html", sub.language, state="confirm", subscription_id=sub.id,
                                email=sub.email, action=f"/unsubscribe?{query}")
    if sub.active:
        store.put(replace(sub, active=False).stamped(now))
        log.info("unsubscribed", extra={"subscription_id": sub.id})
    UNSUBSCRIBES.labels("done").inc()
    return 200, render_page("unsubscribe.html", sub.language, state="done", subscription_id=sub.id)


def make_server(host: str, port: int, store: SubscriptionStore, secret: bytes,
                clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "policywatch"

        def _answer(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            url = urlsplit(self.path)
            if url.path == "/healthz" and method == "GET":
                return self._answer(200, "ok\n", "text/plain; charset=utf-8")
            if url.path != "/unsubscribe":
                return self._answer(404, "not found\n", "text/plain; charset=utf-8")
            if method == "POST":  # the body (List-Unsubscribe=One-Click) carries no information we need
                self.rfile.read(min(int(self.headers.get("Content-Length") or 0), _MAX_BODY))
            try:
                status, page = handle_unsubscribe(method, url.query, store, secret, clock())
            except Exception:
                log.exception("unsubscribe request failed")
                return self._answer(503, "try again later\n", "text/plain; charset=utf-8")
            self._answer(status, page)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._route("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            # The query string holds the token: log the path only.
            log.debug("http request", extra={"path": urlsplit(self.path).path, "client": self.client_address[0]})

    return ThreadingHTTPServer((host, port), Handler)
