"""The OAI-PMH data provider: every verb and error, paging, sets, dates, deletions and
embargoes, on a real embedded repository. Every response body is validated against the
shipped OAI-PMH.xsd (with oai_dc.xsd for the metadata), offline."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "repository"))
from repo_corpus import DIGITAL, FOOD, OWN, make_document  # noqa: E402

from api.oai.arguments import set_spec  # noqa: E402
from api.oai.handler import OaiResponse, handle  # noqa: E402
from api.oai.schemas import LOCATIONS, OAI_DC_XSD, OAI_PMH_XSD  # noqa: E402
from api.settings import Settings  # noqa: E402
from repository import embedded  # noqa: E402
from repository.embedded import EmbeddedRepository  # noqa: E402
from repository.models import ThesisMetadata, ThesisRecord  # noqa: E402
from similarity.fingerprint import MinHashParams, fingerprint_document  # noqa: E402

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)  # the embargo below still holds
AFTER_LIFT = datetime(2026, 5, 11, 8, 0, 0, tzinfo=timezone.utc)
EMBARGO_END = date(2026, 5, 10)
LU, RTU = "Latvijas Universitāte", "Rīgas Tehniskā universitāte"
PARAMS = MinHashParams()


# -- schema validation --------------------------------------------------------------


class Schemas:
    """OAI-PMH.xsd for the responses and oai_dc.xsd for each record's metadata.

    The shipped OAI-PMH.xsd skips the content of ``<metadata>`` (processContents="skip",
    see api/oai/schemas/README.md), so every ``<oai_dc:dc>`` is validated on its own.
    """

    def __init__(self) -> None:
        import xmlschema

        mapper = {url: path.as_uri() for url, path in LOCATIONS.items()}
        # allow="local": no network, every import must resolve to the shipped files
        self.oai = xmlschema.XMLSchema(str(OAI_PMH_XSD), uri_mapper=mapper, allow="local")
        self.dc = xmlschema.XMLSchema(str(OAI_DC_XSD), uri_mapper=mapper, allow="local")

    def validate(self, body: str | bytes) -> ET.Element:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        self.oai.validate(text)
        root = ET.fromstring(text)
        for dc in root.iter(f"{{{NS['oai_dc']}}}dc"):
            self.dc.validate(dc)
        return root


@pytest.fixture(scope="module")
def schema() -> Schemas:
    return Schemas()


def test_schemas_refuse_what_does_not_conform(schema):
    """The validators really check both levels (so the tests below can fail)."""
    good = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate>'
        '<request verb="GetRecord" identifier="oai:x.lv:1" metadataPrefix="oai_dc">https://x.lv/oai</request>'
        "<GetRecord><record><header><identifier>oai:x.lv:1</identifier><datestamp>{stamp}</datestamp>"
        '</header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title xml:lang="lv">T</dc:title>{extra}</oai_dc:dc>'
        "</metadata></record></GetRecord></OAI-PMH>"
    )
    schema.validate(good.format(stamp="2026-01-01T00:00:00Z", extra=""))
    with pytest.raises(Exception, match="author"):
        schema.validate(good.format(stamp="2026-01-01T00:00:00Z", extra="<dc:author>A</dc:author>"))
    with pytest.raises(Exception):
        schema.validate(good.format(stamp="2026-01-01T00:00:00+02:00", extra=""))  # datestamps are UTC 'Z'


# -- fixtures ---------------------------------------------------------------------------


class Clock:
    """Stands for ``datetime`` in repository.embedded so records get chosen creation times."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = T0
        clock = self

        class _Datetime(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[override]
                return clock.at if tz is None else clock.at.astimezone(tz)

        monkeypatch.setattr(embedded, "datetime", _Datetime)


def _add(repo: EmbeddedRepository, salt: str, text: str = DIGITAL, *, supersedes: str | None = None,
         **meta) -> ThesisRecord:
    meta.setdefault("title", f"Darbs {salt}")
    document = make_document(text, f"{salt}.txt", salt=salt)
    return repo.add(ThesisMetadata(**meta), document, fingerprint_document(document, PARAMS),
                    original_filename=f"{salt}.pdf", size_bytes=1, supersedes=supersedes)


class Corpus:
    """Seven theses: full metadata, embargoed, restricted, no institution, two versions, one deleted."""

    def __init__(self, repo: EmbeddedRepository, clock: Clock) -> None:
        self.clock = clock

        def at(hours: float) -> None:
            clock.at = T0 + timedelta(hours=hours)

        at(0)
        self.full = _add(
            repo, "full", title="Digitalizācija augstskolās", title_en="Digitalisation of higher education",
            abstract_lv="Darbā pētīta digitalizācija.", abstract_en="The thesis studies digitalisation.",
            keywords=["digitalizācija", "e-studijas"], subjects=["Izglītības zinātnes"],
            authors=[{"name": "Anna Bērziņa", "orcid": "0000-0002-1825-0097"}], supervisors=["Jānis Kalniņš"],
            institution=LU, degree="master", year=2024, defence_date=date(2024, 6, 12),
            languages=["lv", "en"], licence="CC BY 4.0",
        )
        at(1)
        self.embargoed = _add(repo, "emb", FOOD, institution=RTU, access="embargoed", embargo_until=EMBARGO_END,
                              degree="bachelor", year=2025)
        at(1)  # same second as the one before: ordered by id within it
        self.restricted = _add(repo, "res", OWN, title="Slēgts darbs", institution=LU, access="restricted")
        at(2)
        self.no_institution = _add(repo, "none", OWN, institution="")
        at(3)
        self.v1 = _add(repo, "v1", DIGITAL + " Pirmā.", institution=LU, degree="doctoral")
        at(4)
        self.v2 = _add(repo, "v2", DIGITAL + " Otrā.", institution=LU, degree="doctoral", supersedes=self.v1.id)
        at(5)
        self.gone = _add(repo, "gone", FOOD + " Dzēšams.", institution=RTU)
        at(24)
        repo.delete(self.gone.id)
        self.deleted_at = clock.at
        self.hidden = {self.restricted.id}
        self.records = [self.full, self.embargoed, self.no_institution, self.v1, self.v2]


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, public_base_url="https://kratuve.example.lv/", oai_page_size=2,
                    oai_admin_email="oai@kratuve.example.lv")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[EmbeddedRepository]:
    with EmbeddedRepository(tmp_path / "repo") as repository:
        yield repository


@pytest.fixture
def corpus(repo, monkeypatch) -> Corpus:
    return Corpus(repo, Clock(monkeypatch))


def oai_id(thesis_id: str) -> str:
    return f"oai:kratuve.example.lv:{thesis_id}"


@pytest.fixture
def ask(repo, settings, schema):
    """Ask the handler; the body is validated and parsed. ``ask(verb=..., ...)``."""

    def _ask(now: datetime = NOW, **params: str | list[str]) -> ET.Element:
        response = handle(params, repo, settings, now=now)
        return parse(response, schema)

    return _ask


def parse(response: OaiResponse, schema: Schemas) -> ET.Element:
    assert response.status_code == 200
    assert response.media_type == "text/xml; charset=utf-8"
    assert response.body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return schema.validate(response.body)


def error_code(root: ET.Element) -> str | None:
    error = root.find("o:error", NS)
    return None if error is None else error.get("code")


def request_attrs(root: ET.Element) -> dict[str, str]:
    return dict(root.find("o:request", NS).attrib)


# -- Identify, formats, sets ------------------------------------------------------------------


def test_identify(ask, corpus):
    root = ask(verb="Identify")
    assert error_code(root) is None
    assert root.findtext("o:responseDate", namespaces=NS) == "2026-05-01T12:00:00Z"
    assert root.findtext("o:request", namespaces=NS) == "https://kratuve.example.lv/oai"
    assert request_attrs(root) == {"verb": "Identify"}
    ident = root.find("o:Identify", NS)
    got = {child.tag.split("}")[1]: child.text for child in ident}
    assert got == {
        "repositoryName": "Krātuve",
        "baseURL": "https://kratuve.example.lv/oai",
        "protocolVersion": "2.0",
        "adminEmail": "oai@kratuve.example.lv",
        "earliestDatestamp": "2026-03-02T09:00:00Z",
        "deletedRecord": "persistent",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }


def test_identify_on_an_empty_repository(ask):
    root = ask(verb="Identify")
    assert root.findtext("o:Identify/o:earliestDatestamp", namespaces=NS) == "2026-05-01T12:00:00Z"


def test_list_metadata_formats(ask, corpus):
    for params in ({}, {"identifier": oai_id(corpus.full.id)}):
        root = ask(verb="ListMetadataFormats", **params)
        formats = root.findall("o:ListMetadataFormats/o:metadataFormat", NS)
        assert [f.findtext("o:metadataPrefix", namespaces=NS) for f in formats] == ["oai_dc"]
        assert formats[0].findtext("o:metadataNamespace", namespaces=NS) == NS["oai_dc"]
    assert error_code(ask(verb="ListMetadataFormats", identifier=oai_id(corpus.gone.id))) == "noMetadataFormats"
    assert error_code(ask(verb="ListMetadataFormats", identifier=oai_id(corpus.restricted.id))) == "idDoesNotExist"
    assert error_code(ask(verb="ListMetadataFormats", identifier=oai_id("NOSUCH"))) == "idDoesNotExist"


def test_list_sets(ask, corpus):
    root = ask(verb="ListSets")
    sets = {s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
            for s in root.findall("o:ListSets/o:set", NS)}
    assert sets == {"latvijas-universitate": LU, "rigas-tehniska-universitate": RTU}
    assert error_code(ask(verb="ListSets", resumptionToken="abc")) == "badResumptionToken"


def test_no_sets_before_any_institution(ask):
    assert error_code(ask(verb="ListSets")) == "noSetHierarchy"


def test_set_spec_slugs():
    assert set_spec("Latvijas Universitāte") == "latvijas-universitate"
    assert set_spec("  RTU / Rīga  ") == "rtu-riga"
    chinese = set_spec("北京大学")
    assert chinese.startswith("institution-") and chinese == set_spec("北京大学") != set_spec("清华大学")


# -- GetRecord and Dublin Core ---------------------------------------------------------------------


def dc_values(record: ET.Element, name: str) -> list[str]:
    return [e.text for e in record.findall(f"o:metadata/oai_dc:dc/dc:{name}", NS)]


def test_get_record_maps_metadata_to_dublin_core(ask, corpus):
    root = ask(verb="GetRecord", identifier=oai_id(corpus.full.id), metadataPrefix="oai_dc")
    assert request_attrs(root) == {"verb": "GetRecord", "identifier": oai_id(corpus.full.id), "metadataPrefix": "oai_dc"}
    record = root.find("o:GetRecord/o:record", NS)
    header = record.find("o:header", NS)
    assert header.get("status") is None
    assert header.findtext("o:identifier", namespaces=NS) == oai_id(corpus.full.id)
    assert header.findtext("o:datestamp", namespaces=NS) == "2026-03-02T09:00:00Z"
    assert [s.text for s in header.findall("o:setSpec", NS)] == ["latvijas-universitate"]
    titles = record.findall("o:metadata/oai_dc:dc/dc:title", NS)
    assert [(t.get(LANG), t.text) for t in titles] == [
        ("lv", "Digitalizācija augstskolās"), ("en", "Digitalisation of higher education")]
    descriptions = record.findall("o:metadata/oai_dc:dc/dc:description", NS)
    assert [(d.get(LANG), d.text) for d in descriptions] == [
        ("lv", "Darbā pētīta digitalizācija."), ("en", "The thesis studies digitalisation.")]
    assert dc_values(record, "creator") == ["Anna Bērziņa"]
    assert dc_values(record, "contributor") == ["Jānis Kalniņš"]
    assert dc_values(record, "subject") == ["Izglītības zinātnes", "digitalizācija", "e-studijas"]
    assert dc_values(record, "publisher") == [LU]
    assert dc_values(record, "date") == ["2024-06-12"]
    assert dc_values(record, "type") == ["info:eu-repo/semantics/masterThesis", "master thesis", "Text"]
    assert dc_values(record, "format") == ["text/plain"]
    assert dc_values(record, "identifier") == [
        f"https://kratuve.example.lv/theses/{corpus.full.id}", f"kratuve:{corpus.full.id}"]
    assert dc_values(record, "language") == ["lv", "en"]
    assert dc_values(record, "rights") == ["info:eu-repo/semantics/openAccess", "CC BY 4.0"]


def test_get_record_of_a_later_version_relates_to_the_earlier(ask, corpus):
    record = ask(verb="GetRecord", identifier=oai_id(corpus.v2.id), metadataPrefix="oai_dc").find(
        "o:GetRecord/o:record", NS)
    assert dc_values(record, "relation") == [f"https://kratuve.example.lv/theses/{corpus.v1.id}"]
    # the superseded version stays harvestable
    assert error_code(ask(verb="GetRecord", identifier=oai_id(corpus.v1.id), metadataPrefix="oai_dc")) is None


def test_get_record_of_a_deleted_thesis(ask, corpus):
    record = ask(verb="GetRecord", identifier=oai_id(corpus.gone.id), metadataPrefix="oai_dc").find(
        "o:GetRecord/o:record", NS)
    header = record.find("o:header", NS)
    assert header.get("status") == "deleted"
    assert header.findtext("o:datestamp", namespaces=NS) == "2026-03-03T09:00:00Z"
    assert [s.text for s in header.findall("o:setSpec", NS)] == ["rigas-tehniska-universitate"]
    assert record.find("o:metadata", NS) is None


def test_get_record_errors(ask, corpus):
    full = oai_id(corpus.full.id)
    assert error_code(ask(verb="GetRecord", identifier=oai_id(corpus.restricted.id), metadataPrefix="oai_dc")) \
        == "idDoesNotExist"
    assert error_code(ask(verb="GetRecord", identifier="oai:other.lv:" + corpus.full.id, metadataPrefix="oai_dc")) \
        == "idDoesNotExist"
    assert error_code(ask(verb="GetRecord", identifier=f"kratuve:{corpus.full.id}", metadataPrefix="oai_dc")) \
        == "idDoesNotExist"
    root = ask(verb="GetRecord", identifier=full, metadataPrefix="marc21")
    assert error_code(root) == "cannotDisseminateFormat"
    assert request_attrs(root)["metadataPrefix"] == "marc21"  # echoed: only badVerb/badArgument hide them
    assert error_code(ask(verb="GetRecord", identifier=full)) == "badArgument"
    assert error_code(ask(verb="GetRecord", metadataPrefix="oai_dc")) == "badArgument"
    root = ask(verb="GetRecord", identifier="not a uri", metadataPrefix="oai_dc")
    assert error_code(root) == "badArgument" and request_attrs(root) == {}


# -- lists and resumption ---------------------------------------------------------------------------


def harvest(ask, verb: str, now: datetime = NOW, **params: str) -> tuple[list[ET.Element], list[ET.Element]]:
    """Every header or record of a list, through its resumption tokens; and the token elements."""
    items: list[ET.Element] = []
    tokens: list[ET.Element] = []
    root = ask(now, verb=verb, metadataPrefix="oai_dc", **params)
    while True:
        assert error_code(root) is None, ET.tostring(root)
        body = root.find(f"o:{verb}", NS)
        items += body.findall("o:header" if verb == "ListIdentifiers" else "o:record", NS)
        token = body.find("o:resumptionToken", NS)
        if token is None:
            return items, tokens
        tokens.append(token)
        if not token.text:
            return items, tokens
        root = ask(now, verb=verb, resumptionToken=token.text)
        assert request_attrs(root) == {"verb": verb, "resumptionToken": token.text}


def header_of(item: ET.Element) -> ET.Element:
    return item if item.tag.endswith("header") else item.find("o:header", NS)


def ids_of(items: list[ET.Element]) -> list[str]:
    return [header_of(i).findtext("o:identifier", namespaces=NS).rsplit(":", 1)[1] for i in items]


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_lists_page_through_every_item_exactly_once(ask, corpus, verb):
    items, tokens = harvest(ask, verb)
    expected = [r.id for r in corpus.records] + [corpus.gone.id]
    assert sorted(ids_of(items)) == sorted(expected) and len(items) == len(expected)
    assert not corpus.hidden & set(ids_of(items))
    stamps = [header_of(i).findtext("o:datestamp", namespaces=NS) for i in items]
    assert stamps == sorted(stamps)
    # page size 2: 6 items make 3 pages, the last with an empty token
    assert [t.get("cursor") for t in tokens] == ["0", "2", "4"]
    assert {t.get("completeListSize") for t in tokens} == {"6"}
    assert [bool(t.text) for t in tokens] == [True, True, False]
    deleted = [i for i in items if header_of(i).get("status") == "deleted"]
    assert ids_of(deleted) == [corpus.gone.id]
    if verb == "ListRecords":
        assert all((i.find("o:metadata", NS) is None) == (i in deleted) for i in items)


def test_a_short_list_has_no_resumption_token(ask, corpus):
    items, tokens = harvest(ask, "ListIdentifiers", set="rigas-tehniska-universitate")
    assert sorted(ids_of(items)) == sorted([corpus.embargoed.id, corpus.gone.id]) and tokens == []


def test_token_survives_deletions_during_the_harvest(ask, corpus, repo):
    """Cursor paging: a record deleted mid-harvest comes back as a deletion, nothing repeats or is lost."""
    first = ask(verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find("o:ListIdentifiers/o:resumptionToken", NS).text
    seen = ids_of(first.findall("o:ListIdentifiers/o:header", NS))
    corpus.clock.at = T0 + timedelta(days=2)
    repo.delete(seen[0])
    rest = []
    root = ask(verb="ListIdentifiers", resumptionToken=token)
    while True:
        rest += root.findall("o:ListIdentifiers/o:header", NS)
        token = root.findtext("o:ListIdentifiers/o:resumptionToken", namespaces=NS)
        if not token:
            break
        root = ask(verb="ListIdentifiers", resumptionToken=token)
    assert ids_of(rest)[-1] == seen[0] and rest[-1].get("status") == "deleted"
    assert sorted(seen + ids_of(rest)[:-1]) == sorted([r.id for r in corpus.records] + [corpus.gone.id])


def test_sets_select_institutions(ask, corpus):
    items, _ = harvest(ask, "ListRecords", set="latvijas-universitate")
    assert sorted(ids_of(items)) == sorted([corpus.full.id, corpus.v1.id, corpus.v2.id])
    assert error_code(ask(verb="ListRecords", metadataPrefix="oai_dc", set="nav-tada")) == "noRecordsMatch"
    assert error_code(ask(verb="ListRecords", metadataPrefix="oai_dc", set="bad set")) == "badArgument"


def test_from_and_until(ask, corpus):
    def listed(**params: str) -> list[str]:
        return ids_of(harvest(ask, "ListIdentifiers", **params)[0])

    # seconds granularity, both bounds inclusive
    assert listed(**{"from": "2026-03-02T11:00:00Z", "until": "2026-03-02T13:00:00Z"}) == [
        corpus.no_institution.id, corpus.v1.id, corpus.v2.id]
    # day granularity: until covers the whole day, from starts at its first second
    assert sorted(listed(until="2026-03-02")) == sorted(r.id for r in corpus.records)
    assert sorted(listed(**{"from": "2026-03-02", "until": "2026-03-02"})) == sorted(r.id for r in corpus.records)
    assert listed(**{"from": "2026-03-03"}) == [corpus.gone.id]  # the deletion, a day later
    assert error_code(ask(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2027-01-01"})) \
        == "noRecordsMatch"
    for bad in (
        {"from": "2026-03-02", "until": "2026-03-03T00:00:00Z"},  # mixed granularity
        {"from": "2026-03-04", "until": "2026-03-02"},  # from after until
        {"from": "2026-3-2"},
        {"until": "2026-03-02T10:00:00.5Z"},  # finer than seconds
        {"from": "2026-02-30"},
        {"until": "2026-03-02\n"},
    ):
        root = ask(verb="ListRecords", metadataPrefix="oai_dc", **bad)
        assert error_code(root) == "badArgument", bad
        assert request_attrs(root) == {}


def test_list_errors(ask, corpus):
    assert error_code(ask(verb="ListRecords")) == "badArgument"  # no metadataPrefix
    assert error_code(ask(verb="ListRecords", metadataPrefix="mods")) == "cannotDisseminateFormat"
    assert error_code(ask(verb="ListIdentifiers", metadataPrefix="oai_dc", identifier=oai_id("X"))) == "badArgument"
    token = ask(verb="ListRecords", metadataPrefix="oai_dc").findtext(
        "o:ListRecords/o:resumptionToken", namespaces=NS)
    # the token is exclusive, belongs to its verb, and is checked
    assert error_code(ask(verb="ListRecords", resumptionToken=token, metadataPrefix="oai_dc")) == "badArgument"
    assert error_code(ask(verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    assert error_code(ask(verb="ListRecords", resumptionToken="garbage")) == "badResumptionToken"
    assert error_code(ask(verb="ListRecords", resumptionToken=token[:-1] + ("0" if token[-1] != "0" else "1"))) \
        == "badResumptionToken"
    assert error_code(ask(verb="ListRecords", resumptionToken="x" + token)) == "badResumptionToken"
    assert error_code(ask(verb="ListRecords", resumptionToken="")) == "badResumptionToken"


def test_no_records_in_an_empty_repository(ask):
    assert error_code(ask(verb="ListRecords", metadataPrefix="oai_dc")) == "noRecordsMatch"
    assert error_code(ask(verb="ListIdentifiers", metadataPrefix="oai_dc")) == "noRecordsMatch"


# -- verbs and arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"verb": "Harvest"}, {"verb": ["Identify", "Identify"]},
                                    {"verb": "identify"}])
def test_bad_verb(ask, params):
    root = ask(**params)
    assert error_code(root) == "badVerb" and request_attrs(root) == {}


@pytest.mark.parametrize("params", [
    {"verb": "Identify", "set": "x"},
    {"verb": "ListSets", "metadataPrefix": "oai_dc"},
    {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]},
    {"verb": "GetRecord", "identifier": "oai:kratuve.example.lv:X", "metadataPrefix": "oai dc"},
])
def test_bad_argument(ask, params):
    root = ask(**params)
    assert error_code(root) == "badArgument" and request_attrs(root) == {}


# -- embargo lifting ---------------------------------------------------------------------------------------


def test_embargo_lifting_changes_rights_and_datestamp(ask, corpus):
    ident = oai_id(corpus.embargoed.id)
    before = ask(NOW, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc").find("o:GetRecord/o:record", NS)
    assert before.findtext("o:header/o:datestamp", namespaces=NS) == "2026-03-02T10:00:00Z"
    assert dc_values(before, "rights")[0] == "info:eu-repo/semantics/embargoedAccess"
    assert "Embargoed until 2026-05-10" in dc_values(before, "rights")[1]
    assert "info:eu-repo/date/embargoEnd/2026-05-10" in dc_values(before, "date")

    after = ask(AFTER_LIFT, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc").find(
        "o:GetRecord/o:record", NS)
    assert after.findtext("o:header/o:datestamp", namespaces=NS) == "2026-05-11T00:00:00Z"
    assert dc_values(after, "rights")[0] == "info:eu-repo/semantics/openAccess"

    # an incremental harvest since the last visit picks the lifted record up, once
    since = {"from": "2026-04-01"}
    assert error_code(ask(NOW, verb="ListIdentifiers", metadataPrefix="oai_dc", **since)) == "noRecordsMatch"
    items, _ = harvest(ask, "ListIdentifiers", AFTER_LIFT, **since)
    assert ids_of(items) == [corpus.embargoed.id]


# -- HTTP --------------------------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path, settings, corpus, repo):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.oai.router import router

    repo.close()  # the app opens its own, on its own thread

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.repository = EmbeddedRepository(tmp_path / "repo")
        yield
        app.state.repository.close()

    app = FastAPI(lifespan=lifespan)
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def test_http_get_and_post(client, corpus, schema):
    for response in (
        client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"}),
        client.post("/oai", data={"verb": "ListRecords", "metadataPrefix": "oai_dc"}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        schema.validate(response.text)
        root = ET.fromstring(response.content)
        assert len(root.findall("o:ListRecords/o:record", NS)) == 2
        token = root.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
    # the token of a POST continues over GET and the other way round
    nxt = client.get("/oai", params={"verb": "ListRecords", "resumptionToken": token})
    schema.validate(nxt.text)
    assert error_code(ET.fromstring(nxt.content)) is None
    both = client.get("/oai?verb=Identify&verb=Identify")
    schema.validate(both.text)
    assert error_code(ET.fromstring(both.content)) == "badVerb"
    repeated = client.post("/oai", content=b"verb=GetRecord&identifier=a:b&identifier=a:c&metadataPrefix=oai_dc",
                           headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"})
    schema.validate(repeated.text)
    assert error_code(ET.fromstring(repeated.content)) == "badArgument"


def test_http_post_must_be_a_form(client):
    response = client.post("/oai", json={"verb": "Identify"})
    assert response.status_code == 415 and "x-www-form-urlencoded" in response.text


def test_http_get_record_never_shows_restricted(client, corpus, schema):
    response = client.get("/oai", params={"verb": "GetRecord", "identifier": oai_id(corpus.restricted.id),
                                          "metadataPrefix": "oai_dc"})
    schema.validate(response.text)
    assert error_code(ET.fromstring(response.content)) == "idDoesNotExist"
    assert "Slēgts" not in response.text


# -- odd data ------------------------------------------------------------------------------------------------


def test_institutions_sharing_a_slug_share_a_set(ask, repo, monkeypatch):
    Clock(monkeypatch)
    a = _add(repo, "a", institution="Latvijas Universitāte")
    b = _add(repo, "b", FOOD, institution="LATVIJAS UNIVERSITATE")
    root = ask(verb="ListSets")
    sets = [(s.findtext("o:setSpec", namespaces=NS), s.findtext("o:setName", namespaces=NS))
            for s in root.findall("o:ListSets/o:set", NS)]
    assert sets == [("latvijas-universitate", "LATVIJAS UNIVERSITATE / Latvijas Universitāte")]
    items, _ = harvest(ask, "ListIdentifiers", set="latvijas-universitate")
    assert sorted(ids_of(items)) == sorted([a.id, b.id])


def test_characters_xml_cannot_carry_are_dropped(ask, repo, monkeypatch):
    Clock(monkeypatch)
    record = _add(repo, "ctl", title="Virsraksts\x0b ar\x01 vadības zīmēm <un> & tā",
                  abstract_en="Line\x0cbreak", institution="LU")
    root = ask(verb="GetRecord", identifier=oai_id(record.id), metadataPrefix="oai_dc")
    item = root.find("o:GetRecord/o:record", NS)
    assert dc_values(item, "title") == ["Virsraksts ar vadības zīmēm <un> & tā"]
    assert dc_values(item, "description") == ["Linebreak"]


def test_http_backend_without_harvesting_is_refused_clearly(settings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.oai.router import router

    app = FastAPI()
    app.include_router(router)
    app.state.settings = settings
    app.state.repository = object()  # e.g. a backend that has no harvest methods
    with TestClient(app) as test_client:
        response = test_client.get("/oai", params={"verb": "Identify"})
    assert response.status_code == 501 and "harvesting" in response.text
