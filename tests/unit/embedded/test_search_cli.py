"""The pure parts of ``policywatch search``: arguments -> query, results -> text."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import pytest

from policywatch import cli_run
from policywatch.errors import UserError
from policywatch.store.base import SearchResult
from tests.unit.embedded.articles import document

NOW = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="policywatch")
    cli_run.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["search", *argv])


@pytest.mark.parametrize("value, expected", [
    ("30d", datetime(2025, 12, 21, 8, 0, tzinfo=timezone.utc)),
    ("12h", datetime(2026, 1, 19, 20, 0, tzinfo=timezone.utc)),
    ("2W", datetime(2026, 1, 6, 8, 0, tzinfo=timezone.utc)),
    ("2026-01-14", datetime(2026, 1, 14, tzinfo=timezone.utc)),
])
def test_parse_since(value, expected):
    assert cli_run.parse_since(value, NOW) == expected


def test_parse_since_refuses_nonsense_with_a_hint():
    with pytest.raises(UserError, match="30d"):
        cli_run.parse_since("lately", NOW)


def test_arguments_become_the_store_query():
    args = _parse("区块链 试点 -比特币", "--region", "henan", "--region", "National", "--since", "30d",
                  "--theme", "Industrial_Parks", "--exclude", "挖矿", "--lang", "zh", "--limit", "3",
                  "--min-relevance", "0.5", "--relevant-only", "--sort", "published")
    query = cli_run.build_query(args, NOW)
    assert query.text == "区块链 试点"
    assert query.exclude == ("比特币", "挖矿")
    assert query.regions == ("Henan", "National")
    assert query.themes == ("industrial_parks",)
    assert query.langs == ("zh",)
    assert query.published_since == datetime(2025, 12, 21, 8, 0, tzinfo=timezone.utc)
    assert (query.size, query.min_relevance, query.relevant, query.sort) == (3, 0.5, True, "published")


def test_unknown_region_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        _parse("x", "--region", "Henen")
    assert "unknown region 'Henen'" in capsys.readouterr().err


def test_snippet_centres_on_the_first_term():
    text = "开头" * 60 + "这里提到区块链试点" + "结尾" * 60
    piece = cli_run.snippet(text, ["试点"], width=40)
    assert "区块链试点" in piece and piece.startswith("…") and piece.endswith("…")
    assert cli_run.snippet("short text", ["absent"]) == "short text"


def test_results_are_printed_readably():
    doc = document("pilot")
    query = cli_run.build_query(_parse("试点"), NOW)
    text = cli_run.format_hits(SearchResult(total=1, hits=[doc]), query)
    for expected in ("1 article(s) match", doc["title"], "2026-01-12", "henan-gov", "regions: Henan",
                     "industrial_parks", "relevant (0.80)", doc["url"], "开展区块链应用试点"):
        assert expected in text
    assert "No articles match" in cli_run.format_hits(SearchResult(total=0), query)
