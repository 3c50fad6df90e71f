"""Message headers, header injection, signed unsubscribe tokens, the outbox mailer."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from alerts import tokens
from alerts.mailer import OutboxMailer, SmtpMailer, build_message
from alerts.render import RenderedDigest
from policywatch.errors import DeliveryError

DATE = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


def _message(**changes):
    values = dict(to_name="Li Wei", to_email="li@example.com", sender="policywatch <alerts@pw.example>",
                  reply_to="desk@pw.example", message_id="<d1@pw.example>", date=DATE,
                  unsubscribe_url="https://pw.example/unsubscribe?s=a&t=x",
                  unsubscribe_mailto="mailto:unsub@pw.example?subject=unsubscribe")
    values.update(changes)
    subject = values.pop("subject", "2 new items: Henan · 2026-11-22")
    return build_message(RenderedDigest(subject, "text body\n", "<p>html body</p>"), **values)


def _parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def test_headers_and_parts():
    parsed = _parsed(_message())
    assert parsed["Message-ID"] == "<d1@pw.example>" and parsed["Reply-To"] == "desk@pw.example"
    assert parsed["Date"] == "Sun, 22 Nov 2026 08:00:00 +0000"
    assert parsed["List-Unsubscribe"] == ("<https://pw.example/unsubscribe?s=a&t=x>, "
                                          "<mailto:unsub@pw.example?subject=unsubscribe>")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]


@pytest.mark.parametrize("field", ["to_name", "subject", "reply_to", "unsubscribe_url"])
def test_crlf_in_any_field_cannot_add_a_header(field):
    hostile = {"to_name": "Eve\r\nBcc: victim@example.com", "subject": "Hi\r\nBcc: victim@example.com",
               "reply_to": "desk@pw.example\r\nBcc: victim@example.com",
               "unsubscribe_url": "https://pw.example/u\r\nBcc: victim@example.com"}
    raw = _message(**{field: hostile[field]}).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and b"\r\nBcc:" not in raw and b"\nBcc:" not in raw


def test_tokens_verify_only_for_the_same_subscription_and_address():
    secret = b"k" * 32
    token = tokens.sign(secret, "s1", "a@example.com")
    assert tokens.verify(secret, "s1", "A@example.com", token)
    assert not tokens.verify(secret, "s2", "a@example.com", token)
    assert not tokens.verify(secret, "s1", "b@example.com", token)
    assert not tokens.verify(b"other", "s1", "a@example.com", token)
    assert not tokens.verify(secret, "s1", "a@example.com", "")


def test_generated_secret_is_created_once_and_private(tmp_path):
    first = tokens.load_secret("", tmp_path)
    assert tokens.load_secret("", tmp_path) == first and len(first) == 64
    assert (tmp_path / tokens.SECRET_FILE).stat().st_mode & 0o077 == 0
    assert tokens.load_secret("configured", tmp_path) == b"configured"


def test_outbox_writes_one_file_per_message_id(tmp_path):
    mailer = OutboxMailer(tmp_path / "outbox")
    mailer.send(_message())
    mailer.send(_message())
    [path] = list((tmp_path / "outbox").glob("*.eml"))
    assert _parsed(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))["Message-ID"] \
        == "<d1@pw.example>"


def test_unreachable_smtp_is_a_delivery_error():
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DeliveryError):
        SmtpMailer("127.0.0.1", port, tls="none", timeout_s=2).send(_message())


def test_unknown_tls_mode_is_refused():
    with pytest.raises(ValueError, match="TLS mode"):
        SmtpMailer("localhost", 25, tls="maybe")
