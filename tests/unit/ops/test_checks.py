"""Doctor's pure parts: configuration checks, redaction, rendering, exit code."""

import pytest

from policywatch.ops import checks

_BASE = {"KAFKA_BOOTSTRAP_SERVERS": "", "ELASTICSEARCH_URL": "", "METRICS_PORT": 0}


def _only(results, name):
    (result,) = [r for r in results if r.name == name]
    return result


def test_embedded_mode_is_reported_and_passes():
    results = checks.configuration_checks(_BASE)
    assert [(r.name, r.status) for r in results] == [("config: mode", "OK")]
    assert "embedded" in results[0].detail


@pytest.mark.parametrize("values, fragment", [
    ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "is unknown"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "needs KAFKA_SASL_MECHANISM"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
      "KAFKA_SASL_USERNAME": "pw"}, "needs a user name and a password"),
    ({"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT", "KAFKA_SASL_MECHANISM": "PLAIN"}, "is ignored"),
    ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": "/nowhere/ca.pem"}, "file not found"),
])
def test_inconsistent_kafka_security_fails_with_a_fix(values, fragment):
    result = _only(checks.configuration_checks({**_BASE, "KAFKA_BOOTSTRAP_SERVERS": "k:9092", **values},
                                               file_exists=lambda p: False), "config: kafka security")
    assert result.status == "FAIL" and fragment in result.detail and result.fix


def test_good_sasl_settings_pass_and_hide_the_password():
    result = _only(checks.configuration_checks({
        **_BASE, "KAFKA_BOOTSTRAP_SERVERS": "k:9093", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": "policywatch",
        "KAFKA_SASL_PASSWORD": "hunter2-kafka", "KAFKA_SSL_CAFILE": "/ca.pem"}, file_exists=lambda p: True),
        "config: kafka security")
    assert result.status == "OK"
    assert "hunter2-kafka" not in result.detail and "KAFKA_SASL_PASSWORD=(set, hidden)" in result.detail


@pytest.mark.parametrize("values, fragment", [
    ({"ELASTICSEARCH_URL": "elasticsearch:9200"}, "not an http(s) URL"),
    ({"ELASTICSEARCH_URL": "https://es:9200", "ELASTICSEARCH_USERNAME": "pw"}, "without ELASTICSEARCH_PASSWORD"),
    ({"ELASTICSEARCH_URL": "https://es:9200", "ELASTICSEARCH_CA_CERTS": "/no/ca.crt"}, "file not found"),
])
def test_inconsistent_elasticsearch_security_fails_with_a_fix(values, fragment):
    result = _only(checks.configuration_checks({**_BASE, **values}, file_exists=lambda p: False),
                   "config: elasticsearch security")
    assert result.status == "FAIL" and fragment in result.detail and result.fix


def test_elasticsearch_api_key_and_url_password_are_redacted():
    result = _only(checks.configuration_checks({
        **_BASE, "ELASTICSEARCH_URL": "https://app:s3cret-url@es:9200", "ELASTICSEARCH_API_KEY": "a2V5OnNlY3JldA==",
        "ELASTICSEARCH_VERIFY_CERTS": False}), "config: elasticsearch security")
    assert result.status == "OK"
    assert "s3cret-url" not in result.detail and "a2V5OnNlY3JldA==" not in result.detail
    assert "(set, hidden)" in result.detail and "verification OFF" in result.detail


def test_metrics_port_out_of_range_fails():
    assert _only(checks.configuration_checks({**_BASE, "METRICS_PORT": 70000}), "config: metrics").status == "FAIL"


def test_secret_values_come_from_secret_names_only():
    values = {"SMTP_PASSWORD": "pw1", "ELASTICSEARCH_API_KEY": "key-longer", "ALERTS_UNSUBSCRIBE_SECRET": "",
              "SMTP_USER": "alice", "KAFKA_SASL_PASSWORD": "pw1"}
    assert checks.secret_values(values) == ["key-longer", "pw1"]


def test_render_scrubs_secrets_shows_fixes_and_counts_failures():
    results = [checks.passed("config: mode", "embedded"),
               checks.failed("smtp", "login as alice with topsecret refused", "check SMTP_PASSWORD"),
               checks.skipped("kibana", "KIBANA_URL not set")]
    text = checks.render(results, ["topsecret"])
    assert "topsecret" not in text and "(set, hidden)" in text
    assert "FAIL  smtp" in text and "fix: check SMTP_PASSWORD" in text and "SKIP  kibana" in text
    assert text.endswith("1 check(s) failed")
    assert checks.exit_code(results) == 1
    assert checks.exit_code([results[0], results[2]]) == 0


def test_snapshot_takes_uppercase_names_only():
    class Module:
        KAFKA_TOPIC_RAW = "raw"
        _private = 1
        helper = 2

    assert checks.settings_snapshot(Module) == {"KAFKA_TOPIC_RAW": "raw"}
