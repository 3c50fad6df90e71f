"""Re-label every stored article with the current classifier (``policywatch reclassify``).

Goes through the store in article-id order, in batches; after each batch it writes a
checkpoint (the last article id done), so an interrupted run resumes with
``--resume``. Only articles whose labels change are written back; their
``indexed_at`` and story stay as they were (re-labelling is a correction, not news,
so digests do not send old articles again). The checkpoint is removed when done.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policywatch.errors import UserError
from policywatch.schema import LABEL_FIELDS
from policywatch.store.base import ArticleStore

log = logging.getLogger(__name__)


@dataclass
class ReclassifyReport:
    scanned: int = 0
    changed: int = 0
    refused: int = 0
    resumed_after: str | None = None


def relabel(doc: dict[str, Any], classify: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The document with fresh labels (everything else unchanged)."""
    labels = classify(doc.get("title") or "", doc.get("text") or "", lang=doc.get("lang"), url=doc.get("url"))
    return {**doc, **{name: labels[name] for name in LABEL_FIELDS}}


def read_checkpoint(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UserError(f"checkpoint {path} is unreadable ({exc}); delete it to start over") from None
    after_id = data.get("after_id") if isinstance(data, dict) else None
    if not isinstance(after_id, str):
        raise UserError(f"checkpoint {path}: field 'after_id' must be a string; delete it to start over")
    return after_id


def _write_checkpoint(path: Path, after_id: str, report: ReclassifyReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"after_id": after_id, "scanned": report.scanned, "changed": report.changed}),
                         encoding="utf-8")
    temporary.replace(path)  # atomic: a crash leaves the old or the new checkpoint


def reclassify(store: ArticleStore, classify: Callable[..., dict[str, Any]], checkpoint: Path, *,
               resume: bool = False, batch_size: int = 500) -> ReclassifyReport:
    report = ReclassifyReport(resumed_after=read_checkpoint(checkpoint) if resume else None)
    for batch in store.scan(after_id=report.resumed_after, batch_size=batch_size):
        relabelled = [relabel(doc, classify) for doc in batch]
        changed = [new for old, new in zip(batch, relabelled)
                   if any(old.get(name) != new[name] for name in LABEL_FIELDS)]
        failures = store.index(changed) if changed else []
        for failure in failures:
            log.warning("re-labelled article refused by the store",
                        extra={"article_id": failure.article_id, "reason": failure.reason})
        report.scanned += len(batch)
        report.changed += len(changed) - len(failures)
        report.refused += len(failures)
        _write_checkpoint(checkpoint, batch[-1]["article_id"], report)
        log.info("reclassify progress", extra={"scanned": report.scanned, "changed": report.changed,
                                               "after_id": batch[-1]["article_id"]})
    checkpoint.unlink(missing_ok=True)
    return report
