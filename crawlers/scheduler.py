"""`policywatch crawler`: start each source's crawl on its own interval, forever.

Each run is a child process (`policywatch crawl NAME`): Twisted's reactor cannot be
restarted inside one process, and a child that hangs or leaks cannot harm the
scheduler. APScheduler's job id is the source name with max_instances=1 and
coalesce=True, so one source never runs twice at once and a backlog of missed runs
collapses into one. After each run the scheduler reads the run's report from the
crawl state and counts it in its own Prometheus metrics (the child's die with it).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from crawlers.health import observe
from crawlers.registry import Source
from policywatch.schema import utc_iso

log = logging.getLogger(__name__)
# First runs are spread out so a restart does not hit every site in the same second.
STAGGER_S = 20


def schedule_sources(scheduler: BaseScheduler, sources: list[Source], run, now: datetime,
                     misfire_grace_s: int) -> None:
    """Add one job per source: id = source name, never overlapping itself."""
    for index, source in enumerate(sources):
        scheduler.add_job(run, IntervalTrigger(minutes=source.every_minutes), args=[source.name],
                          id=source.name, name=f"crawl {source.name}", max_instances=1, coalesce=True,
                          misfire_grace_time=misfire_grace_s, replace_existing=True,
                          next_run_time=now + timedelta(seconds=index * STAGGER_S))


class ChildProcessRun:
    """Runs one source's crawl in a child process and observes its health report."""

    def __init__(self, state, timeout_s: float) -> None:
        self.state = state
        self.timeout_s = timeout_s

    def __call__(self, name: str) -> int:
        started = datetime.now(timezone.utc)
        try:
            code = subprocess.run([sys.executable, "-m", "policywatch", "crawl", name],
                                  timeout=self.timeout_s, check=False).returncode
        except subprocess.TimeoutExpired:
            log.error("crawl exceeded its time limit and was killed", extra={"source": name})
            return -1
        except OSError as exc:
            log.error("crawl could not start", extra={"source": name, "error": str(exc)})
            return -1
        try:
            reports = self.state.recent_runs(name, 1)
        except Exception as exc:  # state store down: the next run reports again
            log.warning("cannot read the run report", extra={"source": name, "error": str(exc)})
            return code
        if reports and reports[0]["finished_at"] >= utc_iso(started):
            observe(reports[0])
        if code != 0:
            log.error("crawl failed", extra={"source": name, "exit_code": code})
        return code
