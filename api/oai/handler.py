"""The OAI-PMH 2.0 request handler: arguments in, an XML response out, nothing else.

Pure apart from reading the :class:`~repository.protocols.HarvestSource`: no web
framework, no clock (``now`` is given), so every verb and error is testable directly;
:mod:`api.oai.router` only moves bytes. OAI-PMH errors are answered with HTTP 200 and
``<error>`` elements, as the protocol asks.

Choices (see the README's harvesting section):
- identifiers ``oai:<host of public_base_url>:<thesis id>``; ``dc:identifier`` also
  carries the stable URL and the persistent id ``<pid_prefix>:<id>``;
- one set per institution, ``setSpec`` a slug of its name (:func:`set_spec`);
- datestamps in seconds; deleted records are kept for good (``persistent``);
- a deleted record has no metadata formats (``noMetadataFormats``) but its header is
  still given by GetRecord and the List verbs, with ``status="deleted"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from api.oai import tokens
from api.oai.arguments import IdentifierScheme, OaiError, check_arguments, date_range, set_spec, single_values
from api.oai.arguments import SET_SPEC, repository_identifier
from api.oai.dublin_core import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, XSI_NS, oai_dc
from api.oai.xmltext import clean
from api.settings import Settings
from repository.harvest import HarvestItem, stamp
from repository.protocols import HarvestSource

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
MEDIA_TYPE = "text/xml; charset=utf-8"
METADATA_PREFIX = "oai_dc"  # the only format offered


@dataclass(frozen=True, slots=True)
class OaiResponse:
    status_code: int
    body: bytes
    media_type: str = MEDIA_TYPE


def base_url(settings: Settings) -> str:
    return f"{settings.public_base_url}/oai"


def handle(
    params: Mapping[str, str | list[str]], source: HarvestSource, settings: Settings, *, now: datetime
) -> OaiResponse:
    """Answer one OAI-PMH request (GET query or POST form arguments)."""
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    request = _Request(source, settings, now)
    args: dict[str, str] = {}
    try:
        args = single_values(params)
        verb = check_arguments(args)
        body = getattr(request, verb)(args)
    except OaiError as error:
        # The request's arguments are echoed except when they are themselves the error.
        echo = {} if error.code in ("badVerb", "badArgument") else args
        return _respond(settings, now, echo, [_error(error)])
    return _respond(settings, now, args, [body])


class _Request:
    def __init__(self, source: HarvestSource, settings: Settings, now: datetime) -> None:
        self.source = source
        self.settings = settings
        self.now = now
        self.today = now.date()
        self.ids = IdentifierScheme(repository_identifier(settings.public_base_url))

    # -- verbs ------------------------------------------------------------------------

    def Identify(self, args: dict[str, str]) -> ET.Element:  # noqa: N802 (named as the verb)
        earliest = self.source.earliest_datestamp() or self.now
        el = _el("Identify")
        for name, value in (
            ("repositoryName", self.settings.oai_repository_name),
            ("baseURL", base_url(self.settings)),
            ("protocolVersion", "2.0"),
            ("adminEmail", self.settings.oai_admin_email),
            ("earliestDatestamp", stamp(earliest)),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            _sub(el, name, value)
        return el

    def ListMetadataFormats(self, args: dict[str, str]) -> ET.Element:  # noqa: N802
        if "identifier" in args:
            item = self._item(args["identifier"])
            if item.deleted:
                raise OaiError("noMetadataFormats", f"{args['identifier']} is deleted: no metadata is disseminated")
        el = _el("ListMetadataFormats")
        fmt = _sub(el, "metadataFormat")
        _sub(fmt, "metadataPrefix", METADATA_PREFIX)
        _sub(fmt, "schema", OAI_DC_SCHEMA)
        _sub(fmt, "metadataNamespace", OAI_DC_NS)
        return el

    def ListSets(self, args: dict[str, str]) -> ET.Element:  # noqa: N802
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "ListSets is answered in one response: no resumption token is issued")
        sets = self._sets()
        if not sets:
            # Sets exist as soon as one thesis names its institution; until then none.
            raise OaiError("noSetHierarchy", "no thesis names an institution yet, so there are no sets")
        el = _el("ListSets")
        for spec, names in sorted(sets.items()):
            s = _sub(el, "set")
            _sub(s, "setSpec", spec)
            _sub(s, "setName", " / ".join(names))
        return el

    def GetRecord(self, args: dict[str, str]) -> ET.Element:  # noqa: N802
        item = self._item(args["identifier"])
        self._check_prefix(args["metadataPrefix"])
        el = _el("GetRecord")
        el.append(self._record(item))
        return el

    def ListIdentifiers(self, args: dict[str, str]) -> ET.Element:  # noqa: N802
        return self._list("ListIdentifiers", args)

    def ListRecords(self, args: dict[str, str]) -> ET.Element:  # noqa: N802
        return self._list("ListRecords", args)

    # -- lists ------------------------------------------------------------------------

    def _list(self, verb: str, args: dict[str, str]) -> ET.Element:
        if "resumptionToken" in args:
            state = tokens.decode(args["resumptionToken"])
            if state.verb != verb:
                raise OaiError("badResumptionToken", f"this resumption token continues {state.verb}, not {verb}")
        else:
            state = None
        prefix = state.metadata_prefix if state else args["metadataPrefix"]
        from_arg = state.from_ if state else args.get("from")
        until_arg = state.until if state else args.get("until")
        spec = state.set_spec if state else args.get("set")
        self._check_prefix(prefix)
        from_, until = date_range(from_arg, until_arg)
        institutions = None
        if spec is not None:
            if not SET_SPEC.fullmatch(spec):
                raise OaiError("badArgument", f"set={spec!r} is not a setSpec")
            institutions = self._sets().get(spec, [])
            if not institutions and state is None:
                raise OaiError("noRecordsMatch", f"there is no set {spec!r} (ListSets names them)")
        if state is None:
            size = self.source.harvest_count(from_=from_, until=until, institutions=institutions, today=self.today)
            state = tokens.ListState(
                verb=verb, metadata_prefix=prefix, from_=from_arg, until=until_arg, set_spec=spec,
                after=None, cursor=0, complete_list_size=size,
            )
        page_size = self.settings.oai_page_size
        items = self.source.harvest(
            from_=from_, until=until, institutions=institutions, after=state.after,
            limit=page_size + 1, today=self.today,
        )
        more = len(items) > page_size
        items = items[:page_size]
        if not items:
            raise OaiError("noRecordsMatch", "no records match the arguments" + (" any more" if state.cursor else ""))
        el = _el(verb)
        for item in items:
            el.append(self._header(item) if verb == "ListIdentifiers" else self._record(item))
        sent = state.cursor + len(items)
        size = max(state.complete_list_size, sent + (1 if more else 0))  # records added meanwhile
        if more or state.cursor:
            token = _sub(el, "resumptionToken", attrs={"completeListSize": str(size), "cursor": str(state.cursor)})
            if more:
                next_state = tokens.ListState(
                    verb=verb, metadata_prefix=prefix, from_=from_arg, until=until_arg, set_spec=spec,
                    after=items[-1].cursor, cursor=sent, complete_list_size=size,
                )
                token.text = tokens.encode(next_state)
        return el

    # -- parts ------------------------------------------------------------------------

    def _check_prefix(self, prefix: str) -> None:
        if prefix != METADATA_PREFIX:
            raise OaiError("cannotDisseminateFormat", f"metadataPrefix {prefix!r} is not offered; use {METADATA_PREFIX}")

    def _item(self, identifier: str) -> HarvestItem:
        thesis_id = self.ids.parse(identifier)
        item = self.source.harvest_item(thesis_id, today=self.today)
        if item is None:
            raise OaiError("idDoesNotExist", f"no record {identifier}")
        return item

    def _sets(self) -> dict[str, list[str]]:
        """setSpec -> the institution names it covers (usually one)."""
        sets: dict[str, list[str]] = {}
        for name in self.source.institutions():
            sets.setdefault(set_spec(name), []).append(name)
        return sets

    def _header(self, item: HarvestItem) -> ET.Element:
        header = _el("header", {"status": "deleted"} if item.deleted else {})
        _sub(header, "identifier", self.ids.format(item.thesis_id))
        _sub(header, "datestamp", stamp(item.datestamp))
        if item.institution:
            _sub(header, "setSpec", set_spec(item.institution))
        return header

    def _record(self, item: HarvestItem) -> ET.Element:
        record = _el("record")
        record.append(self._header(item))
        if item.record is not None:
            _sub(record, "metadata").append(oai_dc(item.record, self.settings, self.today))
        return record


# -- XML ------------------------------------------------------------------------------


# OAI-PMH elements are built unqualified and put in the OAI namespace by the root's
# default ``xmlns`` (ElementTree's ``default_namespace`` refuses unqualified attributes);
# Dublin Core and xsi names are qualified and get their usual prefixes.


def _el(name: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.Element(name, attrs or {})


def _sub(parent: ET.Element, name: str, text: str | None = None, *, attrs: dict[str, str] | None = None) -> ET.Element:
    el = ET.SubElement(parent, name, attrs or {})
    if text is not None:
        el.text = clean(text)
    return el


def _error(error: OaiError) -> ET.Element:
    el = _el("error", {"code": error.code})
    el.text = clean(error.message)
    return el


def _respond(settings: Settings, now: datetime, args: dict[str, str], body: list[ET.Element]) -> OaiResponse:
    root = _el("OAI-PMH", {"xmlns": OAI_NS, f"{{{XSI_NS}}}schemaLocation": f"{OAI_NS} {OAI_SCHEMA}"})
    _sub(root, "responseDate", stamp(now))
    _sub(root, "request", base_url(settings), attrs={k: clean(v) for k, v in sorted(args.items())})
    root.extend(body)
    for prefix, uri in (("oai_dc", OAI_DC_NS), ("dc", DC_NS), ("xsi", XSI_NS)):
        ET.register_namespace(prefix, uri)  # idempotent; ElementTree knows dc and xsi already
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return OaiResponse(200, xml)
