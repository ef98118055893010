"""Resumption tokens: where a list stopped, and the arguments that started it.

A token is opaque to harvesters: base64url of a small JSON object, then a short
checksum so that a truncated or edited token is refused (badResumptionToken) rather
than misread. Paging is by cursor (the last item's datestamp and id), not offset, so a
token stays valid for good: records added or deleted meanwhile neither shift nor repeat
the items still to come. No expirationDate is sent for that reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from api.oai.arguments import OaiError
from repository.harvest import parse_stamp, stamp

_VERSION = 1


@dataclass(frozen=True, slots=True)
class ListState:
    """A ListIdentifiers/ListRecords request, as first asked, and how far it got."""

    verb: str
    metadata_prefix: str
    from_: str | None  # the arguments as given, so the next page filters the same way
    until: str | None
    set_spec: str | None
    after: tuple[datetime, str] | None  # the last item sent
    cursor: int  # items sent before this page
    complete_list_size: int  # counted when the list was first asked for


def encode(state: ListState) -> str:
    data = asdict(state)
    data["after"] = None if state.after is None else [stamp(state.after[0]), state.after[1]]
    payload = base64.urlsafe_b64encode(
        json.dumps({"v": _VERSION, **data}, separators=(",", ":"), sort_keys=True).encode("utf-8")
    ).decode("ascii").rstrip("=")
    return f"{payload}.{_checksum(payload)}"


def decode(token: str) -> ListState:
    bad = OaiError("badResumptionToken", "the resumption token is not one this repository issued, or is damaged")
    payload, _, check = token.partition(".")
    if not payload or check != _checksum(payload):
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if data.pop("v") != _VERSION:
            raise bad
        after = data.pop("after")
        state = ListState(after=None if after is None else (parse_stamp(after[0]), str(after[1])), **data)
    except (binascii.Error, ValueError, TypeError, KeyError, IndexError) as exc:
        raise bad from exc
    if state.cursor < 0 or state.complete_list_size < 0:
        raise bad
    return state


def _checksum(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:12]
