"""Browser sessions and CSRF tokens: signed values, never the API key itself.

After a key is verified at ``/login`` the browser gets a cookie holding the
key's id, role and institution, an expiry time and an HMAC-SHA256 of all of
them. The raw key never leaves the login request. Each request re-checks the
key id against the service store when the store can say whether a key is still
valid, so a revoked key ends its sessions too.

CSRF: every POST form carries a token that must equal the signed token in the
``kratuve_csrf`` cookie (double submit, signed so that a cookie planted by a
neighbouring site cannot be forged).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SESSION_COOKIE = "kratuve_session"
CSRF_COOKIE = "kratuve_csrf"
LANG_COOKIE = "kratuve_lang"
SESSION_TTL_S = 8 * 3600
_SECRET_FILE = "web-session.key"


@dataclass(frozen=True, slots=True)
class SessionData:
    key_id: str | None
    role: str
    institution: str | None
    expires: int


def secret_key(settings: Any) -> bytes:
    """The signing key: ``settings.secret_key`` when the service has one, else a random
    key kept in ``data_dir`` (created once, readable only by its owner)."""
    configured = getattr(settings, "secret_key", None)
    if configured is not None:
        value = configured.get_secret_value() if hasattr(configured, "get_secret_value") else str(configured)
        if value:
            return hashlib.sha256(b"kratuve-web:" + value.encode()).digest()
    path = Path(settings.data_dir) / _SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(6)}.tmp")  # one per thread too
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex())
    try:
        os.link(tmp, path)  # first writer wins; a concurrent one reads the winner's key
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(key: bytes, purpose: str, token: str | None) -> dict | None:
    """The payload of a token signed for ``purpose``, or None when it is not genuine."""
    if not token or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    expected = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def make_session(key: bytes, *, key_id: str | None, role: str, institution: str | None, now: float | None = None) -> str:
    expires = int((now or time.time()) + SESSION_TTL_S)
    return sign(key, "session", {"k": key_id, "r": role, "i": institution, "e": expires})


def read_session(key: bytes, token: str | None, now: float | None = None) -> SessionData | None:
    payload = unsign(key, "session", token)
    if payload is None:
        return None
    try:
        data = SessionData(
            key_id=payload.get("k"), role=str(payload["r"]), institution=payload.get("i"), expires=int(payload["e"])
        )
    except (KeyError, TypeError, ValueError):
        return None
    return data if data.expires > (now or time.time()) else None


def new_csrf_token(key: bytes) -> str:
    return sign(key, "csrf", {"n": secrets.token_urlsafe(16)})


def csrf_valid(key: bytes, cookie: str | None, submitted: str | None) -> bool:
    """The form's token equals the cookie's, and the cookie's is ours."""
    if not cookie or not submitted or not hmac.compare_digest(cookie.encode(), submitted.encode()):
        return False
    return unsign(key, "csrf", cookie) is not None
