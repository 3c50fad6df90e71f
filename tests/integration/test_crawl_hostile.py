"""Hostile pages against a local server: gigantic, binary, empty, redirect loops, endless
pagination, offsite links, 503 and 429. The crawl must end quickly, stay inside its
domain, publish the good articles and count the rest."""

from __future__ import annotations

import os
import time

import pytest

from crawlers.state import SqliteCrawlState
from tests.integration.test_crawl_kafka import read_topic
from tests.support.fixture_site import run_crawl, serve_site, write_registry

pytestmark = pytest.mark.integration
DAY = "/hostile/2020/01-14"
ARTICLE = ("<html><head><meta charset='utf-8'></head><body><h1>{title}</h1><div class='pubtime'>2020-01-14 09:30"
           "</div><div class='body'>" + "<p>省政府部署推进区块链技术应用，建设区块链产业园区，支持企业创新发展。</p>" * 3
           + "</div></body></html>")


def send(handler, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def good(title):
    return lambda h: send(h, 200, ARTICLE.format(title=title).encode("utf-8"))


def fails_once(status, title, **headers):
    calls = []

    def route(handler):
        calls.append(1)
        if len(calls) == 1:
            send(handler, status, b"busy", **headers)
        else:
            good(title)(handler)
    return route


def gigantic(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.end_headers()  # no Content-Length: the size shows only while reading
    chunk = ("<p>" + "巨大页面" * 4000 + "</p>").encode("utf-8")
    try:
        for _ in range(2000):  # ~100 MB unless the crawler hangs up
            handler.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass


def listing(links, next_href=None):
    items = "".join(f'<li><a href="{href}">link</a></li>' for href in links)
    nxt = f'<a href="{next_href}">下一页</a>' if next_href else ""
    return f"<html><body><ul>{items}</ul>{nxt}</body></html>".encode("utf-8")


def test_hostile_pages_cannot_hang_the_crawl_or_leave_the_domain(kafka_bootstrap, kafka_topics, tmp_path):
    routes = {
        "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
        f"{DAY}/1.html": gigantic,
        f"{DAY}/2.html": lambda h: send(h, 200, os.urandom(50_000), "application/octet-stream"),
        f"{DAY}/3.html": lambda h: send(h, 302, Location=f"{DAY}/33.html"),
        f"{DAY}/33.html": lambda h: send(h, 302, Location=f"{DAY}/3.html"),
        f"{DAY}/4.html": good("正常文章"),
        f"{DAY}/6.html": good("站外文章"),
        f"{DAY}/7.html": fails_once(503, "服务暂时不可用后恢复"),
        f"{DAY}/8.html": fails_once(429, "限流后恢复", Retry_After="1"),
        f"{DAY}/9.html": lambda h: send(h, 200, b""),
    }
    with serve_site(None, routes=routes) as site:
        links = [f"{DAY}/{n}.html" for n in (1, 2, 3, 4, 7, 8, 9)] + [f"http://localhost:{site.port}{DAY}/6.html"]
        routes["/hostile/index.html"] = lambda h: send(h, 200, listing(links, "/hostile/list/2.html"))
        for page in range(2, 50):  # endless pagination
            routes[f"/hostile/list/{page}.html"] = (
                lambda h, p=page: send(h, 200, listing([], f"/hostile/list/{p + 1}.html")))
        write_registry(tmp_path / "registry", [{
            "name": "hostile", "kind": "provincial", "region": "Henan", "lang": "zh",
            "start_urls": [site.url("hostile/index.html")], "allowed_domains": ["127.0.0.1"],
            "article_pattern": r"/hostile/2020/\d{2}-\d{2}/\d+\.html$",
            "selectors": {"title": ["h1"], "body": [".body"], "date": [".pubtime"]}}])
        env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_TOPIC_RAW": kafka_topics["raw"],
               "DOWNLOAD_MAXSIZE": "1000000", "CRAWL_MAX_LISTING_PAGES": "4", "REDIRECT_MAX_TIMES": "3"}
        started = time.monotonic()
        result = run_crawl(tmp_path / "registry", tmp_path, env, "hostile", timeout=120)
        elapsed = time.monotonic() - started
        paths = site.paths_requested()

    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 60
    titles = sorted(r.value.decode("utf-8") for r in read_topic(kafka_bootstrap, kafka_topics["raw"], 3))
    assert len(titles) == 3
    assert all(any(t in v for v in titles) for t in ("正常文章", "服务暂时不可用后恢复", "限流后恢复"))
    assert f"{DAY}/6.html" not in paths, "offsite link followed"
    assert sorted(p for p in paths if p.startswith("/hostile/list/")) == [
        "/hostile/list/2.html", "/hostile/list/3.html", "/hostile/list/4.html"]
    # The redirect loop ends at the duplicate filter or REDIRECT_MAX_TIMES, whichever comes first.
    assert paths.count(f"{DAY}/3.html") + paths.count(f"{DAY}/33.html") <= 4

    state = SqliteCrawlState(tmp_path / "policywatch.sqlite3")
    try:
        (report,) = state.recent_runs("hostile", 5)
    finally:
        state.close()
    assert report["articles"]["new"] == 3
    assert report["dropped"].get("not_html") == 1 and report["dropped"].get("empty_page") == 1
    assert report["slowdowns"].get("http_503") == 1 and report["slowdowns"].get("http_429") == 1
    assert report["errors"] == {"too_large": 1}, report  # the gigantic page, cancelled at DOWNLOAD_MAXSIZE
