"""Sina Finance's rolling news: the listing is a JSON API, not an HTML page.

The example of a source that needs code: only ``parse_listing`` differs; articles are
ordinary HTML pages handled by the shared base (selectors, fallback, dates). The
registry entry (media-sina-finance) still holds everything else.
"""

from __future__ import annotations

import json

from crawlers.spiders.base import BaseSourceSpider


class SinaRollSpider(BaseSourceSpider):
    name = "media-sina-finance"

    def parse_listing(self, response, page: int, start_url: str):
        self.count("pw/pages/listing")
        try:
            entries = json.loads(response.text)["result"]["data"]
        except (ValueError, KeyError, TypeError) as exc:
            self.drop("broken_listing", response.url, str(exc))
            return
        urls = [entry.get("url", "") for entry in entries if isinstance(entry, dict)]
        links = [u for u in urls if self.source.article_re.search(u) and self.source.in_domains(u)]
        self.count("pw/links/articles", len(links))
        for url in links:
            yield self.article_request(url)
        if links and page < self.max_listing_pages:
            yield self.listing_request(start_url.replace("page=1", f"page={page + 1}"), page + 1, start_url)
