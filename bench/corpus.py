"""Synthetic workloads shared by the benchmarks and the fault drills.

* ``raw_articles``: RawArticle values with unique URLs, built from the classifier
  benchmark's sentence generator (bench/classify_throughput.py), so they read like the
  mix the pipeline sees (relevant policy, market noise, filler; zh, zh-Hant, en).
* ``write_site``: a static fixture website of N article pages behind listing pages,
  written into a directory and served by tests/support/fixture_site.py; plus the
  registry entry that makes policywatch's generic spider crawl it.

Everything here is generated: no third-party text.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.classify_throughput import make_articles
from policywatch.schema import RawArticle, content_hash
from policywatch.urls import article_id, canonical_url

REGIONS = ("Henan", "Zhejiang", "Guangdong", "Hainan", "Beijing", "Shanghai")
SITE_SOURCE = "bench-site"


def raw_articles(count: int, run_id: str, size: int = 2000, seed: int = 7) -> list[RawArticle]:
    """``count`` distinct raw articles of about ``size`` bytes, URLs unique to ``run_id``."""
    fetched = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)
    articles = []
    for n, (title, text) in enumerate(make_articles(count, size, seed=seed)):
        url = f"https://bench.example.cn/{run_id}/zwgk/t20260120_{n}.html"
        title = f"{title} ({n})"
        text = f"{text}\n编号 {run_id}-{n}"  # unique text: no two articles are one story by accident
        articles.append(RawArticle(
            article_id=article_id(url), url=url, canonical_url=canonical_url(url), source="bench-gov",
            source_kind="test", title=title, text=text,
            fetched_at=(fetched + timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
            content_hash=content_hash(title, text), source_region=REGIONS[n % len(REGIONS)], lang="zh",
            published="2026-01-19T02:00:00Z"))
    return articles


_LISTING = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政策文件 第{page}页</title></head>
<body><h2>政策文件</h2><ul class="list">{items}</ul>{next}</body></html>"""
_ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2026-01-{day:02d} 09:30">
<title>{title}_示例省人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/list/index.html">政策文件</a></div>
<h1>{title}</h1><div class="pubtime">发布时间：2026年1月{day}日</div>
<div class="TRS_Editor">{paragraphs}</div></body></html>"""


def write_site(root: Path, pages: int, per_listing: int = 50, size: int = 2000) -> list[str]:
    """Write ``pages`` article pages under ``root/a/`` and listing pages
    ``root/list/index.html``, ``index_1.html``, ... (``per_listing`` links each, with a
    "下一页" link to the next). Returns the article paths, relative to ``root``."""
    (root / "a").mkdir(parents=True, exist_ok=True)
    (root / "list").mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    paths = []
    for n, (title, text) in enumerate(make_articles(pages, size, seed=11)):
        title = html.escape(f"{title} ({n})")
        paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in text.split("。") if part)
        page = _ARTICLE.format(title=title, day=1 + n % 28, paragraphs=paragraphs + f"<p>编号 {n}</p>")
        path = f"a/{n}.html"
        (root / path).write_text(page, encoding="utf-8")
        paths.append(path)
    listings = (pages + per_listing - 1) // per_listing
    for page in range(listings):
        links = "".join(f'<li><a href="/{p}">文件 {page * per_listing + i}</a></li>'
                        for i, p in enumerate(paths[page * per_listing:(page + 1) * per_listing]))
        following = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < listings else ""
        name = "index.html" if page == 0 else f"index_{page}.html"
        (root / "list" / name).write_text(_LISTING.format(page=page + 1, items=links, next=following),
                                          encoding="utf-8")
    return paths


def listing_count(pages: int, per_listing: int = 50) -> int:
    return (pages + per_listing - 1) // per_listing


def site_source(base_url: str, name: str = SITE_SOURCE) -> dict:
    """The registry entry (crawlers/sources format) for a site written by ``write_site``."""
    return {"name": name, "kind": "provincial", "region": "Henan", "lang": "zh",
            "start_urls": [f"{base_url}/list/index.html"], "allowed_domains": ["127.0.0.1"],
            "article_pattern": r"/a/\d+\.html$", "every_minutes": 60,
            "selectors": {"title": ["meta[name=ArticleTitle]::attr(content)", "h1"],
                          "body": [".TRS_Editor"], "date": [".pubtime"]}}


def fast_crawl_settings(listing_pages: int) -> dict[str, str]:
    """Crawl settings (as environment values) for a local site: no politeness delays,
    no page cap, every listing page followed. The benchmarks print them."""
    return {"AUTOTHROTTLE_ENABLED": "false", "DOWNLOAD_DELAY": "0", "ROBOTSTXT_OBEY": "false",
            "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
            "CLOSESPIDER_PAGECOUNT": "0", "CLOSESPIDER_TIMEOUT": "0", "CLOSESPIDER_ERRORCOUNT": "0",
            "CRAWL_MAX_LISTING_PAGES": str(listing_pages + 1), "DEPTH_LIMIT": "0", "LOG_LEVEL": "WARNING"}
