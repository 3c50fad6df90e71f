"""Publishing an item: new and changed articles go out, unchanged ones do not, and the
state remembers only what was delivered."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone

import pytest

from crawlers.items import ArticleItem
from crawlers.pipelines import deliver
from crawlers.state import SqliteCrawlState
from policywatch.errors import DeliveryError
from policywatch.schema import content_hash, decode_raw
from policywatch.urls import article_id
from tests.unit.crawlers.offline import FakePublisher

NOW = datetime(2020, 1, 14, 2, 0, tzinfo=timezone.utc)
URL = "http://www.henan.gov.cn/2020/01-14/1001001.html?utm_source=feed"


def item(text: str = "推进区块链技术在政务服务领域的应用。") -> ArticleItem:
    return ArticleItem(url=URL, source="gov-henan", source_kind="provincial", source_region="Henan", lang="zh",
                       title="关于区块链的通知", text=text, published="2020-01-14T01:30:00Z", extraction="selectors",
                       attachments=[("http://www.henan.gov.cn/files/a.pdf", "附件")], etag='"abc"',
                       last_modified="Tue, 14 Jan 2020 01:30:00 GMT")


@pytest.fixture
def state(tmp_path):
    state = SqliteCrawlState(tmp_path / "db.sqlite3")
    yield state
    state.close()


def test_new_then_unchanged_then_changed(state):
    publisher = FakePublisher()
    assert deliver([item()], state, publisher, "raw", NOW) == ["new"]
    assert deliver([item()], state, publisher, "raw", NOW) == ["unchanged"]
    assert deliver([item("修改后的正文。")], state, publisher, "raw", NOW) == ["changed"]
    assert [key for _, key, _ in publisher.published] == [article_id(URL)] * 2
    first = decode_raw(publisher.published[0][2])
    assert first.canonical_url == "https://www.henan.gov.cn/2020/01-14/1001001.html"
    assert first.content_hash == content_hash("关于区块链的通知", "推进区块链技术在政务服务领域的应用。")
    assert first.fetched_at == "2020-01-14T02:00:00Z" and first.attachments[0].title == "附件"
    seen = state.get(first.canonical_url)
    assert seen.content_hash == content_hash("关于区块链的通知", "修改后的正文。") and seen.etag == '"abc"'


def test_a_batch_is_judged_article_by_article_in_order(state):
    publisher = FakePublisher()
    deliver([item()], state, publisher, "raw", NOW)
    other = ArticleItem(item(), url="http://www.henan.gov.cn/2020/01-14/1001002.html")
    same_again = ArticleItem(item("再次修改的正文。"), url=URL.replace("utm_source=feed", "utm_source=mail"))
    outcomes = deliver([item(), other, item("再次修改的正文。"), same_again], state, publisher, "raw", NOW)
    # The same canonical URL twice in one batch with the same content is published once.
    assert outcomes == ["unchanged", "new", "changed", "unchanged"]
    assert [key for _, key, _ in publisher.published] == [article_id(URL), article_id(other["url"]), article_id(URL)]
    assert state.count_seen("gov-henan") == 2
    assert state.get(other["url"].replace("http:", "https:")).etag == '"abc"'


def test_a_failed_delivery_marks_nothing_seen(state):
    with pytest.raises(DeliveryError):
        deliver([item(), ArticleItem(item(), url=URL + "&page=2")], state,
                FakePublisher(DeliveryError("broker down")), "raw", NOW)
    assert state.get("https://www.henan.gov.cn/2020/01-14/1001001.html") is None
    assert state.count_seen("gov-henan") == 0


class _Stats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


class _Engine:
    """Records close requests (synchronously: no reactor runs in a unit test)."""

    def __init__(self):
        self.closed_with = []

    def close_spider_async(self, *, reason):
        self.closed_with.append(reason)


def pipeline_for(state, publisher):
    from types import SimpleNamespace

    from crawlers.pipelines import PublishPipeline
    from crawlers.services import CrawlServices

    from scrapy.settings import Settings

    crawler = SimpleNamespace(settings=Settings({"KAFKA_TOPIC_RAW": "raw"}),
                              stats=_Stats(), engine=_Engine(),
                              spider=SimpleNamespace(services=CrawlServices(publisher=publisher, state=state)))
    return PublishPipeline(crawler), crawler


def test_the_pipeline_closes_the_crawl_on_the_first_failed_delivery(state):
    from scrapy.exceptions import DropItem

    pipeline, crawler = pipeline_for(state, FakePublisher(DeliveryError("broker down")))
    for _ in range(2):
        with pytest.raises(DropItem):
            asyncio.run(pipeline.process_item(item()))
    pipeline.close_spider()
    assert crawler.engine.closed_with == ["delivery_failed"]
    assert crawler.stats.values == {"pw/delivery_failed": 1}
    assert state.count_seen("gov-henan") == 0


def test_the_pipeline_delivers_concurrent_items_in_batches_and_remembers_them(state):
    class SlowPublisher(FakePublisher):
        """Holds the first delivery until the test has queued every item."""

        def __init__(self):
            super().__init__()
            self.batches = 0
            self.release = threading.Event()

        def publish_many(self, topic, items):
            self.batches += 1
            assert self.release.wait(timeout=10)
            super().publish_many(topic, items)

    publisher = SlowPublisher()
    pipeline, crawler = pipeline_for(state, publisher)
    items = [ArticleItem(item(), url=f"http://www.henan.gov.cn/2020/01-14/{n}.html") for n in range(50)]

    async def crawl():
        tasks = [asyncio.ensure_future(pipeline.process_item(one)) for one in items]
        await asyncio.sleep(0)  # every task runs up to its await: all 50 are queued
        publisher.release.set()
        return await asyncio.gather(*tasks)

    assert asyncio.run(crawl()) == items
    pipeline.close_spider()
    assert sorted(key for _, key, _ in publisher.published) == sorted(article_id(one["url"]) for one in items)
    assert publisher.batches <= 2  # what queued while the first batch was delivered went out together
    assert state.count_seen("gov-henan") == 50
    assert crawler.stats.values == {"pw/articles/new": 50}


def test_a_failing_state_store_skips_the_article_and_counts_it():
    from scrapy.exceptions import DropItem

    class BrokenState(SqliteCrawlState):
        def __init__(self):
            pass

        def get_many(self, canonical_urls):
            raise ConnectionError("state store down")

    publisher = FakePublisher()
    pipeline, crawler = pipeline_for(BrokenState(), publisher)
    with pytest.raises(DropItem):
        asyncio.run(pipeline.process_item(item()))
    pipeline.close_spider()
    assert crawler.stats.values == {"pw/errors/state": 1} and publisher.published == []
