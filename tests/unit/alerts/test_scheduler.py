"""The scheduler's jobs: stable ids, coalescing, grace time, and pick-up of added,
changed and removed subscriptions without a restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from alerts.delivery import DeliveryConfig, Deliverer
from alerts.mailer import OutboxMailer
from alerts.scheduler import RETRY_JOB, SYNC_JOB, DigestScheduler, trigger_for
from alerts.store.sqlite import SqliteDigestLog, SqliteMatchStore, SqliteSubscriptionStore
from alerts.subscriptions import parse_schedule
from tests.unit.alerts.conftest import make_sub


@pytest.fixture
def running(sqlite_path, tmp_path):
    subs, matches, log = (SqliteSubscriptionStore(sqlite_path), SqliteMatchStore(sqlite_path),
                          SqliteDigestLog(sqlite_path))
    for store in (subs, matches, log):
        store.ensure_ready()
    config = DeliveryConfig(sender="pw <a@pw.example>", reply_to="", public_url="https://pw.example",
                            unsubscribe_mailto="", secret=b"k")
    scheduler = BackgroundScheduler(timezone=timezone.utc)
    jobs = DigestScheduler(scheduler, subs, log, Deliverer(matches, log, OutboxMailer(tmp_path / "out"), config),
                           immediate_interval_s=120, misfire_grace_s=900, sync_interval_s=30,
                           clock=lambda: datetime(2026, 11, 21, tzinfo=timezone.utc))
    scheduler.start(paused=True)
    yield subs, jobs
    scheduler.shutdown(wait=False)


def test_triggers_follow_the_schedule_kind():
    daily = trigger_for(parse_schedule({"kind": "daily", "at": "08:30", "timezone": "Asia/Shanghai"}), 300)
    assert isinstance(daily, CronTrigger) and str(daily.timezone) == "Asia/Shanghai"
    first = daily.get_next_fire_time(None, datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc))
    assert first == datetime(2026, 11, 21, 0, 30, tzinfo=timezone.utc)  # 08:30 in Shanghai
    weekly = trigger_for(parse_schedule({"kind": "weekly", "day": "mon", "at": "09:00"}), 300)
    assert weekly.get_next_fire_time(None, datetime(2026, 11, 21, tzinfo=timezone.utc)).weekday() == 0
    assert isinstance(trigger_for(parse_schedule("immediate"), 300), IntervalTrigger)
    assert isinstance(trigger_for(parse_schedule({"kind": "cron", "cron": "0 8 * * 1-5"}), 300), CronTrigger)


def test_one_job_per_subscription_with_coalescing_and_grace(running):
    subs, jobs = running
    subs.put(make_sub("alpha"))
    subs.put(make_sub("beta", schedule="immediate"))
    jobs.install()
    ids = sorted(job.id for job in jobs.scheduler.get_jobs())
    assert ids == sorted([SYNC_JOB, RETRY_JOB, "alpha", "beta"])
    alpha = jobs.scheduler.get_job("alpha")
    assert (alpha.coalesce, alpha.max_instances, alpha.misfire_grace_time) == (True, 1, 900)
    assert isinstance(jobs.scheduler.get_job("beta").trigger, IntervalTrigger)


def test_sync_picks_up_added_changed_and_removed_subscriptions(running):
    subs, jobs = running
    subs.put(make_sub("alpha"))
    subs.put(make_sub("beta"))
    jobs.install()
    assert jobs.sync() == {"added": [], "changed": [], "removed": []}
    changed = replace(make_sub("alpha", schedule="immediate"), updated_at="2026-11-21T00:00:00Z")
    subs.put(changed)
    subs.remove("beta")
    subs.put(make_sub("gamma"))
    subs.put(replace(make_sub("delta"), active=False))
    assert jobs.sync() == {"added": ["gamma"], "changed": ["alpha"], "removed": ["beta"]}
    assert isinstance(jobs.scheduler.get_job("alpha").trigger, IntervalTrigger)
    assert jobs.scheduler.get_job("beta") is None and jobs.scheduler.get_job("delta") is None


def test_a_job_runs_the_delivery_and_survives_a_missing_subscription(running, tmp_path):
    subs, jobs = running
    subs.put(make_sub("alpha", send_empty=True))
    jobs.run_subscription("alpha")
    jobs.run_subscription("gone")  # removed meanwhile: nothing happens, nothing raises
    assert len(list((tmp_path / "out").glob("*.eml"))) == 1
