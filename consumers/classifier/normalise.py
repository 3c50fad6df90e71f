"""Fold text for matching, keeping every character's position.

Folding maps each character to exactly one character (traditional -> simplified Chinese,
full-width ASCII -> ASCII, ASCII upper -> lower case, control characters -> space), so
an offset found in the folded text is the same offset in the original and evidence can
quote the original words. The traditional -> simplified table is read from the
character dictionary of OpenCC (opencc-python-reimplemented, Apache-2.0) once at import;
phrase-level conversion is not needed for matching.
"""

from __future__ import annotations

import os
import re

import opencc

from consumers.classifier.native import lower_plain

# Past this many characters an article is long enough to have been classified from its
# start; this bounds the time a multi-megabyte input can take.
MAX_CHARS = 100_000


def _opencc_chars() -> dict[int, str]:
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    table: dict[int, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            target = targets.split(" ")[0]
            if len(source) == 1 and len(target) == 1:
                table[ord(source)] = target
    return table


def _table() -> dict[int, str]:
    table = _opencc_chars()
    for code in range(0x41, 0x5B):  # A-Z
        table[code] = chr(code + 32)
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII forms
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "  # ideographic space
    for code in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        if chr(code) != "\n":
            table[code] = " "
    for quote in "‘’＇`":
        table[ord(quote)] = "'"
    table[ord("\u00a0")] = " "
    table[ord("\ufffd")] = " "
    return table


# A list indexed by code point translates about four times faster than a dict; code
# points past the Basic Multilingual Plane are left as they are.
_TABLE: list[str] = [chr(code) for code in range(0x10000)]
for _code, _target in _table().items():
    if _code < 0x10000:
        _TABLE[_code] = _target
# Simplified character -> the traditional characters that fold to it.
_TRADITIONAL: dict[str, list[str]] = {}
for _code, _simple in _opencc_chars().items():
    if _code < 0x10000:
        _TRADITIONAL.setdefault(_simple, []).append(chr(_code))
MAX_VARIANTS = 64


def variants(phrase: str) -> list[str]:
    """``phrase`` (folded) and its traditional-character spellings: the forms a matcher
    must know to find it in unfolded text. Capped at MAX_VARIANTS, beyond which only
    the most usual traditional form is added."""
    forms = [""]
    for ch in phrase:
        options = [ch] + _TRADITIONAL.get(ch, [])
        if ch == "'":
            options.append("’")
        forms = [f + o for f in forms for o in options]
        if len(forms) > MAX_VARIANTS:
            usual = "".join((_TRADITIONAL.get(c) or [c])[0] for c in phrase)
            return [phrase, usual] if usual != phrase else [phrase]
    return forms


def lower_same_length(text: str) -> str:
    """ASCII-insensitive matching form of ``text`` with the same positions: ``lower()``
    unless it would change the length (a few non-ASCII letters). Where the only letters
    with case are ASCII (most articles), the native ``lower_plain`` lowers them without
    ``str.lower``'s Unicode case lookup per character (a tenth of the cost)."""
    lowered = lower_plain(text)
    if lowered is not None:
        return lowered
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else fold(text)


def fold(text: str) -> str:
    """The folded form of ``text``: same length, same positions."""
    return text.translate(_TABLE)


def fold_codes() -> list[int]:
    """The code point ``fold`` makes of each code point of the Basic Multilingual Plane
    (those past it stay as they are): the table a native folder needs."""
    return [ord(target) for target in _TABLE]


# Inline pinyin some pages put after each character, 產(chǎn)業(yè): it splits every word.
_PINYIN = re.compile(r"[(（][a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}[)）]")
_TONE_MARK = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def clean(value: object, limit: int = MAX_CHARS) -> str:
    """Any input as a bounded ``str``: bytes decoded leniently, surrogates and NULs dropped."""
    return clean_sized(value, limit)[0]


def clean_sized(value: object, limit: int = MAX_CHARS) -> tuple[str, int]:
    """``clean(value, limit)`` and its size in UTF-8 bytes: the check for lone surrogates
    encodes it anyway, so the classifier need not encode the text again to measure it."""
    if value is None:
        return "", 0
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value[: limit * 4]).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    value = value[:limit]
    if value.isascii():
        return value, len(value)
    try:  # only lone surrogates fail to encode: most texts need no round trip
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        encoded = value.encode("utf-8", errors="replace")
        value, size = encoded.decode("utf-8"), len(encoded)
    # pinyin stands in brackets: a text without any cannot have it (a quick test
    # before the regex looks at every character for a tone mark)
    if ("(" in value or "（" in value) and _TONE_MARK.search(value):
        value = _PINYIN.sub("", value)
        size = len(value.encode("utf-8"))
    return value, size
