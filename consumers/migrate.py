"""Mapping changes without lost writes or reader downtime (``policywatch es migrate``).

1. Install the template from deploy/elasticsearch/ (its ``mapping_version`` must be
   newer than the live one) and create ``<prefix>-articles-v<new>-000001``.
2. Copy every document from the indices behind the alias (scroll + bulk, client-side:
   the test server has no ``_reindex``), remembering each one's ``_seq_no``.
3. Block writes on the old indices. Writers (the indexer) get a cluster block, which
   they treat as transient and retry; readers are not affected.
4. Catch up: a second pass over ids and sequence numbers copies what changed or
   appeared since step 2 and deletes what disappeared.
5. Swap the alias in one ``update_aliases`` call (remove from the old indices, add to
   the new one as write index), then lift the write block from the old indices, which
   stay out of the alias for a rollback until ops delete them.

If anything fails after step 3 the block is lifted again and the alias is untouched.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import helpers

from policywatch.errors import PermanentError
from policywatch.store import es_layout
from policywatch.store.es_errors import mapped_errors

log = logging.getLogger(__name__)


@dataclass
class MigrationReport:
    old_indices: list[str]
    new_index: str
    copied: int = 0
    caught_up: int = 0
    deleted: int = 0
    seconds: float = 0.0
    analysis: str = ""
    notes: list[str] = field(default_factory=list)


def _scan(client, indices: list[str], with_source: bool):
    return helpers.scan(client, index=",".join(indices), query={"query": {"match_all": {}}}, size=1000,
                        seq_no_primary_term=True, _source=with_source, preserve_order=False)


def _bulk(client, actions: list[dict[str, Any]], what: str) -> None:
    if not actions:
        return
    with mapped_errors(what):
        _, errors = helpers.bulk(client, actions, raise_on_error=False, refresh=False)
    errors = [e for e in errors if "delete" not in e or e["delete"].get("status") != 404]
    if errors:
        raise PermanentError(f"{what}: {len(errors)} documents refused (first: {errors[0]})")


def _copy_actions(target: str, hits) -> list[dict[str, Any]]:
    return [{"_op_type": "index", "_index": target, "_id": hit["_id"], "_source": hit["_source"]} for hit in hits]


def migrate(client, prefix: str, options: es_layout.IndexOptions,
            template_dir: Path = es_layout.TEMPLATE_DIR, batch_size: int = 500) -> MigrationReport:
    started = time.monotonic()
    names = es_layout.ArticleIndexNames(prefix)
    template = es_layout.load_template(template_dir)
    old = sorted(es_layout.alias_indices(client, names))
    if not old:
        raise PermanentError(f"alias {names.alias} does not exist: run `policywatch bootstrap` first")
    live = max((names.parse(index) or (0, 0))[0] for index in old)
    if template.mapping_version <= live:
        raise PermanentError(f"mapping_version {template.mapping_version} in {template_dir / 'articles.json'} is "
                             f"not newer than the live version {live}: bump it after changing the mapping")
    analysis = es_layout.choose_analysis(client, template)
    es_layout.put_template(client, names, es_layout.template_body(names, template, analysis, options))
    target = names.index(template.mapping_version)
    report = MigrationReport(old, target, analysis=analysis.name)
    with mapped_errors(f"creating {target}"):
        if client.indices.exists(index=target):  # left by an interrupted migration, never in the alias
            client.indices.delete(index=target)
            report.notes.append(f"deleted {target} left by an interrupted migration")
        client.indices.create(index=target)

    with mapped_errors(f"refreshing {old}"):
        client.indices.refresh(index=",".join(old))
    seen: dict[str, tuple[str, int]] = {}
    batch: list[dict[str, Any]] = []
    for hit in _scan(client, old, with_source=True):
        seen[hit["_id"]] = (hit["_index"], hit["_seq_no"])
        batch.append(hit)
        if len(batch) >= batch_size:
            _bulk(client, _copy_actions(target, batch), f"copying into {target}")
            report.copied += len(batch)
            batch = []
    _bulk(client, _copy_actions(target, batch), f"copying into {target}")
    report.copied += len(batch)
    log.info("migration copied documents", extra={"target": target, "copied": report.copied})

    _set_write_block(client, old, True)
    try:
        _catch_up(client, old, target, seen, report)
        with mapped_errors(f"refreshing {target}"):
            client.indices.refresh(index=target)
        actions = [{"remove": {"index": index, "alias": names.alias}} for index in old]
        actions.append({"add": {"index": target, "alias": names.alias, "is_write_index": True}})
        with mapped_errors(f"swapping alias {names.alias} to {target}"):
            client.indices.update_aliases(actions=actions)
    finally:
        _set_write_block(client, old, False)
    report.seconds = round(time.monotonic() - started, 3)
    log.info("migration done", extra={"target": target, "copied": report.copied, "caught_up": report.caught_up,
                                      "deleted": report.deleted, "seconds": report.seconds})
    return report


def _catch_up(client, old: list[str], target: str, seen: dict[str, tuple[str, int]],
              report: MigrationReport) -> None:
    """Copy what changed in the old indices since the first pass; delete what went."""
    with mapped_errors(f"refreshing {old}"):
        client.indices.refresh(index=",".join(old))
    now: dict[str, tuple[str, int]] = {}
    for hit in _scan(client, old, with_source=False):
        now[hit["_id"]] = (hit["_index"], hit["_seq_no"])
    changed = [(index, doc_id) for doc_id, (index, seq_no) in now.items() if seen.get(doc_id) != (index, seq_no)]
    gone = [doc_id for doc_id in seen if doc_id not in now]
    for start in range(0, len(changed), 500):
        chunk = changed[start:start + 500]
        with mapped_errors("reading changed documents"):
            docs = client.mget(docs=[{"_index": index, "_id": doc_id} for index, doc_id in chunk])["docs"]
        _bulk(client, _copy_actions(target, [d for d in docs if d.get("found")]), f"catching up {target}")
    _bulk(client, [{"_op_type": "delete", "_index": target, "_id": doc_id} for doc_id in gone],
          f"deleting from {target}")
    report.caught_up, report.deleted = len(changed), len(gone)


def _set_write_block(client, indices: list[str], blocked: bool) -> None:
    with mapped_errors(f"{'blocking' if blocked else 'unblocking'} writes on {indices}"):
        client.indices.put_settings(index=",".join(indices),
                                    settings={"index.blocks.write": True if blocked else None})
