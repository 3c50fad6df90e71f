"""``policywatch doctor``: which checks run for the configured deployment.

The thin shell around checks.py (pure) and probes.py (I/O): it reads settings once,
builds clients through policywatch.clients, and returns the results in order.
"""

from __future__ import annotations

import settings
from policywatch import clients, runtime
from policywatch.ops import checks, kibana, probes
from policywatch.ops.checks import CheckResult

# Short timeouts: doctor answers in seconds, even when every server is down.
_TIMEOUT_S = 5.0


def run_checks() -> list[CheckResult]:
    values = checks.settings_snapshot(settings)
    results = checks.configuration_checks(values)
    if runtime.uses_kafka():
        results += probes.kafka(clients.kafka_config(),
                                [settings.KAFKA_TOPIC_RAW, settings.KAFKA_TOPIC_CLASSIFIED, settings.KAFKA_TOPIC_DLQ],
                                timeout_s=_TIMEOUT_S)
    if runtime.uses_elasticsearch():
        from policywatch.store.es_layout import ArticleIndexNames

        client = clients.elasticsearch_client().options(request_timeout=_TIMEOUT_S, max_retries=0)
        try:
            results += probes.elasticsearch(client, settings.ELASTICSEARCH_URL,
                                            ArticleIndexNames(settings.ELASTICSEARCH_INDEX_PREFIX).alias)
        finally:
            client.close()
    if not (runtime.uses_kafka() and runtime.uses_elasticsearch()):
        # Something lives in the embedded database (the store or the dead letters).
        results.append(probes.data_dir(settings.POLICYWATCH_DATA_DIR))
        results.append(probes.sqlite_db(settings.EMBEDDED_DB_PATH))
    results.append(probes.smtp(settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_TLS, settings.SMTP_USER,
                               settings.SMTP_PASSWORD, timeout_s=_TIMEOUT_S))
    results.append(probes.kibana_status(settings.KIBANA_URL, kibana_headers(), settings.ELASTICSEARCH_CA_CERTS,
                                        settings.ELASTICSEARCH_VERIFY_CERTS, timeout_s=_TIMEOUT_S))
    return results


def kibana_headers() -> dict[str, str]:
    """Kibana takes the Elasticsearch credentials of this deployment."""
    return kibana.auth_headers(settings.ELASTICSEARCH_API_KEY, settings.ELASTICSEARCH_USERNAME,
                               settings.ELASTICSEARCH_PASSWORD)


def report() -> tuple[str, int]:
    """The printed report (secrets scrubbed) and the exit code."""
    results = run_checks()
    return checks.render(results, checks.secret_values(checks.settings_snapshot(settings))), checks.exit_code(results)
