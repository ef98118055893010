"""Parse untrusted XML without entity expansion, external entities or network access."""

from __future__ import annotations

from typing import Any

from ingest.errors import CorruptFile


def parse_xml(data: bytes, what: str) -> Any:
    """An lxml root element of ``data``; DTDs, entities and huge trees are refused."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, dtd_validation=False, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"the {what} is malformed (its XML cannot be parsed: {str(exc)[:80]})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise CorruptFile(f"the {what} declares a DTD, which is not allowed in documents")
    return root
