"""Decoding pages whose charset labels cannot be trusted.

Chinese portals label GBK pages as GB2312 (which lacks many characters in use), serve
GBK under a "utf-8" label, or label nothing at all. GB18030 is a superset of GB2312 and
GBK, so any GB-family label decodes as GB18030; a page that fails strict decoding under
its label is tried as UTF-8 and then GB18030 before falling back to replacement
characters.
"""

from __future__ import annotations

import codecs
import re

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz-gb-2312", "x-gbk", "cp936", "euc-cn", "gb_2312-80",
              "iso-ir-58", "csgb2312", "chinese"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_-]+)", re.IGNORECASE)


def normalise_label(label: str | None) -> str | None:
    """The codec to use for a declared charset label, or None if unknown/absent."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(content_type: str | None, body: bytes) -> str | None:
    """The charset from the Content-Type header, else from a <meta> in the first 4 KB."""
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            return match.group(1)
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def choose_encoding(body: bytes, content_type: str | None = None, forced: str | None = None) -> str:
    """The encoding that decodes ``body`` cleanly, preferring a forced one, then the
    declared label (GB family -> GB18030), then UTF-8, then GB18030."""
    candidates = [normalise_label(forced), normalise_label(declared_charset(content_type, body)),
                  "utf-8", "gb18030"]
    tried = []
    for encoding in candidates:
        if not encoding or encoding in tried:
            continue
        tried.append(encoding)
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return tried[0] if tried else "utf-8"
