"""OAI-PMH request arguments: which verb takes which, dates, identifiers, sets, errors."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal
from urllib.parse import urlsplit

ErrorCode = Literal[
    "badArgument",
    "badResumptionToken",
    "badVerb",
    "cannotDisseminateFormat",
    "idDoesNotExist",
    "noRecordsMatch",
    "noMetadataFormats",
    "noSetHierarchy",
]


class OaiError(Exception):
    """An OAI-PMH error condition: answered as ``<error code="...">`` with HTTP 200."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# verb -> (required arguments, optional arguments); resumptionToken is exclusive.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}


def single_values(params: Mapping[str, str | list[str]]) -> dict[str, str]:
    """One value per argument; a repeated argument is an error (badVerb for ``verb``)."""
    out: dict[str, str] = {}
    for name, value in params.items():
        values = [value] if isinstance(value, str) else list(value)
        if len(values) != 1:
            code: ErrorCode = "badVerb" if name == "verb" else "badArgument"
            raise OaiError(code, f"argument {name!r} is given {len(values)} times; give it once")
        out[name] = values[0]
    return out


def check_arguments(args: dict[str, str]) -> str:
    """The verb, once ``args`` are known to suit it; OaiError otherwise."""
    verb = args.get("verb")
    if verb is None:
        raise OaiError("badVerb", "the verb argument is missing")
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb; use one of {', '.join(VERBS)}")
    required, optional = VERBS[verb]
    given = set(args) - {"verb"}
    illegal = given - required - optional
    if illegal:
        raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(illegal))}")
    if "resumptionToken" in given:
        if given != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken is exclusive: give it alone with the verb")
        return verb
    missing = required - given
    if missing:
        raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    # Syntax before meaning: a value that is not even well formed is badArgument, and
    # only well-formed values are echoed in the response's <request> element.
    if "metadataPrefix" in args and not METADATA_PREFIX.fullmatch(args["metadataPrefix"]):
        raise OaiError("badArgument", f"metadataPrefix={args['metadataPrefix']!r} is not a metadata prefix")
    if "set" in args and not SET_SPEC.fullmatch(args["set"]):
        raise OaiError("badArgument", f"set={args['set']!r} is not a setSpec")
    if "identifier" in args and not _URI.fullmatch(args["identifier"]):
        raise OaiError("badArgument", f"identifier={args['identifier']!r} is not a URI")
    date_range(args.get("from"), args.get("until"))
    return verb


METADATA_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
SET_SPEC = re.compile(r"^([A-Za-z0-9\-_.!~*'()])+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


# -- dates ----------------------------------------------------------------------

Granularity = Literal["day", "seconds"]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def parse_date(name: str, value: str, *, end_of_day: bool) -> tuple[datetime, Granularity]:
    """A from/until argument as a UTC moment. A day means its first second for ``from``
    and its last second for ``until`` (both bounds are inclusive)."""
    try:
        if _DAY.fullmatch(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            return (day.replace(hour=23, minute=59, second=59) if end_of_day else day), "day"
        if _SECONDS.fullmatch(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc), "seconds"
    except ValueError:
        pass
    raise OaiError(
        "badArgument", f"{name}={value!r} is not a date of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"
    )


def date_range(from_arg: str | None, until_arg: str | None) -> tuple[datetime | None, datetime | None]:
    from_ = until = None
    granularities: set[str] = set()
    if from_arg is not None:
        from_, g = parse_date("from", from_arg, end_of_day=False)
        granularities.add(g)
    if until_arg is not None:
        until, g = parse_date("until", until_arg, end_of_day=True)
        granularities.add(g)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if from_ is not None and until is not None and from_ > until:
        raise OaiError("badArgument", "from is later than until")
    return from_, until


# -- identifiers -------------------------------------------------------------------


def repository_identifier(public_base_url: str) -> str:
    """The host of the public site: the middle part of ``oai:<host>:<id>``."""
    return urlsplit(public_base_url).hostname or "localhost"


@dataclass(frozen=True, slots=True)
class IdentifierScheme:
    """``oai:<host of public_base_url>:<thesis id>``, as the oai-identifier guidelines advise."""

    host: str

    def format(self, thesis_id: str) -> str:
        return f"oai:{self.host}:{thesis_id}"

    def parse(self, identifier: str) -> str:
        prefix = f"oai:{self.host}:"
        local = identifier[len(prefix):] if identifier.startswith(prefix) else ""
        if not local or ":" in local:
            raise OaiError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository ({prefix}<id>)")
        return local


# -- sets -----------------------------------------------------------------------------

def set_spec(institution: str) -> str:
    """A setSpec for an institution: its name in lower-case ASCII, words joined by '-'
    ("Latvijas Universitāte" -> "latvijas-universitate"); a name with no Latin letters or
    digits gets a hash. Two names that differ only in case or accents share the set."""
    ascii_name = unicodedata.normalize("NFKD", institution).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "institution-" + hashlib.sha256(institution.encode("utf-8")).hexdigest()[:10]
