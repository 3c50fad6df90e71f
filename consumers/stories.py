"""Near-duplicate detection: one ``story_id`` for the syndicated copies of a story.

Chinese media reprint a story many times, on other sites, lightly edited, in traditional
or simplified characters. ``fingerprint`` gives a 64-bit SimHash of the article's text
(folded the way the classifier folds it, so traditional and simplified copies agree) and
the band keys under which the store looks up earlier copies; ``assign_story`` picks the
story of the nearest earlier copy, or starts a new one. Both are pure and never raise.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from typing import Any, Iterable

from consumers.classifier.native import SimHasher
from consumers.classifier.normalise import clean, fold, fold_codes

BITS = 64
BANDS = 8
BAND_BITS = BITS // BANDS
# Copies within this many differing bits are the same story: a reprint that drops a
# sentence of a short item differs in about 10 bits, unrelated stories in 25-40. With 8
# bands of 8 bits, copies up to 7 bits apart always share a band (pigeonhole), copies
# 12 bits apart still do in about four cases out of five. The store ranks candidates by
# shared bands, so the many chance matches of one 8-bit band rank last.
MAX_DISTANCE = 12
# Below this many shingles the SimHash says little; an exact-content hash is used instead.
MIN_SHINGLES = 8
SHINGLE = 3
MAX_CHARS = 50_000
# The fingerprint of an article with no words: it never joins a story.
EMPTY = "0" * 16

# A token is an ASCII word or one ideograph/letter of another script.
_WORD = "[a-z0-9]+"
_CHARACTER = r"[^\W_a-z0-9]"
_TOKEN = re.compile(f"{_WORD}|{_CHARACTER}")
# _BIT_OF[b] maps a byte to its bit b (0 or 1): translating a column of hash bytes
# with it and counting the ones counts that bit across all shingles, in C.
_BIT_OF = [bytes((value >> bit) & 1 for value in range(256)) for bit in range(8)]


def _simhash(shingles: set[str]) -> int:
    crc = zlib.crc32
    # Two CRC-32s with different seeds make a stable 64-bit hash per shingle.
    hashes = [crc(e) << 32 | crc(e, 0x9E3779B9) for e in map(str.encode, shingles)]
    lanes = len(hashes)
    packed = struct.pack(f">{lanes}Q", *hashes)
    value = 0
    for column in range(8):  # byte 0 of each big-endian hash holds bits 56-63
        column_bytes = packed[column::8]
        low_bit = (7 - column) * 8
        for bit, bit_of in enumerate(_BIT_OF):
            if 2 * column_bytes.translate(bit_of).count(1) > lanes:
                value |= 1 << (low_bit + bit)
    return value


def _character_tokens() -> bytes:
    """One byte per code point of the Basic Multilingual Plane: 1 where the character is
    a token of its own (``_CHARACTER``, by the regex itself, so the two agree)."""
    flags = bytearray(0x10000)
    for found in re.finditer(_CHARACTER, "".join(map(chr, range(0x10000)))):
        flags[found.start()] = 1
    return bytes(flags)


# fold + _TOKEN + shingles + _simhash, natively, where every character is in the plane
# (most texts; the others take the Python path below, which gives the same value): 89
# against 1,173 us per 5 KB article, a thirteenth
_HASHER = SimHasher(fold_codes(), _character_tokens(), SHINGLE)


def bands(value: int) -> list[str]:
    """Band keys of a fingerprint: ``b<i>:<BAND_BITS bits as hex>``."""
    mask = (1 << BAND_BITS) - 1
    width = BAND_BITS // 4
    return [f"b{i}:{(value >> (i * BAND_BITS)) & mask:0{width}x}" for i in range(BANDS)]


def fingerprint(title: str, text: str) -> tuple[str, list[str]]:
    """SimHash (16 hex digits) of the article and its band keys."""
    try:
        body = clean(text, MAX_CHARS)
        native = _HASHER.simhash(body)
        if native is not None and native[0] >= MIN_SHINGLES + SHINGLE and native[1] >= MIN_SHINGLES:
            return f"{native[2]:016x}", bands(native[2])
        tokens = _TOKEN.findall(fold(body))
        if len(tokens) < MIN_SHINGLES + SHINGLE:
            tokens = _TOKEN.findall(fold(clean(title, 2_000) + " " + body))
        shingles = set(map("".join, zip(*(tokens[i:] for i in range(SHINGLE)))))
        if not tokens:
            return EMPTY, []
        if len(shingles) >= MIN_SHINGLES:
            value = _simhash(shingles)
        else:
            value = int.from_bytes(hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).digest(), "big")
    except Exception:  # never stop the consumer over a fingerprint; a new story is fine
        return EMPTY, []
    return f"{value:016x}", bands(value)


def distance(left_hex: str, right_hex: str) -> int:
    """Hamming distance of two fingerprints; BITS + 1 when either is not one."""
    try:
        return (int(left_hex, 16) ^ int(right_hex, 16)).bit_count()
    except (TypeError, ValueError):
        return BITS + 1


def assign_story(article_id: str, fingerprint_hex: str, candidates: Iterable[dict[str, Any]] | None) -> str:
    """The story of the nearest candidate within MAX_DISTANCE, else a new story named
    after the article. Candidates are documents from ``ArticleStore.story_candidates``."""
    best: tuple[int, str] | None = None
    if distance(fingerprint_hex, EMPTY) in (0, BITS + 1):
        return str(article_id)
    for candidate in candidates or ():
        if not isinstance(candidate, dict):
            continue
        story_id = candidate.get("story_id")
        if not isinstance(story_id, str) or not story_id:
            continue
        gap = distance(fingerprint_hex, candidate.get("story_fingerprint"))
        if gap <= MAX_DISTANCE and (best is None or (gap, story_id) < best):
            best = (gap, story_id)
    if best is not None:
        return best[1]
    return str(article_id)
