"""The structure of a thesis: its sections (front matter, abstracts, contents, body,
bibliography, appendices), found from heading lines in Latvian and English."""

from ingest.structure.sections import find_sections

__all__ = ["find_sections"]
