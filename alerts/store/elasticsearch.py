"""Alert stores in Elasticsearch (the distributed deployment).

Each store owns one index, created as ``<name>-v<version>`` behind the alias ``<name>``
from es_indices.json. Claims use ``op_type=create`` and updates ``if_seq_no`` /
``if_primary_term``, which the minimal test distribution supports (no scripts, no
percolator needed). Writes that a reader must see at once refresh the (small) index right away.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from elasticsearch import ConflictError, NotFoundError, helpers

from alerts.matching import Match
from alerts.store.base import OPEN_STATES, DigestLog, DigestRecord, MatchStore, SubscriptionStore
from alerts.subscriptions import Subscription, parse_subscription
from policywatch.errors import TransientError
from policywatch.store.es_errors import mapped_errors

_LAYOUT = json.loads((Path(__file__).with_name("es_indices.json")).read_text(encoding="utf-8"))
_PAGE = 500


class _EsIndex:
    def __init__(self, client, alias: str, kind: str) -> None:
        self.es = client
        self.alias = alias
        self._kind = kind

    def ensure_ready(self) -> None:
        with mapped_errors(f"create {self.alias}"):
            if self.es.indices.exists_alias(name=self.alias):
                return
            self.es.options(ignore_status=400).indices.create(
                index=f"{self.alias}-v{_LAYOUT['version']}",
                settings=_LAYOUT["settings"],
                mappings=_LAYOUT["mappings"][self._kind],
                aliases={self.alias: {"is_write_index": True}},
            )

    def close(self) -> None:
        """Connections belong to the client the caller passed in."""


class ElasticsearchSubscriptionStore(_EsIndex, SubscriptionStore):
    def __init__(self, client, alias: str) -> None:
        super().__init__(client, alias, "subscriptions")

    def put(self, subscription: Subscription) -> None:
        body = {"id": subscription.id, "email": subscription.email, "active": subscription.active,
                "updated_at": subscription.updated_at, "data": subscription.to_dict()}
        with mapped_errors(f"save subscription {subscription.id}"):
            self.es.index(index=self.alias, id=subscription.id, document=body, refresh=True)

    def get(self, subscription_id: str) -> Subscription | None:
        with mapped_errors(f"read subscription {subscription_id}"):
            try:
                found = self.es.get(index=self.alias, id=subscription_id)
            except NotFoundError:
                return None
        return parse_subscription(found["_source"]["data"], f"stored subscription {subscription_id}: ")

    def list(self) -> list[Subscription]:
        with mapped_errors("list subscriptions"):
            hits = [hit["_source"]["data"] for hit in helpers.scan(
                self.es, index=self.alias, query={"query": {"match_all": {}}}, size=_PAGE)]
        return sorted((parse_subscription(d, f"stored subscription {d.get('id')}: ") for d in hits),
                      key=lambda s: s.id)

    def remove(self, subscription_id: str) -> bool:
        with mapped_errors(f"remove subscription {subscription_id}"):
            try:
                self.es.delete(index=self.alias, id=subscription_id, refresh=True)
            except NotFoundError:
                return False
        return True

    def revision(self) -> str:
        with mapped_errors("read subscriptions revision"):
            answer = self.es.search(index=self.alias, size=0, track_total_hits=True,
                                    aggs={"latest": {"max": {"field": "updated_at"}}})
        return f"{answer['hits']['total']['value']}:{answer['aggregations']['latest'].get('value')}"


class ElasticsearchMatchStore(_EsIndex, MatchStore):
    def __init__(self, client, alias: str) -> None:
        super().__init__(client, alias, "matches")

    def add(self, matches: list[Match]) -> None:
        if not matches:
            return
        actions = [{"_op_type": "create", "_index": self.alias, "_id": m.match_id,
                    "_source": {"subscription_id": m.subscription_id, "article_id": m.article_id,
                                "matched_at": m.matched_at, "indexed_at": m.indexed_at,
                                "article": m.article}} for m in matches]
        with mapped_errors("store matches"):
            _, errors = helpers.bulk(self.es, actions, raise_on_error=False, stats_only=False)
        # A 409 is a match stored before (re-delivery): keeping the first is the point.
        failed = [e for e in errors if next(iter(e.values())).get("status") != 409]
        if failed:
            raise TransientError(f"{len(failed)} of {len(matches)} matches not stored (first: {failed[0]})")

    def for_window(self, subscription_id: str, indexed_since: str, indexed_until: str,
                   limit: int = 1000) -> list[Match]:
        query = {"bool": {"filter": [
            {"term": {"subscription_id": subscription_id}},
            {"range": {"indexed_at": {"gte": indexed_since, "lt": indexed_until}}},
        ]}}
        found: list[Match] = []
        search_after: list[Any] | None = None
        with mapped_errors(f"read matches of {subscription_id}"):
            self.es.indices.refresh(index=self.alias)
            while len(found) < limit:
                page = self.es.search(index=self.alias, query=query, size=min(_PAGE, limit - len(found)),
                                      sort=[{"indexed_at": "asc"}, {"article_id": "asc"}],
                                      search_after=search_after)["hits"]["hits"]
                found += [Match(h["_source"]["subscription_id"], h["_source"]["article_id"],
                                h["_source"]["matched_at"], h["_source"]["indexed_at"],
                                h["_source"]["article"]) for h in page]
                if len(page) < _PAGE:
                    break
                search_after = page[-1]["sort"]
        return found


def _record(hit: dict[str, Any]) -> DigestRecord:
    return DigestRecord(**hit["_source"], version=f"{hit['_seq_no']}:{hit['_primary_term']}")


class ElasticsearchDigestLog(_EsIndex, DigestLog):
    def __init__(self, client, alias: str) -> None:
        super().__init__(client, alias, "digests")

    def create(self, record: DigestRecord) -> bool:
        with mapped_errors(f"claim digest {record.digest_id}"):
            try:
                self.es.index(index=self.alias, id=record.digest_id, document=record.to_dict(),
                              op_type="create", refresh=True)
            except ConflictError:
                return False
        return True

    def get(self, digest_id: str) -> DigestRecord | None:
        with mapped_errors(f"read digest {digest_id}"):
            try:
                return _record(self.es.get(index=self.alias, id=digest_id))
            except NotFoundError:
                return None

    def update(self, record: DigestRecord) -> bool:
        seq_no, primary_term = (int(part) for part in record.version.split(":"))
        with mapped_errors(f"update digest {record.digest_id}"):
            try:
                self.es.index(index=self.alias, id=record.digest_id, document=record.to_dict(),
                              if_seq_no=seq_no, if_primary_term=primary_term, refresh=True)
            except ConflictError:
                return False
        return True

    def _search(self, query: dict[str, Any], size: int, sort: list | None = None) -> list[DigestRecord]:
        with mapped_errors("search digests"):
            hits = self.es.search(index=self.alias, query=query, size=size, sort=sort,
                                  seq_no_primary_term=True)["hits"]["hits"]
        return [_record(hit) for hit in hits]

    def for_subscription(self, subscription_id: str, limit: int = 20) -> list[DigestRecord]:
        return self._search({"term": {"subscription_id": subscription_id}}, limit,
                            [{"window_start": "desc"}])

    def open_records(self) -> list[DigestRecord]:
        return self._search({"terms": {"state": list(OPEN_STATES)}}, 10_000, [{"window_start": "asc"}])
