"""Signed unsubscribe links (HMAC-SHA256), so only the recipient can unsubscribe.

The token signs the subscription id AND its address: a link stops working when the
address changes. The key comes from ALERTS_UNSUBSCRIBE_SECRET; in local mode without
one, a random key is generated once into the data directory (never in code, never
logged) and reused by every process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlencode

SECRET_FILE = "unsubscribe.secret"


def load_secret(configured: str, data_dir: Path) -> bytes:
    """The signing key: the configured one, else the generated key file in ``data_dir``."""
    if configured:
        return configured.encode("utf-8")
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip()
    if not key:  # another process created the file and is still writing it
        raise RuntimeError(f"{path} is empty; retry in a moment")
    return key.encode("ascii")


def sign(secret: bytes, subscription_id: str, email: str) -> str:
    mac = hmac.new(secret, f"unsubscribe\n{subscription_id}\n{email.lower()}".encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def verify(secret: bytes, subscription_id: str, email: str, token: str) -> bool:
    return hmac.compare_digest(sign(secret, subscription_id, email), token or "")


def unsubscribe_url(public_url: str, secret: bytes, subscription_id: str, email: str) -> str:
    query = urlencode({"s": subscription_id, "t": sign(secret, subscription_id, email)})
    return f"{public_url}/unsubscribe?{query}"


def unsubscribe_mailto(address: str, secret: bytes, subscription_id: str, email: str) -> str:
    subject = f"unsubscribe {subscription_id} {sign(secret, subscription_id, email)}"
    return f"mailto:{address}?subject={quote(subject)}"
