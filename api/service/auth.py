"""Who is calling: API keys per institution (stored hashed), roles, and browser sessions.

Roles: ``submitter`` submits theses for its institution and follows its jobs;
``examiner`` reads the reports of its institution; ``admin`` manages
institutions and keys (an admin key without an institution sees everything);
``public`` (no key) searches and reads open theses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import HTTPException, Request

from api.service.store import ServiceStore

PrincipalRole = Literal["public", "submitter", "examiner", "admin"]


@dataclass(frozen=True)
class Principal:
    role: PrincipalRole
    institution: str | None
    key_id: str | None

    @property
    def is_public(self) -> bool:
        return self.role == "public"


PUBLIC = Principal("public", None, None)


def authenticate_key(store: ServiceStore, key: str) -> Principal | None:
    """The principal of a presented API key, or None (unknown, wrong or revoked)."""
    found = store.verify_key(key)
    if found is None:
        return None
    return Principal(found.role, found.institution, found.id)


def presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller. A wrong key is refused (401), never treated as public."""
    key = presented_key(request)
    if key is not None:
        principal = authenticate_key(request.app.state.store, key)
        if principal is None:
            raise HTTPException(401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        request.state.principal = principal
        return principal
    hook = getattr(request.app.state, "session_principal", None)
    if hook is not None:
        principal = hook(request)
        if principal is not None:
            request.state.principal = principal
            return principal
    return PUBLIC


def require(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        if principal.is_public:
            raise HTTPException(401, "an API key is needed", headers={"WWW-Authenticate": "Bearer"})
        raise HTTPException(403, f"the {principal.role} role may not do this")
