"""Slowing down on overload, and what the spider does with hostile listings (offline)."""

from __future__ import annotations

from dataclasses import replace

from scrapy import Request

from crawlers.middlewares import next_delay
from crawlers.spiderloader import default_registry
from tests.unit.crawlers.offline import offline_spider, response


def test_the_delay_doubles_respects_retry_after_and_is_capped():
    assert next_delay(1.0, 2.0, 60.0) == 2.0
    assert next_delay(8.0, 2.0, 60.0) == 16.0
    assert next_delay(1.0, 2.0, 60.0, retry_after=30) == 30.0
    assert next_delay(50.0, 2.0, 60.0) == 60.0


def test_pagination_stops_at_the_listing_page_limit():
    source = default_registry()["gov-beijing"]
    spider = offline_spider(source)
    spider.max_listing_pages = 3
    html = b'<html><body><a href="t20200114_1.html">a</a><a class="next" href="index_9.html">next</a></body></html>'
    start = source.start_urls[0]
    follow = [r for r in spider.parse_listing(response(start, html), page=2, start_url=start)
              if r.callback == spider.parse_listing]
    assert [r.cb_kwargs["page"] for r in follow] == [3]
    assert not [r for r in spider.parse_listing(response(start, html), page=3, start_url=start)
                if r.callback == spider.parse_listing]


def test_offsite_and_non_article_links_are_never_requested():
    source = default_registry()["gov-beijing"]
    spider = offline_spider(source)
    html = (b'<html><body><a href="https://evil.example.com/202001/t20200114_1.html">x</a>'
            b'<a href="javascript:void(0)">js</a><a href="mailto:a@b.c">m</a>'
            b'<a href="https://www.beijing.gov.cn/ywdt/yaowen/202001/t20200114_2.html">ok</a></body></html>')
    out = list(spider.parse_listing(response(source.start_urls[0], html), page=1, start_url=source.start_urls[0]))
    assert [r.url for r in out if r.callback == spider.parse_article] == [
        "https://www.beijing.gov.cn/ywdt/yaowen/202001/t20200114_2.html"]


def test_a_304_publishes_nothing_and_a_binary_page_is_dropped():
    source = default_registry()["gov-henan"]
    spider = offline_spider(source)
    url = "https://www.henan.gov.cn/2020/01-14/1001001.html"
    assert list(spider.parse_article(response(url, b"", status=304), hints={})) == []
    assert list(spider.parse_article(response(url, b"\x00\x01" * 500, "application/octet-stream"), hints={})) == []


def test_the_page_template_gives_the_next_listing_page():
    source = replace(default_registry()["gov-henan"], page_template="index_{page}.html")
    spider = offline_spider(source)
    start = source.start_urls[0]
    follow = [r for r in spider.parse_listing(response(start, b"<html><body>no links</body></html>"), page=1,
                                              start_url=start) if isinstance(r, Request)]
    assert [r.url for r in follow] == [start + "index_1.html"]


def test_sitemaps_follow_indexes_inside_the_domain_and_yield_matching_articles():
    source = replace(default_registry()["gov-henan"], sitemaps=("https://www.henan.gov.cn/sitemap.xml",))
    spider = offline_spider(source)
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://www.henan.gov.cn/sitemap-2020.xml</loc></sitemap>"
             b"<sitemap><loc>https://evil.example.com/sitemap.xml</loc></sitemap></sitemapindex>")
    out = list(spider.parse_sitemap(response("https://www.henan.gov.cn/sitemap.xml", index, "application/xml")))
    assert [(r.url, r.callback) for r in out] == [("https://www.henan.gov.cn/sitemap-2020.xml", spider.parse_sitemap)]
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://www.henan.gov.cn/2020/01-14/1001001.html</loc><lastmod>2020-01-14</lastmod></url>"
              b"<url><loc>https://www.henan.gov.cn/ywdt/index.html</loc></url></urlset>")
    out = list(spider.parse_sitemap(response("https://www.henan.gov.cn/sitemap-2020.xml", urlset, "application/xml")))
    assert [(r.url, r.callback) for r in out] == [("https://www.henan.gov.cn/2020/01-14/1001001.html",
                                                   spider.parse_article)]
    assert list(spider.parse_sitemap(response("https://www.henan.gov.cn/s.xml", b"<not xml", "application/xml"))) == []


def test_atom_feeds_yield_articles_with_their_dates_as_hints():
    source = default_registry()["media-chinadaily"]
    spider = offline_spider(source)
    atom = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b'<title>t</title><link href="https://www.chinadaily.com.cn/a/202001/14/WS5e1d2f3aa310128217271234.html"/>'
            b"<updated>2020-01-14T09:30:00+08:00</updated></entry></feed>")
    (request,) = spider.parse_feed(response(source.feeds[0], atom, "application/atom+xml"))
    assert request.cb_kwargs["hints"] == {"published": "2020-01-14T01:30:00Z"}
