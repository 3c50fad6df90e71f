"""``policywatch alerts``: one APScheduler 3.x job per subscription.

Each job has the subscription id as its stable id, ``coalesce=True`` (missed runs
fold into one), ``max_instances=1`` and a misfire grace time. A sync job re-reads the
subscriptions every ALERTS_SYNC_INTERVAL_S and adds, replaces or removes jobs, so
changes apply without a restart; a retry job sends windows that failed earlier once
their backoff is over. Two scheduler processes running by mistake are harmless: the
digest log lets only one of them claim and send each window (alerts/delivery.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from alerts.delivery import Deliverer
from alerts.store.base import DigestLog, SubscriptionStore
from alerts.subscriptions import Schedule

log = logging.getLogger(__name__)

# Internal job ids start with "_", which a subscription id (a slug) never does.
SYNC_JOB, RETRY_JOB = "_sync", "_retry"
RETRY_INTERVAL_S = 60


def trigger_for(schedule: Schedule, immediate_interval_s: int):
    tz = ZoneInfo(schedule.timezone)
    if schedule.kind == "immediate":
        return IntervalTrigger(seconds=immediate_interval_s, timezone=tz)
    if schedule.kind == "cron":
        return CronTrigger.from_crontab(schedule.cron, timezone=tz)
    hour, minute = (int(part) for part in schedule.at.split(":"))
    if schedule.kind == "weekly":
        return CronTrigger(day_of_week=schedule.day, hour=hour, minute=minute, timezone=tz)
    return CronTrigger(hour=hour, minute=minute, timezone=tz)


class DigestScheduler:
    def __init__(self, scheduler: BaseScheduler, subscriptions: SubscriptionStore, digest_log: DigestLog,
                 deliverer: Deliverer, *, immediate_interval_s: int, misfire_grace_s: int, sync_interval_s: int,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.scheduler = scheduler
        self._subs, self._log, self._deliverer = subscriptions, digest_log, deliverer
        self._immediate_s, self._grace_s, self._sync_s = immediate_interval_s, misfire_grace_s, sync_interval_s
        self._clock = clock
        self._versions: dict[str, str] = {}  # job id -> updated_at of the subscription it was built from

    def install(self) -> None:
        """Add the sync and retry jobs and the subscription jobs."""
        common = {"coalesce": True, "max_instances": 1, "replace_existing": True}
        self.scheduler.add_job(self.sync, IntervalTrigger(seconds=self._sync_s), id=SYNC_JOB,
                               misfire_grace_time=self._sync_s, **common)
        self.scheduler.add_job(self.retry_open, IntervalTrigger(seconds=RETRY_INTERVAL_S), id=RETRY_JOB,
                               misfire_grace_time=RETRY_INTERVAL_S, **common)
        self.sync()

    def sync(self) -> dict[str, list[str]]:
        """Make the jobs match the stored subscriptions; returns what changed."""
        changes: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
        try:
            current = {s.id: s for s in self._subs.list() if s.active}
        except Exception:  # store unreachable: keep the jobs we have, try again next time
            log.exception("cannot read subscriptions; keeping the current jobs")
            return changes
        for sub_id in set(self._versions) - set(current):
            self.scheduler.remove_job(sub_id)
            del self._versions[sub_id]
            changes["removed"].append(sub_id)
        for sub_id, sub in current.items():
            if self._versions.get(sub_id) == sub.updated_at:
                continue
            changes["changed" if sub_id in self._versions else "added"].append(sub_id)
            self.scheduler.add_job(self.run_subscription, trigger_for(sub.schedule, self._immediate_s),
                                   args=[sub_id], id=sub_id, name=f"digest {sub_id}", replace_existing=True,
                                   coalesce=True, max_instances=1, misfire_grace_time=self._grace_s)
            self._versions[sub_id] = sub.updated_at
        if any(changes.values()):
            log.info("subscription jobs synced", extra={k: len(v) for k, v in changes.items()})
        return changes

    def run_subscription(self, subscription_id: str) -> None:
        """A subscription's job: read it afresh (it may have changed) and deliver."""
        try:
            sub = self._subs.get(subscription_id)
            if sub is not None:
                outcome = self._deliverer.run(sub, self._clock())
                log.info("digest run", extra={"subscription_id": subscription_id, "outcome": outcome.outcome})
        except Exception:  # one subscriber's failure must not stop the scheduler
            log.exception("digest job failed", extra={"subscription_id": subscription_id})

    def retry_open(self) -> None:
        """Windows left open (failed sends, stopped senders) whose time has come."""
        try:
            open_ids = sorted({r.subscription_id for r in self._log.open_records()})
        except Exception:
            log.exception("cannot read the digest log; retrying later")
            return
        for sub_id in open_ids:
            self.run_subscription(sub_id)
