"""What ``policywatch doctor`` reports: check results, the configuration checks, and
rendering with every secret scrubbed.

Everything here is pure: the configuration checks look at a plain dict of setting
values (``settings_snapshot``), so they are tested without touching the environment.
The network probes live in probes.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from policywatch.clients import redact

OK, FAIL, SKIP = "OK", "FAIL", "SKIP"

# Setting names whose values are secrets: shown as "(set, hidden)", and scrubbed from
# any text doctor prints (an exception message may echo a URL or a header).
_SECRET_NAME = re.compile(r"PASSWORD|API_KEY|SECRET|TOKEN")
_KAFKA_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
_SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI")


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # OK | FAIL | SKIP
    detail: str
    fix: str = ""


def passed(name: str, detail: str) -> CheckResult:
    return CheckResult(name, OK, detail)


def failed(name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(name, FAIL, detail, fix)


def skipped(name: str, detail: str) -> CheckResult:
    return CheckResult(name, SKIP, detail)


def settings_snapshot(module: Any) -> dict[str, Any]:
    """Every UPPERCASE setting of a settings module, as a plain dict."""
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def is_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def secret_values(values: dict[str, Any]) -> list[str]:
    """The non-empty values of every secret setting, longest first (so a secret that
    contains another is replaced whole)."""
    found = {str(value) for name, value in values.items() if is_secret(name) and value}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by its redacted form."""
    for secret in secrets:
        text = text.replace(secret, redact(secret))
    return text


def shown(name: str, value: Any) -> str:
    """``NAME=value`` as doctor prints it: secrets redacted, URL passwords hidden."""
    if is_secret(name):
        return f"{name}={redact(str(value or ''))}"
    text = str(value)
    parts = urlsplit(text) if "://" in text else None
    if parts and parts.password:
        text = text.replace(f":{parts.password}@", f":{redact(parts.password)}@")
    return f"{name}={text}"


def render(results: list[CheckResult], secrets: Iterable[str] = ()) -> str:
    """One line per check (status, name, detail) and an indented fix under each FAIL."""
    width = max((len(r.name) for r in results), default=0)
    lines = []
    for result in results:
        lines.append(f"{result.status:<4}  {result.name:<{width}}  {result.detail}")
        if result.status == FAIL and result.fix:
            lines.append(f"{'':<4}  {'':<{width}}  fix: {result.fix}")
    failures = sum(r.status == FAIL for r in results)
    lines.append(f"{failures} check(s) failed" if failures else "all required checks passed")
    return scrub("\n".join(lines), list(secrets))


def exit_code(results: list[CheckResult]) -> int:
    return 1 if any(r.status == FAIL for r in results) else 0


def configuration_checks(values: dict[str, Any],
                         file_exists: Callable[[str], bool] = lambda p: Path(p).is_file()) -> list[CheckResult]:
    """Checks of the settings themselves, before any connection is tried."""
    kafka = bool(values.get("KAFKA_BOOTSTRAP_SERVERS"))
    elasticsearch = bool(values.get("ELASTICSEARCH_URL"))
    mode = {(True, True): "distributed (Kafka + Elasticsearch)", (False, False): "embedded (in-process + SQLite)",
            (True, False): "Kafka hand-off with the embedded SQLite store",
            (False, True): "in-process hand-off with the Elasticsearch store"}[(kafka, elasticsearch)]
    results = [passed("config: mode", mode)]
    if kafka:
        results.append(_kafka_security(values, file_exists))
    if elasticsearch:
        results.append(_elasticsearch_security(values, file_exists))
    port = values.get("METRICS_PORT", 0)
    if not 0 <= int(port) <= 65535:
        results.append(failed("config: metrics", f"METRICS_PORT={port} is not a port",
                              "set METRICS_PORT to 0 (off) or a free port such as 9400"))
    return results


def _missing_files(values: dict[str, Any], names: tuple[str, ...],
                   file_exists: Callable[[str], bool]) -> list[str]:
    return [f"{name}={values[name]}" for name in names if values.get(name) and not file_exists(values[name])]


def _kafka_security(values: dict[str, Any], file_exists: Callable[[str], bool]) -> CheckResult:
    name = "config: kafka security"
    protocol = values.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    mechanism = values.get("KAFKA_SASL_MECHANISM", "")
    if protocol not in _KAFKA_PROTOCOLS:
        return failed(name, f"KAFKA_SECURITY_PROTOCOL={protocol} is unknown",
                      f"use one of {', '.join(_KAFKA_PROTOCOLS)}")
    if protocol.startswith("SASL_"):
        if mechanism not in _SASL_MECHANISMS:
            return failed(name, f"{protocol} needs KAFKA_SASL_MECHANISM (got {mechanism or 'nothing'})",
                          f"set KAFKA_SASL_MECHANISM to one of {', '.join(_SASL_MECHANISMS)}")
        if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512") and not (
                values.get("KAFKA_SASL_USERNAME") and values.get("KAFKA_SASL_PASSWORD")):
            return failed(name, f"SASL {mechanism} needs a user name and a password",
                          "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
    elif mechanism:
        return failed(name, f"KAFKA_SASL_MECHANISM={mechanism} is ignored with {protocol}",
                      "set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SASL_PLAINTEXT), or unset the mechanism")
    missing = _missing_files(values, ("KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE"), file_exists)
    if missing:
        return failed(name, f"file not found: {', '.join(missing)}", "point the variable at a readable PEM file")
    detail = [f"KAFKA_SECURITY_PROTOCOL={protocol}"]
    if mechanism:
        detail += [f"KAFKA_SASL_MECHANISM={mechanism}", shown("KAFKA_SASL_USERNAME", values.get("KAFKA_SASL_USERNAME")),
                   shown("KAFKA_SASL_PASSWORD", values.get("KAFKA_SASL_PASSWORD"))]
    if protocol == "PLAINTEXT":
        detail.append("(no TLS, no authentication: fine on loopback, not across a network)")
    return passed(name, " ".join(detail))


def _elasticsearch_security(values: dict[str, Any], file_exists: Callable[[str], bool]) -> CheckResult:
    name = "config: elasticsearch security"
    url = values["ELASTICSEARCH_URL"]
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        return failed(name, f"{shown('ELASTICSEARCH_URL', url)} is not an http(s) URL",
                      "set ELASTICSEARCH_URL like https://elasticsearch:9200")
    if values.get("ELASTICSEARCH_USERNAME") and not values.get("ELASTICSEARCH_PASSWORD"):
        return failed(name, "ELASTICSEARCH_USERNAME is set without ELASTICSEARCH_PASSWORD",
                      "set ELASTICSEARCH_PASSWORD, or use ELASTICSEARCH_API_KEY instead")
    missing = _missing_files(values, ("ELASTICSEARCH_CA_CERTS",), file_exists)
    if missing:
        return failed(name, f"file not found: {', '.join(missing)}",
                      "point ELASTICSEARCH_CA_CERTS at the cluster's CA certificate (PEM)")
    if values.get("ELASTICSEARCH_API_KEY"):
        auth = shown("ELASTICSEARCH_API_KEY", values["ELASTICSEARCH_API_KEY"])
    elif values.get("ELASTICSEARCH_USERNAME"):
        auth = (f"{shown('ELASTICSEARCH_USERNAME', values['ELASTICSEARCH_USERNAME'])} "
                f"{shown('ELASTICSEARCH_PASSWORD', values.get('ELASTICSEARCH_PASSWORD'))}")
    else:
        auth = "no credentials"
    detail = f"{shown('ELASTICSEARCH_URL', url)} {auth}"
    if scheme == "https" and not values.get("ELASTICSEARCH_VERIFY_CERTS", True):
        detail += " (certificate verification OFF)"
    return passed(name, detail)
