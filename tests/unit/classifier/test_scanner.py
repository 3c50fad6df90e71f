"""The native part (native/scan): the scanner's offsets in characters, whole words, anchors
and validation; the lowering behind lower_same_length against str.lower; the SimHasher's
validation (its values against the Python path: test_stories.py)."""

from __future__ import annotations

import random

import pytest

from consumers.classifier import lexicon
from consumers.classifier.hits import scan
from consumers.classifier.native import Scanner, SimHasher, lower_plain
from consumers.classifier.normalise import fold, lower_same_length

# Two buckets: 0 for the anchor phrase, 1 for the others; terms are plain strings here.
PATTERNS = ["区块链", "块链", "bank", "pilot zone", "试点"]
FULL = [[(0, "anchor")], [(1, "inner")], [(1, "bank"), (0, "bank-as-anchor")], [(1, "pilot")], [(1, "pilot-zh")]]
CORE = [[(0, "anchor")], [], [(1, "bank")], [(1, "pilot")], []]
WORDS = [False, False, True, True, False]
ANCHORS = [True, False, False, False, False]


@pytest.fixture(scope="module")
def scanner():
    return Scanner(PATTERNS, FULL, CORE, WORDS, ANCHORS, 2)


def test_offsets_are_characters_whatever_the_bytes(scanner):
    text = "🙂é中文，区块链试点bank"  # 4-, 2- and 3-byte characters before the phrases
    anchors, others = scanner.scan(text)
    assert anchors == [(5, 8, "anchor"), (10, 14, "bank-as-anchor")]
    assert others == [(6, 8, "inner"), (8, 10, "pilot-zh"), (10, 14, "bank")]
    phrase_of = {term: PATTERNS[i] for i, payload in enumerate(FULL) for _, term in payload}
    for start, end, term in anchors + others:
        assert text[start:end] == phrase_of[term]


def test_hits_are_in_order_of_end_and_overlap(scanner):
    _, others = scanner.scan("试点区块链试点")
    assert [hit[1] for hit in others] == sorted(hit[1] for hit in others)
    assert ("inner" in [hit[2] for hit in others]) and len(others) == 3


@pytest.mark.parametrize("text, found", [
    ("the bank said", True), ("banks lend", True), ("bank.", True), ("bank", True),
    ("banking rules", False), ("abank", False), ("bank2", False), ("banksy art", False),
    ("中国bank中", True), ("a pilot zones plan", True), ("pilot zoned", False),
])
def test_ascii_phrases_stand_as_whole_words(scanner, text, found):
    _, others = scanner.scan("区块链 " + text)
    assert any(hit[2] in ("bank", "pilot") for hit in others) is found


def test_a_text_without_an_anchor_gets_the_core_hits_only(scanner):
    assert scanner.scan("试点 bank") == [[], [(3, 7, "bank")]]
    # an anchor anywhere (not only a whole word) makes every hit
    assert scanner.scan("试点 bank 区块链")[1] == [(0, 2, "pilot-zh"), (3, 7, "bank"), (9, 11, "inner")]


def test_empty_and_unmatched_texts(scanner):
    assert scanner.scan("") == [[], []]
    assert scanner.scan("\x00\ufffd nothing here") == [[], []]


@pytest.mark.parametrize("change, message", [
    (dict(words=[True]), "per pattern"),
    (dict(full=[[(2, "x")]] + FULL[1:]), "slot"),
    (dict(patterns=[""] + PATTERNS[1:]), "empty pattern"),
])
def test_bad_tables_are_refused(change, message):
    arguments = dict(patterns=PATTERNS, full=FULL, core=CORE, words=WORDS, anchors=ANCHORS, slots=2) | change
    with pytest.raises(ValueError, match=message):
        Scanner(*arguments.values())


def test_the_lexicon_scan_finds_traditional_spellings_at_their_offsets():
    lex = lexicon()
    text = lower_same_length("廣東省發布區塊鏈試點方案")
    hits = scan(lex, text)
    assert [(h[0], h[1]) for h in hits["signal:blockchain"]] == [(5, 8)]
    assert "Guangdong" in {region for h in hits["place"] for region in h[2].labels}
    assert lex.scanner.memory_usage > 0


# Characters of every kind lower_same_length meets: ASCII, CJK and its punctuation,
# full-width forms (capitals among them), Latin-1 letters, Greek, Roman numerals, emoji,
# and the Turkish dotted capital I, whose lower case is two characters.
POOL = ("abcXYZ09 ,.\n\t" "区块链試點，。“”—…" "ＡＢｃ１！（）" "ÉéÀßµ×" "ΣσΑ" "Ⅰⅱ" "🙂" "İ")


def test_lower_same_length_is_str_lower_or_fold():
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 12)))
        lowered = text.lower()
        expected = lowered if len(lowered) == len(text) else fold(text)
        assert lower_same_length(text) == expected, text
        assert len(lower_same_length(text)) == len(text)


@pytest.mark.parametrize("low, high", [(0x00, 0x7F), (0xA0, 0xBF), (0x2000, 0x206F), (0x3000, 0x9FFF), (0xFF00, 0xFFEF)])
def test_lower_plain_agrees_with_str_lower_on_every_character_it_takes(low, high):
    for code in range(low, high + 1):
        text = "中" + chr(code)  # in a two-byte string, as Chinese articles are
        for sample in (text, chr(code)):
            made = lower_plain(sample)
            if made is not None:
                assert made == sample.lower(), hex(code)
    assert lower_plain("ＡＢＣ") is None  # full-width capitals: str.lower's to fold


@pytest.mark.parametrize("text", ["Économie", "ΣΟΦΙΑ", "Ⅻ", "🙂 emoji", "İstanbul"])
def test_lower_plain_leaves_other_case_rules_to_str_lower(text):
    assert lower_plain(text) is None


def test_lower_plain_keeps_the_kind_of_string():
    assert lower_plain("ABC") == "abc" and lower_plain("ABC").isascii()
    assert lower_plain("«ABC»") == "«abc»"
    assert lower_plain("Blockchain 区块链") == "blockchain 区块链"


@pytest.mark.parametrize("fold_table, tokens, shingle, message", [
    ([0] * 10, bytes(0x10000), 3, "65536"),
    (list(range(0x10000)), bytes(0x10000), 0, "shingle"),
    ([0x110000] * 0x10000, bytes(0x10000), 3, "no character"),
])
def test_bad_simhash_tables_are_refused(fold_table, tokens, shingle, message):
    with pytest.raises(ValueError, match=message):
        SimHasher(fold_table, tokens, shingle)
