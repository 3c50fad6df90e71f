"""Dead letters for operators: read them, show them, and replay them after a fix.

A dead letter (consumers/dead_letters.py) keeps the error, where the message came from
and its original bytes. ``parse`` and ``summary`` are pure; the two queues below read
the Kafka DLQ topic (distributed) or the SQLite dead-letter table (embedded).

Kafka: a dedicated consumer group (``<KAFKA_CONSUMER_GROUP>-dlq-replay``) marks how far
replay has come. ``list`` shows the letters after that mark without moving it;
``replay`` re-publishes the originals to the raw topic, and commits only after the
broker acknowledged them (a crash in between replays them again: the indexer is
idempotent by article id). A letter that cannot be replayed (unreadable, or its
original was truncated for size) stops its partition, unless skipped on purpose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from policywatch.dead_letters import DEAD_LETTER_SCHEMA, original_bytes


@dataclass(frozen=True)
class DeadLetter:
    position: str                 # where it is kept: "topic/partition/offset" or "sqlite#id"
    letter: dict[str, Any] | None  # the parsed dead letter; None when unreadable
    problem: str = ""             # why it cannot be replayed ("" = replayable)


def parse(position: str, payload: bytes | str) -> DeadLetter:
    """A stored dead letter, with the reason it cannot be replayed if there is one."""
    try:
        letter = json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        return DeadLetter(position, None, f"not a dead letter (not JSON: {exc})")
    if not isinstance(letter, dict) or letter.get("schema") != DEAD_LETTER_SCHEMA or "original_b64" not in letter:
        return DeadLetter(position, None, f"not a {DEAD_LETTER_SCHEMA} object")
    if letter.get("original_truncated"):
        return DeadLetter(position, letter, f"original was {letter.get('original_size')} bytes, kept truncated "
                                            "(too large: replaying would fail again)")
    return DeadLetter(position, letter)


def replay_item(dead: DeadLetter) -> tuple[str, bytes]:
    """(key, original bytes) to publish again; the key is the original record's."""
    letter = dead.letter or {}
    return letter.get("key") or letter.get("article_id") or "", original_bytes(letter)


def summary(dead: DeadLetter) -> dict[str, Any]:
    """What ``dlq list`` shows of one letter (never the original bytes in full)."""
    letter = dead.letter or {}
    return {"position": dead.position, "failed_at": letter.get("failed_at"), "error_kind": letter.get("error_kind"),
            "error": letter.get("error"), "source": letter.get("source"), "article_id": letter.get("article_id"),
            "key": letter.get("key"), "original_size": letter.get("original_size"),
            "replayable": not dead.problem, "problem": dead.problem or None}


def render(letters: list[DeadLetter], pending: int | None) -> str:
    lines = [f"{'pending' if pending is None else pending} dead letter(s); showing {len(letters)}"]
    for dead in letters:
        item = summary(dead)
        source = item["source"] or {}
        origin = f"{source.get('topic')}/{source.get('partition')}/{source.get('offset')}" if source else "?"
        lines.append(f"{dead.position}  {item['failed_at'] or '?'}  {item['error_kind'] or '?'}  from {origin}  "
                     f"article {item['article_id'] or '-'}")
        lines.append(f"    {item['error'] or dead.problem}")
        if dead.problem and item["error"]:
            lines.append(f"    cannot replay: {dead.problem}")
    return "\n".join(lines)


@dataclass
class ReplayPlan:
    """Which letters a replay publishes, which it passes over on purpose, and which it
    must leave in place (and so must not commit past)."""

    replay: list[DeadLetter] = field(default_factory=list)
    skipped: list[DeadLetter] = field(default_factory=list)
    held: list[DeadLetter] = field(default_factory=list)

    @property
    def done(self) -> list[DeadLetter]:
        """Letters the queue may forget once the replayed ones are delivered."""
        return self.replay + self.skipped


def plan_replay(letters: list[tuple[str, DeadLetter]], skip_unreplayable: bool) -> ReplayPlan:
    """Letters in queue order, each with its lane (a Kafka partition). A lane stops at
    its first unreplayable letter unless ``skip_unreplayable``, so the replay mark
    never passes a letter nobody decided about."""
    plan = ReplayPlan()
    stopped: set[str] = set()
    for lane, dead in letters:
        if lane in stopped:
            plan.held.append(dead)
        elif not dead.problem:
            plan.replay.append(dead)
        elif skip_unreplayable:
            plan.skipped.append(dead)
        else:
            stopped.add(lane)
            plan.held.append(dead)
    return plan


def render_plan(plan: ReplayPlan, target: str, dry_run: bool) -> str:
    verb = "would replay" if dry_run else "replayed"
    lines = [f"{verb} {len(plan.replay)} dead letter(s) to {target}"]
    lines += [f"  {d.position}  article {(d.letter or {}).get('article_id') or '-'}" for d in plan.replay]
    if plan.skipped:
        lines.append(f"{'would skip' if dry_run else 'skipped'} {len(plan.skipped)} unreplayable letter(s):")
        lines += [f"  {d.position}  {d.problem}" for d in plan.skipped]
    blocking = [d for d in plan.held if d.problem]
    if plan.held:
        lines.append(f"left {len(plan.held)} letter(s) in place; blocked by:")
        lines += [f"  {d.position}  {d.problem}" for d in blocking]
        lines.append("  inspect with `policywatch dlq list`; pass --skip-unreplayable to move past them")
    return "\n".join(lines)
