"""Source health: run reports from crawl stats, and which runs are reported."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from prometheus_client import REGISTRY

from crawlers.health import assess, observe, run_report

START = datetime(2020, 1, 14, 1, 0, tzinfo=timezone.utc)


def report(new=0, unchanged=0, selectors=0, fallback=0, reason="finished", source="gov-henan"):
    stats = {"response_received_count": 12, "pw/articles/new": new, "pw/articles/unchanged": unchanged,
             "pw/extraction/selectors": selectors, "pw/extraction/fallback": fallback,
             "pw/errors/http_503": 2, "pw/dropped/not_article": 1}
    return run_report(source, stats, START, START + timedelta(seconds=42), reason)


def test_the_report_summarises_the_run():
    r = report(new=3, unchanged=2, selectors=2, fallback=1)
    assert r["articles"] == {"new": 3, "changed": 0, "unchanged": 2}
    assert r["errors"] == {"http_503": 2} and r["dropped"] == {"not_article": 1}
    assert r["pages"] == 12 and r["duration_s"] == 42.0 and r["fallback_share"] == 0.333
    assert r["finished_at"] == "2020-01-14T01:00:42Z"


def test_zero_yield_is_reported_only_for_a_source_that_usually_yields():
    usual = [report(new=2), report(unchanged=5), report(new=1)]
    assert assess(report(), usual, 0.5) == ["zero_yield"]
    assert assess(report(), [report(), report()], 0.5) == []
    assert assess(report(), [], 0.5) == []


def test_mostly_fallback_extraction_and_failed_runs_are_reported():
    assert assess(report(new=4, selectors=1, fallback=3), [], 0.5) == ["mostly_fallback"]
    assert assess(report(new=2, selectors=0, fallback=2), [], 0.5) == []  # too few to judge
    assert assess(report(new=1, reason="delivery_failed"), [], 0.5) == ["failed"]


def test_observed_runs_appear_in_the_prometheus_metrics():
    r = report(new=3, selectors=1, fallback=3, source="unit-health-source")
    r["problems"] = ["mostly_fallback"]
    observe(r)
    value = REGISTRY.get_sample_value
    assert value("policywatch_crawl_articles_total", {"source": "unit-health-source", "outcome": "new"}) == 3
    assert value("policywatch_crawl_errors_total", {"source": "unit-health-source", "kind": "http_503"}) == 2
    assert value("policywatch_crawl_source_problem", {"source": "unit-health-source", "problem": "mostly_fallback"}) == 1
    assert value("policywatch_crawl_source_problem", {"source": "unit-health-source", "problem": "zero_yield"}) == 0
