"""Validation of subscriptions: every refusal names the field."""

from pathlib import Path

import pytest

from alerts.subscriptions import SubscriptionError, load_yaml, parse_subscription

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "subscriptions.example.yaml"
BASE = {"id": "s1", "email": "a@example.com", "name": "A", "schedule": "immediate"}


def _with(**changes):
    return {**BASE, **changes}


def test_example_file_is_valid_and_covers_every_schedule_kind():
    subs = load_yaml(EXAMPLE)
    assert {s.schedule.kind for s in subs} == {"daily", "weekly", "cron", "immediate"}
    henan = next(s for s in subs if s.id == "henan-hainan-daily")
    assert henan.filters.regions == ("Henan", "Hainan") and henan.language == "zh"


@pytest.mark.parametrize("changes, field", [
    ({"filters": {"regions": ["Atlantis"]}}, "filters.regions"),
    ({"filters": {"themes": ["crypto_prices"]}}, "filters.themes"),
    ({"filters": {"applications": ["mining"]}}, "filters.applications"),
    ({"filters": {"doc_types": ["tweet"]}}, "filters.doc_types"),
    ({"filters": {"langs": ["fr"]}}, "filters.langs"),
    ({"filters": {"min_relevance": 1.5}}, "filters.min_relevance"),
    ({"filters": {"colour": "red"}}, "filters.colour"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "a@example.com\r\nBcc: victim@example.com"}, "email"),
    ({"name": "Eve\r\nBcc: victim@example.com"}, "name"),
    ({"id": "Has Spaces"}, "id"),
    ({"language": "fr"}, "language"),
    ({"grouping": "source"}, "grouping"),
    ({"schedule": {"kind": "cron", "cron": "61 * * * *"}}, "schedule.cron"),
    ({"schedule": {"kind": "daily", "at": "25:00"}}, "schedule.at"),
    ({"schedule": {"kind": "daily", "at": "08:00", "timezone": "Asia/Atlantis"}}, "schedule.timezone"),
    ({"schedule": {"kind": "weekly", "day": "someday", "at": "08:00"}}, "schedule.day"),
    ({"schedule": {"kind": "hourly"}}, "schedule.kind"),
    ({"send_empty": "yes"}, "send_empty"),
])
def test_bad_subscriptions_are_refused_naming_the_field(changes, field):
    with pytest.raises(SubscriptionError, match=f"field '{field}'"):
        parse_subscription(_with(**changes))


def test_valid_subscription_round_trips_through_its_dict():
    sub = parse_subscription(_with(schedule={"kind": "weekly", "day": "Monday", "at": "07:30",
                                             "timezone": "Europe/Berlin"},
                                   filters={"regions": ["Henan", "Henan"], "query": "区块链|blockchain"}))
    assert sub.schedule.day == "mon" and sub.filters.regions == ("Henan",)
    assert parse_subscription(sub.to_dict()) == sub


def test_yaml_errors_name_file_entry_and_field(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - {id: ok, email: a@example.com, schedule: immediate}\n"
                    "  - {id: bad, email: b@example.com, schedule: immediate, filters: {regions: [Mars]}}\n",
                    encoding="utf-8")
    with pytest.raises(SubscriptionError) as error:
        load_yaml(path)
    assert str(path) in str(error.value) and "entry 2 (bad)" in str(error.value)
    assert "field 'filters.regions'" in str(error.value)


def test_duplicate_ids_in_one_file_are_refused(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - {id: a, email: a@example.com, schedule: immediate}\n"
                    "  - {id: a, email: b@example.com, schedule: immediate}\n", encoding="utf-8")
    with pytest.raises(SubscriptionError, match="appears twice"):
        load_yaml(path)
