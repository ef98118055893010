"""The published XML schemas of OAI-PMH responses, shipped so validation needs no network.

See ``README.md`` here for where each file comes from and its licence.
"""

from __future__ import annotations

from pathlib import Path

SCHEMA_DIR = Path(__file__).parent
OAI_PMH_XSD = SCHEMA_DIR / "OAI-PMH.xsd"
OAI_DC_XSD = SCHEMA_DIR / "oai_dc.xsd"

# namespace -> local file, and upstream schemaLocation -> local file: what a validator
# (e.g. ``xmlschema.XMLSchema(..., locations=...)``) needs to resolve every import offline.
NAMESPACE_FILES = {
    "http://www.openarchives.org/OAI/2.0/": OAI_PMH_XSD,
    "http://www.openarchives.org/OAI/2.0/oai_dc/": OAI_DC_XSD,
    "http://purl.org/dc/elements/1.1/": SCHEMA_DIR / "simpledc20021212.xsd",
    "http://www.w3.org/XML/1998/namespace": SCHEMA_DIR / "xml.xsd",
}
LOCATIONS = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": OAI_PMH_XSD,
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": OAI_DC_XSD,
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": SCHEMA_DIR / "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": SCHEMA_DIR / "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": SCHEMA_DIR / "xml.xsd",
}
