"""Relevance signal groups: which words count, and which words hide others."""

from __future__ import annotations

from consumers.classifier import engine, lexicon
from consumers.classifier.hits import scan
from consumers.classifier.normalise import lower_same_length


def groups(text: str) -> dict[str, list[str]]:
    lex = lexicon()
    folded = lower_same_length(text)
    return {group: [folded[h[0]:h[1]] for h in hits]
            for group, (_, hits) in engine.signal_groups(lex, scan(lex, folded)).items()}


def test_a_copyright_line_bans_nothing():
    found = groups("某平台推出区块链数字藏品。本网所有作品版权均属本网，未经授权不得转载、摘编。")
    assert "不得" not in found.get("regulation", [])
    assert "hidden" not in found
    assert "不得" in groups("通知要求，区块链平台不得为虚拟货币交易提供服务。")["regulation"]


def test_an_english_reproduction_notice_bans_nothing():
    found = groups("A blockchain wallet for shoppers. Reproduction is prohibited without written consent.")
    assert "prohibited" not in found.get("regulation", [])


def test_farm_produce_is_no_company_product():
    assert "产品" not in groups("县里推动农产品上链，消费者扫码可查产地。").get("company", [])
    assert "产品" in groups("公司发布区块链一体机新产品。")["company"]
