"""Hits: lexicon phrases found in a folded text, by one pass of the compiled automaton."""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consumers.classifier.lexicon import Lexicon, Term

# A hit: a lexicon phrase found in the text, as a plain tuple (start, end, term). An
# article has hundreds: a named tuple costs a Python-level constructor call per hit (about
# half the scan's time) and slower field access everywhere after; loops unpack it
# (``for start, end, term in hits``) or index it (hit[0] start, hit[1] end, hit[2] term).
Hit = tuple[int, int, "Term"]

START = operator.itemgetter(0)
END = operator.itemgetter(1)


def scan(lex: Lexicon, folded: str) -> dict[str, list[Hit]]:
    """Every lexicon phrase in ``folded``, grouped by kind of term (signals by group:
    lexicon.bucket); ASCII phrases only as whole words (a plural ``s`` may follow). A
    text without any anchor phrase (a name of blockchain, crypto assets, a CBDC:
    lexicon.ANCHOR_GROUPS) cannot be relevant: its hits of lexicon.CONTENT_KINDS are not
    made. Each list is in the automaton's order, by end (a rule may bisect the ends).
    The loop over the matches is the native scanner's (native/scan): hundreds per article."""
    return defaultdict(list, zip(lex.buckets, lex.scanner.scan(folded)))


_ENDINGS = re.compile(r"(?:ies|ing|ed|es|s|y)$")


@functools.lru_cache(maxsize=8192)
def lemma(phrase: str) -> str:
    """An English phrase without its last inflection (fund, funds, funding; regulate,
    regulated): word forms of one phrase are one piece of evidence. Chinese is unchanged."""
    if not phrase.isascii() or len(phrase) < 5:
        return phrase
    return _ENDINGS.sub("", phrase.rstrip("e")) if not phrase.endswith("ss") else phrase


def by_start_longest_first(hits: list[Hit]) -> list[Hit]:
    """``hits`` sorted by start, the longest first among those starting together (equal
    spans keep their order). Two stable sorts on C-level keys: a key function making a
    tuple per hit costs more than both."""
    return sorted(sorted(hits, key=END, reverse=True), key=START)


def outermost(hits: list[Hit]) -> list[Hit]:
    """``hits`` without those inside a longer one (工业 inside 工业和信息化厅, supply
    chain inside supply chain finance): the longer phrase says what is meant."""
    kept: list[Hit] = []
    reach = -1
    for hit in by_start_longest_first(hits):
        start, end, _ = hit
        if end > reach:
            kept.append(hit)
            reach = end
        elif start == kept[-1][0] and end == kept[-1][1]:
            kept.append(hit)  # the same phrase under another label
    return kept
