"""Client construction from settings: the only place that knows about credentials.

Every process builds its Kafka and Elasticsearch clients here, so TLS and
authentication apply everywhere alike, and secrets are never logged (``describe``
prints them redacted).
"""

from __future__ import annotations

from typing import Any

import settings


def kafka_config() -> dict[str, Any]:
    """Connection options shared by kafka-python producers, consumers and admin clients."""
    config: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in settings.KAFKA_BOOTSTRAP_SERVERS.split(",") if s.strip()],
        "security_protocol": settings.KAFKA_SECURITY_PROTOCOL,
        "client_id": "policywatch",
    }
    if settings.KAFKA_SASL_MECHANISM:
        config.update(
            sasl_mechanism=settings.KAFKA_SASL_MECHANISM,
            sasl_plain_username=settings.KAFKA_SASL_USERNAME,
            sasl_plain_password=settings.KAFKA_SASL_PASSWORD,
        )
    for option, value in (("ssl_cafile", settings.KAFKA_SSL_CAFILE),
                          ("ssl_certfile", settings.KAFKA_SSL_CERTFILE),
                          ("ssl_keyfile", settings.KAFKA_SSL_KEYFILE)):
        if value:
            config[option] = value
    return config


def elasticsearch_client(url: str | None = None):
    """An Elasticsearch client for ``url`` (default ELASTICSEARCH_URL) with the
    configured authentication, CA certificate and timeout."""
    from elasticsearch import Elasticsearch

    options: dict[str, Any] = {
        "request_timeout": settings.ELASTICSEARCH_REQUEST_TIMEOUT_S,
        "verify_certs": settings.ELASTICSEARCH_VERIFY_CERTS,
    }
    if settings.ELASTICSEARCH_API_KEY:
        options["api_key"] = settings.ELASTICSEARCH_API_KEY
    elif settings.ELASTICSEARCH_USERNAME:
        options["basic_auth"] = (settings.ELASTICSEARCH_USERNAME, settings.ELASTICSEARCH_PASSWORD)
    if settings.ELASTICSEARCH_CA_CERTS:
        options["ca_certs"] = settings.ELASTICSEARCH_CA_CERTS
    return Elasticsearch(url or settings.ELASTICSEARCH_URL, **options)


def index_name(kind: str) -> str:
    """The alias (or index) name for one kind of stored thing, e.g. ``articles``."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{kind}"


def redact(value: str) -> str:
    """A secret as it may appear in output: whether it is set, never what it is."""
    return "(set, hidden)" if value else "(not set)"
