"""Near-duplicates share a story_id; different stories do not. Texts written for this test."""

from __future__ import annotations

import random
import re

import pytest

from consumers import stories
from consumers.stories import BANDS, EMPTY, MAX_DISTANCE, assign_story, distance, fingerprint

STORY = ("山西省工业和信息化厅近日印发《山西省区块链产业发展实施意见》，提出到2025年培育10家区块链骨干企业，"
         "在太原建设区块链产业园，推动区块链在政务服务、能源交易、农产品溯源等领域落地应用。意见要求各市加大资金支持，"
         "对入驻园区的企业给予房租补贴和研发奖励，并建立区块链人才培养基地，与高校合作开设相关课程。")
# The same story reprinted elsewhere: a source line, a word changed, an editor line.
REPRINT = "来源：某某财经网 " + STORY.replace("近日", "日前") + " 责任编辑：王某"
TRADITIONAL = ("山西省工業和信息化廳近日印發《山西省區塊鏈產業發展實施意見》，提出到2025年培育10家區塊鏈骨幹企業，"
               "在太原建設區塊鏈產業園，推動區塊鏈在政務服務、能源交易、農產品溯源等領域落地應用。意見要求各市加大資金支持，"
               "對入駐園區的企業給予房租補貼和研發獎勵，並建立區塊鏈人才培養基地，與高校合作開設相關課程。")
OTHER = ("陕西省西安市发布数字经济三年行动计划，提出建设算力中心和人工智能创新平台，推动制造业数字化转型，"
         "支持企业上云用数赋智，培育一批数字经济龙头企业，到2026年数字经济规模突破万亿元，并加强数据安全保障。")
ENGLISH = ("The Hainan provincial government issued measures on Monday to support blockchain firms in the free trade port, "
           "offering rent subsidies, research grants and fast-track registration for companies that move to Haikou.")
ENGLISH_EDIT = ("HAIKOU, May 3 - The Hainan provincial government issued measures on Monday to support blockchain firms in "
                "the free trade port, offering rent subsidies, research grants and fast-track registration for companies "
                "that move to Haikou, officials said.")


def test_fingerprint_shape():
    value, bands = fingerprint("标题", STORY)
    assert len(value) == 16 and int(value, 16) >= 0
    assert len(bands) == BANDS == len(set(bands))
    assert all(re.fullmatch(rf"b{i}:[0-9a-f]+", band) for i, band in enumerate(bands))
    assert fingerprint("标题", STORY) == (value, bands)


@pytest.mark.parametrize("copy", [REPRINT, TRADITIONAL])
def test_syndicated_copies_are_near(copy):
    near, copy_bands = fingerprint("b", copy)
    assert distance(fingerprint("a", STORY)[0], near) <= MAX_DISTANCE
    assert set(copy_bands) & set(fingerprint("a", STORY)[1]), "the store would not find the copy"


def test_english_edit_is_near_and_other_stories_are_far():
    assert distance(fingerprint("", ENGLISH)[0], fingerprint("", ENGLISH_EDIT)[0]) <= MAX_DISTANCE
    assert distance(fingerprint("", STORY)[0], fingerprint("", OTHER)[0]) > MAX_DISTANCE + 8
    assert distance(fingerprint("", STORY)[0], fingerprint("", ENGLISH)[0]) > MAX_DISTANCE + 8


def test_assign_story_reuses_the_nearest_candidate():
    original, _ = fingerprint("", STORY)
    copy, _ = fingerprint("", TRADITIONAL)
    other, _ = fingerprint("", OTHER)
    candidates = [
        {"article_id": "o1", "story_id": "story-other", "story_fingerprint": other, "source": "x"},
        {"article_id": "a1", "story_id": "story-shanxi", "story_fingerprint": original, "source": "gov"},
        {"article_id": "bad", "story_id": None, "story_fingerprint": copy, "source": "y"},
        "not a dict",
        {"article_id": "bad2", "story_id": "story-bad", "story_fingerprint": "zz", "source": "z"},
    ]
    assert assign_story("a2", copy, candidates) == "story-shanxi"
    assert assign_story("a3", other, candidates[1:]) == "a3"
    assert assign_story("a4", copy, []) == "a4"
    assert assign_story("a5", copy, None) == "a5"


@pytest.mark.parametrize(("title", "text"), [("", ""), (None, None), ("x", "\x00\xff" * 10), ("t", "区块链" * 2_000_000)])
def test_fingerprint_never_raises(title, text):
    value, bands = fingerprint(title, text)  # type: ignore[arg-type]
    assert len(value) == 16


def test_empty_articles_never_share_a_story():
    value, bands = fingerprint("", "")
    assert (value, bands) == (EMPTY, [])
    assert assign_story("e2", value, [{"article_id": "e1", "story_id": "e1", "story_fingerprint": EMPTY}]) == "e2"


class _NoNative:
    """A hasher that leaves every text to the Python path."""

    def simhash(self, text):
        return None


# Characters of every kind a fingerprint meets: ASCII words and digits, separators,
# ideographs in both scripts, full-width forms, Latin letters with and without marks,
# Greek, Roman numerals, a combining mark, Arabic-Indic digits, and an emoji (past the
# plane: always the Python path).
POOL = "abcXYZ09 ,.\n_区块链試點，。“”ＡＢｃ１ÉéßΣσⅠⅱİ\u0301٣👍"


def test_the_native_fingerprint_is_the_python_one(monkeypatch):
    rng = random.Random(3)
    texts = [STORY, REPRINT, TRADITIONAL, OTHER, ENGLISH, ENGLISH_EDIT, "區" * 50]
    texts += ["".join(rng.choice(POOL) for _ in range(rng.randint(0, 80))) for _ in range(2000)]
    native = [fingerprint("标题", text) for text in texts]
    hashed = sum(stories._HASHER.simhash(text) is not None for text in texts)
    monkeypatch.setattr(stories, "_HASHER", _NoNative())
    assert [fingerprint("标题", text) for text in texts] == native
    assert 500 < hashed < len(texts), "both paths should be taken"
