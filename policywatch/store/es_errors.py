"""Elasticsearch failures mapped to policywatch's error kinds, at the adapter boundary.

Retrying helps when the server is down, slow, overloaded (429), short of a shard, or
refuses writes for a while (a write block during ``es migrate``, a flood-stage disk,
the alias missing until bootstrap runs or a closed index is opened again). Anything
else (a document the mapping refuses, a malformed request) fails the same way on
every retry and is permanent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, TransportError

from policywatch.errors import PermanentError, TransientError

# Error types (bulk items and API errors) that a later retry can clear.
TRANSIENT_TYPES = frozenset({
    "cluster_block_exception",
    "index_not_found_exception",
    "index_closed_exception",
    "es_rejected_execution_exception",
    "circuit_breaking_exception",
    "unavailable_shards_exception",
    "no_shard_available_action_exception",
    "process_cluster_event_timeout_exception",
    "node_not_connected_exception",
    "node_closed_exception",
    "timeout_exception",
})


def is_transient(status: int | None, error_type: str | None) -> bool:
    if error_type in TRANSIENT_TYPES:
        return True
    return status is not None and (status == 429 or status >= 500)


def error_type(body: object) -> str | None:
    """The ``type`` of an Elasticsearch error body (API response or bulk item)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return inner.get("type")
    return None


def translate(exc: Exception, what: str) -> Exception:
    """The policywatch error for a failure of ``what`` (an action, for the message)."""
    if isinstance(exc, (ConnectionError, ConnectionTimeout)):
        return TransientError(f"{what}: Elasticsearch unreachable or slow: {exc}")
    if isinstance(exc, ApiError):
        kind = error_type(exc.body)
        message = f"{what}: Elasticsearch answered {exc.meta.status} {kind or exc.message}"
        if is_transient(exc.meta.status, kind):
            return TransientError(message)
        return PermanentError(message)
    if isinstance(exc, TransportError):
        return TransientError(f"{what}: Elasticsearch transport error: {exc}")
    return exc


@contextmanager
def mapped_errors(what: str) -> Iterator[None]:
    """Run a block of client calls, re-raising library errors as policywatch errors."""
    try:
        yield
    except (ApiError, TransportError) as exc:
        raise translate(exc, what) from exc
