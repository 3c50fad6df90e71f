"""Canonical URLs and article ids: one article, one id, however it was linked."""

import pytest

from policywatch.urls import article_id, canonical_url


@pytest.mark.parametrize("variant", [
    "http://WWW.Henan.gov.cn/news/1.html",
    "https://www.henan.gov.cn/news/1.html#top",
    "https://www.henan.gov.cn:443/news/1.html",
    "https://www.henan.gov.cn/news/1.html?utm_source=weixin",
    "https://www.henan.gov.cn/news/1.html?spm=a.b.c&from=timeline",
])
def test_variants_of_one_article_share_an_id(variant):
    assert article_id(variant) == article_id("https://www.henan.gov.cn/news/1.html")


def test_query_parameters_that_matter_are_kept_and_sorted():
    assert canonical_url("https://x.cn/a?b=2&a=1") == "https://x.cn/a?a=1&b=2"
    assert article_id("https://x.cn/a?id=1") != article_id("https://x.cn/a?id=2")


def test_non_default_port_is_part_of_the_identity():
    assert canonical_url("http://127.0.0.1:8080/a") == "https://127.0.0.1:8080/a"


@pytest.mark.parametrize("bad", ["/relative/path", "ftp://x.cn/a", "javascript:alert(1)", ""])
def test_non_http_urls_are_refused(bad):
    with pytest.raises(ValueError):
        canonical_url(bad)


def test_id_is_32_hex_characters():
    value = article_id("https://x.cn/a")
    assert len(value) == 32 and int(value, 16) >= 0
