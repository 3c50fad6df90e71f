"""deploy/prometheus/: the alert rules use only metrics the code defines, and every
rule is complete and points at a runbook that exists."""

import re

import pytest
import yaml

from tests.unit.ops.envdoc import REPO_ROOT
from tests.unit.ops.metric_names import defined_series

PROMETHEUS_DIR = REPO_ROOT / "deploy" / "prometheus"
OPERATIONS = REPO_ROOT / "docs" / "operations.md"
_METRIC = re.compile(r"\bpolicywatch_[a-z0-9_]+")


def _rules():
    config = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in config["groups"] for rule in group["rules"]]


def _anchors() -> set[str]:
    """GitHub-style anchors of the headings of docs/operations.md."""
    headings = re.findall(r"^#+\s+(.+)$", OPERATIONS.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_the_rules_cover_what_ops_must_hear_about():
    expressions = " ".join(rule["expr"] for rule in _rules())
    for metric in ("policywatch_crawl_source_problem", "policywatch_consumer_lag",
                   "policywatch_articles_dead_lettered_total", "policywatch_digests_total"):
        assert metric in expressions


@pytest.mark.parametrize("rule", _rules(), ids=lambda rule: rule["alert"])
def test_each_rule_uses_defined_metrics_and_names_a_runbook(rule):
    defined = defined_series()
    for metric in _METRIC.findall(rule["expr"]):
        assert metric in defined, f"{rule['alert']}: {metric} is not defined in the code (Counter/Gauge/Histogram)"
    assert rule["labels"]["severity"] in ("page", "ticket")
    assert rule["annotations"]["summary"]
    page, _, anchor = rule["annotations"]["runbook"].partition("#")
    assert page == "docs/operations.md" and anchor in _anchors(), f"{rule['alert']}: no heading for #{anchor}"


def test_metric_name_discovery_finds_known_definitions():
    defined = defined_series()
    assert defined["policywatch_consumer_batch_seconds_bucket"] == "consumers/loop.py"
    assert "policywatch_articles_indexed_total" in defined


def test_scrape_config_loads_the_rules_and_targets_the_metrics_port():
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS_DIR / rule_file).is_file()
    targets = [t for job in config["scrape_configs"] for group in job["static_configs"] for t in group["targets"]]
    assert targets and all(t.endswith(":9400") for t in targets)
