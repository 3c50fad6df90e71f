"""The network and disk probes of ``policywatch doctor``.

Each probe takes plain connection values (or an already-built client), tries the one
thing it checks with a short timeout, and returns CheckResults that say what failed and
how to fix it. Probes never raise: a probe that cannot connect is a FAIL line.
"""

from __future__ import annotations

import os
import smtplib
import sqlite3
import ssl
from pathlib import Path
from typing import Any

from policywatch.ops import kibana
from policywatch.ops.checks import CheckResult, failed, passed, skipped

_BOOTSTRAP_HINT = "run `policywatch bootstrap` (creates topics, index templates and the alias)"


def kafka(config: dict[str, Any], topics: list[str], timeout_s: float = 5.0) -> list[CheckResult]:
    """Connect with the shared client options and check the pipeline's topics exist."""
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    servers = ",".join(config.get("bootstrap_servers", []))
    try:
        admin = KafkaAdminClient(**config, bootstrap_timeout_ms=int(timeout_s * 1000),
                                 request_timeout_ms=int(timeout_s * 1000))
    except (KafkaError, OSError, ValueError) as exc:
        return [failed("kafka", f"cannot connect to {servers}: {type(exc).__name__}: {exc}",
                       "start the brokers or fix KAFKA_BOOTSTRAP_SERVERS; with TLS/SASL check "
                       "KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_CAFILE")]
    try:
        existing = set(admin.list_topics())
    except KafkaError as exc:
        return [failed("kafka", f"connected to {servers} but cannot list topics: {exc}",
                       "grant the client's user Describe on the cluster and the topics")]
    finally:
        admin.close()
    missing = [topic for topic in topics if topic not in existing]
    results = [passed("kafka", f"connected to {servers}")]
    if missing:
        results.append(failed("kafka topics", f"missing: {', '.join(missing)}", _BOOTSTRAP_HINT))
    else:
        results.append(passed("kafka topics", ", ".join(topics)))
    return results


def elasticsearch(client: Any, url: str, alias: str) -> list[CheckResult]:
    """Cluster health (``GET /`` is not used: some distributions refuse it) and the
    articles alias."""
    from elasticsearch import ApiError, TransportError

    try:
        health = client.cluster.health(timeout="5s")
    except ApiError as exc:
        fix = ("check ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME/PASSWORD; the app's user needs "
               "the role in deploy/elasticsearch/roles/policywatch_writer.json") if exc.meta.status in (401, 403) \
            else "look at the Elasticsearch server log"
        return [failed("elasticsearch", f"{url} answered {exc.meta.status}: {exc.message}", fix)]
    except TransportError as exc:
        return [failed("elasticsearch", f"cannot reach {url}: {type(exc).__name__}: {exc.message}",
                       "start Elasticsearch or fix ELASTICSEARCH_URL; with TLS set ELASTICSEARCH_CA_CERTS")]
    status = health.get("status")
    cluster = f"cluster {health.get('cluster_name')} at {url}: status {status}, {health.get('number_of_nodes')} node(s)"
    results = [failed("elasticsearch", cluster, "status red: some primary shards are unassigned; "
                      "see GET _cluster/allocation/explain") if status == "red" else passed("elasticsearch", cluster)]
    try:
        present = bool(client.indices.exists_alias(name=alias))
    except (ApiError, TransportError) as exc:
        return results + [failed("elasticsearch alias", f"cannot look up alias {alias}: {exc}",
                                 "grant the user view_index_metadata on policywatch-*")]
    results.append(passed("elasticsearch alias", alias) if present
                   else failed("elasticsearch alias", f"alias {alias} does not exist", _BOOTSTRAP_HINT))
    return results


def smtp(host: str, port: int, tls: str = "starttls", username: str = "", password: str = "",
         timeout_s: float = 5.0) -> CheckResult:
    """Connect, greet, upgrade to TLS as SMTP_TLS says, and log in when a user is
    configured (no mail is sent)."""
    if not host:
        return skipped("smtp", "SMTP_HOST not set: digests are written to the outbox folder")
    try:
        connection = (smtplib.SMTP_SSL(host, port, timeout=timeout_s, context=ssl.create_default_context())
                      if tls == "ssl" else smtplib.SMTP(host, port, timeout=timeout_s))
        with connection:
            connection.ehlo()
            if tls == "starttls":
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if username:
                connection.login(username, password)
    except smtplib.SMTPAuthenticationError as exc:
        return failed("smtp", f"{host}:{port} refused the login: {exc.smtp_code}",
                      "check SMTP_USER and SMTP_PASSWORD")
    except smtplib.SMTPNotSupportedError as exc:
        return failed("smtp", f"{host}:{port} does not offer what SMTP_TLS={tls} needs: {exc}",
                      "set SMTP_TLS to what the server speaks: starttls, ssl (port 465) or none")
    except (OSError, smtplib.SMTPException) as exc:
        return failed("smtp", f"cannot talk to {host}:{port} (SMTP_TLS={tls}): {type(exc).__name__}: {exc}",
                      "start the mail server or fix SMTP_HOST/SMTP_PORT; SMTP_TLS must match the port "
                      "(starttls: 587, ssl: 465, none: a local relay)")
    return passed("smtp", f"{host}:{port} answered" + (" and accepted the login" if username else ""))


def kibana_status(url: str, headers: dict[str, str], ca_certs: str = "", verify: bool = True,
                  timeout_s: float = 5.0) -> CheckResult:
    if not url:
        return skipped("kibana", "KIBANA_URL not set (dashboards are optional)")
    try:
        status = kibana.request_json("GET", f"{url.rstrip('/')}/api/status", headers, ca_certs=ca_certs,
                                     verify=verify, timeout_s=timeout_s)
    except kibana.KibanaError as exc:
        return failed("kibana", str(exc), exc.fix)
    level = (status.get("status") or {}).get("overall", {}).get("level", "unknown")
    version = (status.get("version") or {}).get("number", "?")
    if level != "available":
        return failed("kibana", f"Kibana {version} at {url} is {level}", "look at Kibana's log; it waits for Elasticsearch")
    return passed("kibana", f"Kibana {version} at {url} is available")


def data_dir(path: Path) -> CheckResult:
    """The embedded data folder exists and is writable, or can be created."""
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return failed("data dir", f"{path} cannot be written (nearest existing folder: {existing})",
                      "set POLICYWATCH_DATA_DIR to a folder this user can write")
    return passed("data dir", f"{path} is writable" if existing == path else f"{path} will be created")


def sqlite_db(path: Path) -> CheckResult:
    """The embedded SQLite database opens read-only and passes a quick integrity check."""
    if not path.exists():
        return passed("sqlite", f"{path} does not exist yet (created on first run)")
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return failed("sqlite", f"{path}: {exc}",
                      "is EMBEDDED_DB_PATH a SQLite file this user can read? restore it from a backup if corrupt")
    if verdict != "ok":
        return failed("sqlite", f"{path}: integrity check says {verdict}", "restore the database from a backup")
    return passed("sqlite", f"{path} ok ({tables} tables)")
