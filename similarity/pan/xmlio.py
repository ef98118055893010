"""PAN per-pair XML: truth (``name="plagiarism"``) and detections.

One file per document pair, named ``<susp-stem>-<src-stem>.xml``::

    <document reference="suspicious-document00001.txt">
      <feature name="detected-plagiarism" this_offset="10" this_length="200"
               source_reference="source-document00001.txt" source_offset="0"
               source_length="198"/>
    </document>

Truth files use ``name="plagiarism"`` and carry more attributes
(``obfuscation``, ``this_language``, ``source_language``, ...); those are kept
in :attr:`Detection.attrs`. Offsets count ``str`` characters of the text read
with ``newline=''`` (see :mod:`similarity.pan.corpus`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import PurePath

PLAGIARISM = "plagiarism"
DETECTION = "detected-plagiarism"

_CORE = ("name", "this_offset", "this_length", "source_reference", "source_offset", "source_length")


@dataclass(slots=True)
class Detection:
    """One feature: a suspicious-side range and a source-side range.

    Used for truth cases as well as detections (``name`` tells them apart).
    Ranges are half-open: ``[this_offset, this_offset + this_length)``.
    """

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    name: str = DETECTION
    attrs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for what in ("this_offset", "this_length", "source_offset", "source_length"):
            if getattr(self, what) < 0:
                raise ValueError(f"{what} must be >= 0, got {getattr(self, what)}")

    @property
    def this_end(self) -> int:
        return self.this_offset + self.this_length

    @property
    def source_end(self) -> int:
        return self.source_offset + self.source_length

    @property
    def pair(self) -> tuple[str, str]:
        """The document pair ``(suspicious, source)`` this feature belongs to."""
        return (self.this_reference, self.source_reference)


def pair_filename(susp: str, src: str) -> str:
    """``suspicious-document00001.txt, source-document00002.txt`` →
    ``suspicious-document00001-source-document00002.xml``."""
    return f"{PurePath(susp).stem}-{PurePath(src).stem}.xml"


def write_detections(
    path: str | PathLike[str], susp_name: str, detections: Iterable[Detection]
) -> None:
    """Write one pair's features. Each feature keeps its own ``name`` and ``attrs``,
    so the same function writes truth files (``name="plagiarism"``).

    Every feature must belong to ``susp_name``: one file describes one suspicious
    document.
    """
    root = ET.Element("document", {"reference": susp_name})
    for d in detections:
        if d.this_reference != susp_name:
            raise ValueError(
                f"feature of {d.this_reference!r} written into the file of {susp_name!r}"
            )
        clash = set(d.attrs) & set(_CORE)
        if clash:
            raise ValueError(f"attrs may not override core attributes: {sorted(clash)}")
        attrib = {
            "name": d.name,
            "this_offset": str(d.this_offset),
            "this_length": str(d.this_length),
            "source_reference": d.source_reference,
            "source_offset": str(d.source_offset),
            "source_length": str(d.source_length),
        }
        attrib.update(sorted(d.attrs.items()))
        ET.SubElement(root, "feature", attrib)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def read_features(
    path: str | PathLike[str], names: Iterable[str] = (PLAGIARISM, DETECTION)
) -> list[Detection]:
    """The features of one pair file whose ``name`` is in ``names``, in file order.

    The suspicious reference is the ``<document reference=...>``. Attributes
    other than the six core ones (e.g. ``obfuscation``, ``this_language``,
    ``type``) go to :attr:`Detection.attrs`. A file with no features gives ``[]``.
    """
    wanted = set(names)
    root = ET.parse(path).getroot()
    reference = root.get("reference")
    if reference is None:
        raise ValueError(f"{path}: <document> has no reference attribute")
    out: list[Detection] = []
    for feat in root.iter("feature"):
        a = feat.attrib
        if a.get("name") not in wanted:
            continue
        try:
            out.append(
                Detection(
                    this_reference=reference,
                    this_offset=int(a["this_offset"]),
                    this_length=int(a["this_length"]),
                    source_reference=a["source_reference"],
                    source_offset=int(a["source_offset"]),
                    source_length=int(a["source_length"]),
                    name=a["name"],
                    attrs={k: v for k, v in a.items() if k not in _CORE},
                )
            )
        except KeyError as exc:
            raise ValueError(f"{path}: feature lacks attribute {exc.args[0]!r}") from None
    return out
