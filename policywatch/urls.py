"""Canonical URLs and the article id derived from them.

The article id is the Kafka record key and the Elasticsearch ``_id``: the same article
reached through a tracking link, another parameter order or an ``http`` link gets the
same id, so re-delivery overwrites instead of duplicating.
"""

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that never change what a page says.
_TRACKING_PREFIXES = ("utm_", "spm", "from", "share", "wxshare", "scene", "isappinstalled")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, https for http, no fragment, default port, tracking
    parameters or trailing '?'; remaining query parameters sorted."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ) if parts.query else ()
    path = parts.path or "/"
    return urlunsplit(("https", host, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """Stable id of the article at ``url`` (32 hex characters of SHA-256)."""
    return id_of_canonical(canonical_url(url))


def id_of_canonical(canonical: str) -> str:
    """``article_id`` of a URL already made canonical (spares canonicalising it twice)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
