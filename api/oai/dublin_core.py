"""``oai_dc``: a thesis record as simple Dublin Core, the way OpenAIRE and BASE read it.

Types, access rights and embargo ends use the ``info:eu-repo`` vocabulary of the
OpenAIRE (DRIVER) guidelines next to plain-text statements, so that both machines
and people reading the record understand them.
"""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

from api.identifiers import landing_url, persistent_id
from api.oai.xmltext import clean
from api.settings import Settings
from repository.access import is_public
from repository.models import DegreeLevel, ThesisRecord

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_TYPES = {
    DegreeLevel.bachelor: "info:eu-repo/semantics/bachelorThesis",
    DegreeLevel.master: "info:eu-repo/semantics/masterThesis",
    DegreeLevel.doctoral: "info:eu-repo/semantics/doctoralThesis",
}
_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "html": "text/html",
    "txt": "text/plain",
}


def oai_dc(record: ThesisRecord, settings: Settings, today: date) -> ET.Element:
    """The ``<oai_dc:dc>`` element of ``record`` as the public may see it on ``today``."""
    meta = record.metadata
    root = ET.Element(f"{{{OAI_DC_NS}}}dc", {f"{{{XSI_NS}}}schemaLocation": f"{OAI_DC_NS} {OAI_DC_SCHEMA}"})

    def add(name: str, value: str | None, lang: str | None = None) -> None:
        text = clean(value or "").strip()
        if text:
            el = ET.SubElement(root, f"{{{DC_NS}}}{name}", {XML_LANG: lang} if lang else {})
            el.text = text

    main_language = meta.languages[0] if meta.languages else record.language
    add("title", meta.title, main_language)
    if meta.title_en and meta.title_en.strip() != meta.title:
        add("title", meta.title_en, "en")
    for person in meta.authors:
        add("creator", person.name)
    for person in meta.supervisors:
        add("contributor", person.name)
    for subject in dict.fromkeys(meta.subjects + meta.keywords):  # keeps order, drops repeats
        add("subject", subject)
    add("description", meta.abstract_lv, "lv")
    add("description", meta.abstract_en, "en")
    add("publisher", meta.institution)
    if meta.defence_date is not None:
        add("date", meta.defence_date.isoformat())
    elif meta.year is not None:
        add("date", str(meta.year))
    if meta.access == "embargoed" and meta.embargo_until is not None:
        add("date", f"info:eu-repo/date/embargoEnd/{meta.embargo_until.isoformat()}")
    if meta.degree is not None:
        add("type", _TYPES.get(meta.degree, "info:eu-repo/semantics/other"))
        add("type", f"{meta.degree.value.replace('_', ' ')} thesis")
    add("type", "Text")
    add("format", _MIME.get(record.format, record.format))
    add("identifier", landing_url(settings, record.id))
    add("identifier", persistent_id(settings, record.id))
    for language in meta.languages or [record.language]:
        add("language", language)
    if record.supersedes:
        add("relation", landing_url(settings, record.supersedes))  # the earlier version this one replaces
    for statement in rights(record, today):
        add("rights", statement)
    return root


def rights(record: ThesisRecord, today: date) -> list[str]:
    """Access (eu-repo term and words) and licence. An embargoed thesis's metadata is
    public, its text is not until the embargo lifts; restricted ones never get here."""
    meta = record.metadata
    out: list[str] = []
    if meta.access == "embargoed" and meta.embargo_until is not None and not is_public(record, today):
        out += ["info:eu-repo/semantics/embargoedAccess", f"Embargoed until {meta.embargo_until.isoformat()}: "
                "the metadata is public, the full text is not"]
    elif is_public(record, today):
        out.append("info:eu-repo/semantics/openAccess")
        if meta.access == "embargoed" and meta.embargo_until is not None:
            out.append(f"Open access since the embargo ended on {meta.embargo_until.isoformat()}")
    else:
        out.append("info:eu-repo/semantics/restrictedAccess")
    if meta.licence:
        out.append(meta.licence)
    return out
