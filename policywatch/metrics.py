"""Prometheus metrics endpoint for long-running processes.

Each part defines its own metrics next to the code that counts them (names start with
``policywatch_``); this module only exposes the default registry over HTTP when
METRICS_PORT is set, and lists the metric names ops can rely on in
deploy/prometheus/alerts.yml.
"""

import logging

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


def serve(port: int) -> None:
    """Expose /metrics on ``port`` (0 = off) in a background thread."""
    if port:
        start_http_server(port, addr="0.0.0.0")
        log.info("metrics endpoint up", extra={"port": port})
