"""Who is browsing: the session cookie turned into the service's Principal.

``install(app)`` puts :func:`session_principal` on ``app.state`` so the REST
API's ``current_principal`` also accepts a browser session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from api.web.session import SESSION_COOKIE, read_session, secret_key


@dataclass(frozen=True)
class _LocalPrincipal:
    """Used only when the service core (``api.service.auth``) is not installed."""

    role: str
    institution: str | None
    key_id: str | None


def principal_class() -> type:
    try:
        from api.service.auth import Principal
    except ImportError:
        return _LocalPrincipal
    return Principal


def signing_key(request: Request) -> bytes:
    state = request.app.state
    key = getattr(state, "web_signing_key", None)
    if key is None:
        key = secret_key(state.settings)
        state.web_signing_key = key
    return key


def _key_still_valid(store: Any, key_id: str | None) -> bool:
    """False when the service store says the key is revoked or unknown; True when it cannot say."""
    if store is None or not key_id:
        return True
    for name in ("get_key", "get_api_key", "key"):
        getter = getattr(store, name, None)
        if getter is None:
            continue
        try:
            key = getter(key_id)
        except Exception:  # noqa: BLE001 - an unknown key id: the session ends
            return False
        if key is None:
            return False
        revoked = getattr(key, "revoked", None) or getattr(key, "revoked_at", None)
        return not revoked
    return True


def session_principal(request: Request) -> Any:
    """The Principal of a signed, unexpired session whose key is not revoked; else None."""
    data = read_session(signing_key(request), request.cookies.get(SESSION_COOKIE))
    if data is None or data.role not in ("submitter", "examiner", "admin"):
        return None
    if not _key_still_valid(getattr(request.app.state, "store", None), data.key_id):
        return None
    return principal_class()(role=data.role, institution=data.institution, key_id=data.key_id)


def authenticate(request: Request, api_key: str) -> Any:
    """The Principal of an API key, or None (the service core decides)."""
    from api.service.auth import authenticate_key

    return authenticate_key(request.app.state.store, api_key.strip())
