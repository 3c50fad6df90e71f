"""The item a spider yields for each article, and its conversion to the raw schema."""

from __future__ import annotations

import scrapy

from policywatch.schema import Attachment, RawArticle, content_hash
from policywatch.urls import canonical_url, id_of_canonical


class ArticleItem(scrapy.Item):
    url = scrapy.Field()
    source = scrapy.Field()
    source_kind = scrapy.Field()
    source_region = scrapy.Field()
    lang = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    published = scrapy.Field()  # UTC ISO or None
    extraction = scrapy.Field()  # "selectors" | "fallback"
    attachments = scrapy.Field()  # [(url, link text), ...]
    etag = scrapy.Field()
    last_modified = scrapy.Field()


def to_raw_article(item: ArticleItem, fetched_at: str) -> RawArticle:
    """The RawArticle published for ``item``; id and hash derive from URL and content."""
    url = item["url"]
    canonical = canonical_url(url)
    return RawArticle(
        article_id=id_of_canonical(canonical),
        url=url,
        canonical_url=canonical,
        source=item["source"],
        source_kind=item["source_kind"],
        source_region=item.get("source_region"),
        lang=item.get("lang"),
        title=item["title"],
        text=item["text"],
        published=item.get("published"),
        fetched_at=fetched_at,
        content_hash=content_hash(item["title"], item["text"]),
        extraction=item.get("extraction") or "selectors",
        attachments=tuple(Attachment(u, t or "") for u, t in item.get("attachments") or ()),
    )
