"""``policywatch stats``: period parsing and rendering (pure)."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from policywatch.errors import UserError
from policywatch.ops import stats

NOW = datetime(2024, 5, 8, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("7d", NOW - timedelta(days=7)),
    ("24h", NOW - timedelta(hours=24)),
    ("90m", NOW - timedelta(minutes=90)),
    ("2w", NOW - timedelta(weeks=2)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
    ("2024-05-01T08:00:00+08:00", datetime(2024, 5, 1, 0, tzinfo=timezone.utc)),
])
def test_since_accepts_spans_and_dates(text, expected):
    assert stats.parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["7", "last week", "7y", ""])
def test_bad_since_is_a_user_error(text):
    with pytest.raises(UserError, match="--since"):
        stats.parse_since(text, NOW)


_COUNTS = {"total": 12, "relevant": 5, "by_region": {"beijing": 3, "shanghai": 4, "hainan": 3},
           "by_theme": {}, "by_application": {}, "by_doc_type": {"notice": 5},
           "by_source": {"gov-a": 10, "news-b": 2}, "by_day": {"2024-05-07": 5, "2024-05-02": 7}}


def test_render_ranks_counts_and_lists_days_in_order():
    text = stats.render(_COUNTS, NOW - timedelta(days=7), NOW, top=2)
    assert "2024-05-01 12:00 .. 2024-05-08 12:00 UTC: 12 (5 relevant)" in text
    regions = text.split("regions (relevant):\n")[1].split("\n\n")[0].splitlines()
    assert regions == ["        4  shanghai", "        3  beijing", "  ... and 1 more (use --json for all)"]
    assert "themes (relevant):\n  (none)" in text
    assert text.index("2024-05-02") < text.index("2024-05-07")


def test_json_carries_the_period_and_every_count():
    data = json.loads(stats.to_json(_COUNTS, NOW - timedelta(days=7), NOW))
    assert data["since"] == "2024-05-01T12:00:00+00:00" and data["by_source"] == {"gov-a": 10, "news-b": 2}
