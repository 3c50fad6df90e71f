"""Every source's fixture pages, parsed offline by the spider that crawls the source.

tests/fixtures/sites/<source>/ holds a listing page (listing.html, or listing.json for
JSON listings), an article page, optionally feed.xml, and expected.json. A new source
needs new fixture files only: this one test discovers them (`policywatch sources add`
writes a first version).
"""

from __future__ import annotations

import json

import pytest
from scrapy import Request

from crawlers.items import ArticleItem
from crawlers.spiderloader import default_registry
from tests.support.fixture_site import FIXTURE_SITES
from tests.unit.crawlers.offline import offline_spider, response

REGISTRY = default_registry()
SITES = sorted(p.parent.name for p in FIXTURE_SITES.glob("*/expected.json"))


def test_every_registry_source_has_fixtures_and_every_fixture_a_source():
    assert not set(REGISTRY) - set(SITES), f"sources without fixtures: {sorted(set(REGISTRY) - set(SITES))}"
    assert not set(SITES) - set(REGISTRY), f"fixtures without a source: {sorted(set(SITES) - set(REGISTRY))}"


def _listing(directory, expected):
    path = next(p for p in (directory / "listing.html", directory / "listing.json") if p.exists())
    ctype = expected.get("listing_content_type", expected["content_type"])
    return response(expected["listing_url"], path.read_bytes(), ctype)


@pytest.mark.parametrize("name", SITES)
def test_fixture_site(name):
    directory = FIXTURE_SITES / name
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    source = REGISTRY[name]
    spider = offline_spider(source)

    out = list(spider.parse_listing(_listing(directory, expected), page=1, start_url=expected["listing_url"]))
    articles = [r.url for r in out if isinstance(r, Request) and r.callback == spider.parse_article]
    pages = [r.url for r in out if isinstance(r, Request) and r.callback == spider.parse_listing]
    assert articles == expected["listing"]["article_urls"]
    assert pages == ([expected["listing"]["next_page"]] if expected["listing"].get("next_page") else [])
    assert all(r.cb_kwargs is not None and r.errback for r in out)

    page = response(expected["article_url"], (directory / "article.html").read_bytes(), expected["content_type"])
    (result,) = list(spider.parse_article(page, hints={}))
    item = result.cb_kwargs["item"] if isinstance(result, Request) else result
    assert isinstance(item, ArticleItem)
    want = expected["article"]
    assert item["title"] == want["title"]
    assert item["published"] == want["published"]
    assert item["extraction"] == want["extraction"]
    for needle in want["text_contains"]:
        assert needle in item["text"]
    assert "\ufffd" not in item["text"] + item["title"], "decoding produced replacement characters"
    assert [url for url, _ in item["attachments"]] == want.get("attachments", [])
    assert item["source"] == name and item["source_region"] == source.region

    if "feed" in expected:
        feed = response(expected["feed"]["feed_url"], (directory / "feed.xml").read_bytes(), "application/rss+xml")
        assert [r.url for r in spider.parse_feed(feed)] == expected["feed"]["article_urls"]
