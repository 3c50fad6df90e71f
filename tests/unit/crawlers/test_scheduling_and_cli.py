"""The crawler schedule, and the `policywatch sources` commands."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

import settings
from crawlers.scheduler import STAGGER_S, schedule_sources
from crawlers.scaffold import add_source
from crawlers.registry import load_registry
from crawlers.spiderloader import default_registry
from policywatch.cli import main
from policywatch.errors import UserError
from tests.unit.crawlers.offline import check_fixture_site

NOW = datetime(2020, 1, 14, tzinfo=timezone.utc)


def test_each_source_is_one_job_that_never_overlaps_itself():
    sources = list(default_registry().values())[:3]
    scheduler = BackgroundScheduler(timezone="UTC")
    schedule_sources(scheduler, sources, print, NOW, misfire_grace_s=900)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {s.name for s in sources}
    for index, source in enumerate(sources):
        job = jobs[source.name]
        assert job.max_instances == 1 and job.coalesce is True and job.misfire_grace_time == 900
        assert job.trigger.interval.total_seconds() == source.every_minutes * 60
        assert job.args == (source.name,)
        assert (job.next_run_time - NOW).total_seconds() == index * STAGGER_S


def test_sources_list_json(capsys):
    assert main(["sources", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == len(default_registry())
    henan = next(s for s in listed if s["name"] == "gov-henan")
    assert henan["kind"] == "provincial" and henan["region"] == "Henan" and henan["start_urls"]


def test_crawl_refuses_unknown_sources(capsys):
    assert main(["crawl", "gov-atlantis"]) == 2
    assert "unknown source(s) gov-atlantis" in capsys.readouterr().err


def test_sources_add_scaffolds_an_entry_and_fixtures_that_pass_the_fixture_test(tmp_path):
    sources_dir = tmp_path / "sources"
    shutil.copytree(settings.CRAWL_SOURCES_DIR, sources_dir)
    paths = add_source("gov-xiamen", "https://www.xm.gov.cn/zwgk/flfg/", "Fujian", "provincial", "zh", None,
                       sources_dir, tmp_path / "sites")
    assert [p.name for p in paths] == ["gov-xiamen.yaml", "listing.html", "article.html", "expected.json"]
    source = load_registry(sources_dir)["gov-xiamen"]
    assert source.allowed_domains == ("xm.gov.cn",)
    check_fixture_site(tmp_path / "sites" / "gov-xiamen", source)
    with pytest.raises(UserError, match="already declared"):
        add_source("gov-xiamen", "https://www.xm.gov.cn/", "Fujian", "provincial", "zh", None,
                   sources_dir, tmp_path / "sites")
    with pytest.raises(UserError, match="region"):
        add_source("gov-nowhere", "https://www.nowhere.gov.cn/", "Atlantis", "provincial", "zh", None,
                   sources_dir, tmp_path / "sites")
    assert not (sources_dir / "gov-nowhere.yaml").exists()


def test_sources_health_reports_a_source_that_stopped_yielding(tmp_path, monkeypatch, capsys):
    from crawlers.health import assess
    from crawlers.state import SqliteCrawlState
    from tests.unit.crawlers.test_health import report

    monkeypatch.setattr(settings, "ELASTICSEARCH_URL", "")
    monkeypatch.setattr(settings, "EMBEDDED_DB_PATH", tmp_path / "db.sqlite3")
    state = SqliteCrawlState(tmp_path / "db.sqlite3")
    history = []
    for new in (3, 2, 0):
        run = report(new=new, source="gov-henan")
        run["problems"] = assess(run, history, 0.5)
        history.insert(0, run)
        state.record_run(run)
    state.record_run({**report(new=1, source="gov-beijing"), "problems": []})
    state.close()
    assert main(["sources", "health", "gov-henan", "gov-beijing", "gov-tibet"]) == 1
    out = capsys.readouterr().out
    assert "gov-henan" in out and "zero_yield" in out
    assert "gov-beijing                  ok" in out and "gov-tibet                    never run" in out


def test_max_pages_becomes_the_per_run_page_limit():
    from crawlers.runner import scrapy_settings

    assert scrapy_settings(max_pages=7).getint("CLOSESPIDER_PAGECOUNT") == 7
    assert scrapy_settings().getint("CLOSESPIDER_PAGECOUNT") == settings.CLOSESPIDER_PAGECOUNT
