"""The pure matcher: filters, query terms, and the inverted index's candidate pruning."""

from datetime import datetime, timezone

import pytest

from alerts.matching import candidates, compile_index, match_document, match_documents, parse_query, snippet
from tests.unit.alerts.conftest import make_doc, make_sub

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def _ids(subs, doc):
    return sorted(m.subscription_id for m in match_document(compile_index(subs), doc, NOW))


def test_query_syntax_groups_alternatives_and_phrases():
    assert parse_query('区块链|Blockchain "Digital Currency" 河南') == (
        ("区块链", "blockchain"), ("digital currency",), ("河南",))


@pytest.mark.parametrize("filters, doc_changes, expected", [
    ({"regions": ["Henan"]}, {}, True),
    ({"regions": ["Hainan"]}, {}, False),
    ({"regions": ["Hainan", "Henan"], "themes": ["talent"]}, {}, False),
    ({"themes": ["regulation"], "doc_types": ["policy_document"]}, {}, True),
    ({"applications": ["finance"]}, {"applications": ["finance", "iot"]}, True),
    ({"sources": ["other.example"]}, {}, False),
    ({"langs": ["en"]}, {}, False),
    ({"min_relevance": 0.9}, {}, False),
    ({"query": "区块链|blockchain 试点"}, {"text": "河南推进区块链试点"}, True),
    ({"query": "区块链 监管"}, {"text": "河南推进区块链试点"}, False),
    ({"query": "blockchain"}, {"text": "A BlockChain pilot"}, True),
    ({"query": "ai"}, {"text": "officials said so"}, False),  # whole English words only
    ({"query": '"pilot zone"'}, {"text": "a new pilot zone opens"}, True),
    ({"exclude": ["比特币"]}, {"text": "区块链与比特币价格"}, False),
    ({}, {"relevant": False}, False),
    ({"relevant_only": False}, {"relevant": False}, True),
])
def test_filters(filters, doc_changes, expected):
    doc = {**make_doc("a1"), **doc_changes}
    assert (_ids([make_sub("s", filters=filters)], doc) == ["s"]) is expected


def test_inactive_subscriptions_never_match():
    from dataclasses import replace

    assert _ids([replace(make_sub("s"), active=False)], make_doc("a1")) == []


def test_a_match_carries_the_article_snapshot_and_terms():
    doc = make_doc("a1", title="河南区块链", text="前言。" * 100 + "河南省发布区块链产业政策。")
    [match] = match_document(compile_index([make_sub("s", filters={"query": "区块链"})]), doc, NOW)
    assert (match.subscription_id, match.article_id, match.indexed_at) == ("s", "a1", doc["indexed_at"])
    assert match.matched_at == "2026-11-22T00:00:00Z"
    assert match.article["matched_terms"] == ["区块链"] and "区块链" in match.article["snippet"]
    assert match.article["url"] == doc["url"] and "text" not in match.article


def test_snippet_centres_on_the_first_term():
    text = "x " * 300 + "the blockchain rules" + " y" * 300
    piece = snippet(text, ["blockchain"], width=60)
    assert piece.startswith("…") and piece.endswith("…") and "blockchain" in piece and len(piece) <= 62


def test_index_visits_only_candidates():
    # 2,000 subscriptions on other regions must not be checked for a Henan article:
    # the candidate set comes from the posting lists, so they are never visited.
    others = [make_sub(f"o{n}", filters={"regions": ["Jilin"], "query": "never"}) for n in range(2000)]
    subs = [*others, make_sub("h", filters={"regions": ["Henan"]}), make_sub("t", filters={"query": "试点"}),
            make_sub("all")]
    index = compile_index(subs)
    doc = make_doc("a1", text="河南区块链试点")
    assert sorted(candidates(index, doc)) == ["all", "h", "t"]
    assert sorted(m.subscription_id for m in match_documents(index, [doc], NOW)) == ["all", "h", "t"]
