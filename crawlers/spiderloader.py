"""Scrapy spider loader that makes every registry source a spider.

``scrapy list`` shows each source; ``scrapy crawl gov-henan`` crawls it with the
generic registry-driven spider. A class in crawlers.spiders whose ``name`` equals a
source's name (an unusual site) takes that source's place.
"""

from __future__ import annotations

import json

from scrapy.spiderloader import SpiderLoader

import settings
from crawlers.registry import RegistryError, Source, load_registry
from crawlers.spiders.base import BaseSourceSpider


def spider_class_for(source: Source, custom: dict[str, type] | None = None) -> type[BaseSourceSpider]:
    """The spider class crawling ``source``: its custom class if one exists, else a
    generic one bound to the entry."""
    base = (custom or {}).get(source.name, BaseSourceSpider)
    if source.spider and base.__name__ != source.spider:
        raise RegistryError(f"{source.file}: entry {source.name}: field 'spider': no class {source.spider} "
                            f"named {source.name!r} in crawlers/spiders")
    class_name = "".join(part.capitalize() for part in source.name.split("-")) + "Spider"
    attributes = {"name": source.name, "source": source, "__module__": __name__}
    if source.start_urls:
        attributes["parse_listing"] = _listing_with_contract(base.parse_listing, source)
    return type(class_name, (base,), attributes)


def _listing_with_contract(parse_listing, source: Source):
    """The listing callback, carrying a Scrapy contract for the live drift check
    (`scrapy check NAME` fetches the real start page; never run in CI)."""

    def contracted(self, response, page: int, start_url: str):
        return parse_listing(self, response, page, start_url)

    url = source.start_urls[0]
    contracted.__doc__ = (f"Listing page of {source.name}: must still link at least one article.\n\n"
                          f"@url {url}\n@cb_kwargs {json.dumps({'page': 1, 'start_url': url})}\n"
                          "@returns requests 1\n")
    return contracted


def default_registry() -> dict[str, Source]:
    return load_registry(settings.CRAWL_SOURCES_DIR)


class RegistrySpiderLoader(SpiderLoader):
    def __init__(self, scrapy_settings) -> None:
        super().__init__(scrapy_settings)
        custom = dict(self._spiders)
        for source in load_registry(scrapy_settings.get("CRAWL_SOURCES_DIR") or settings.CRAWL_SOURCES_DIR).values():
            self._spiders[source.name] = spider_class_for(source, custom)


def custom_spiders() -> dict[str, type]:
    """Spider classes written for unusual sites, by source name."""
    from scrapy.utils.misc import walk_modules_iter
    from scrapy.utils.spider import iter_spider_classes

    return {cls.name: cls for module in walk_modules_iter(settings.SPIDER_MODULES[0])
            for cls in iter_spider_classes(module)}
