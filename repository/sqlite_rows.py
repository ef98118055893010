"""How repository values are laid out in SQLite rows (encoding and decoding)."""

from __future__ import annotations

import lzma
import zlib
from datetime import datetime, timezone
from typing import Any

import numpy as np

from ingest.document import Document
from repository.models import ThesisMetadata, ThesisRecord
from similarity.fingerprint import Fingerprints

THESIS_COLUMNS = (
    "t.pk, t.id, t.sha256, t.original_filename, t.size_bytes, t.format, t.language, t.pages,"
    " t.characters, t.passages, t.created_at, t.params_key, t.metadata_json, t.supersedes"
)


def minhash_blobs(document: Document, fingerprints: Fingerprints) -> dict[int, bytes]:
    """Passage index -> uint64 little-endian MinHash bytes; checks they fit the document."""
    indexes = {p.index for p in document.passages}
    if len(indexes) != len(document.passages):
        raise ValueError("document passage indexes are not unique")
    num_perm = fingerprints.params.num_perm
    out: dict[int, bytes] = {}
    for fp in fingerprints.passages:
        if fp.passage_index not in indexes:
            raise ValueError(f"fingerprint for passage {fp.passage_index}, which the document lacks")
        if fp.passage_index in out:
            raise ValueError(f"two fingerprints for passage {fp.passage_index}")
        if fp.hashvalues:
            if len(fp.hashvalues) != num_perm:
                raise ValueError(f"passage {fp.passage_index}: {len(fp.hashvalues)} hash values, expected {num_perm}")
            out[fp.passage_index] = np.asarray(fp.hashvalues, dtype="<u8").tobytes()
    return out


# Band keys are stored without their low 16 bits (schema v5): SQLite then stores a
# 6-byte integer instead of an 8-byte one, ~2 of ~18 bytes per lsh_band row. 48 bits
# still leave chance collisions negligible: at 10^9 stored rows, about 4 in a million
# query keys meet an unrelated stored key (and one chance band hit never makes a source).
BAND_KEY_SHIFT = 16


def stored_band_key(key: int) -> int:
    """The ``lsh_band.key`` value of a band key (see BAND_KEY_SHIFT)."""
    return key >> BAND_KEY_SHIFT


def encode_document(document: Document) -> bytes:
    """``document.data``: LZMA ("alone" format) of the Document JSON. Schema v5; about 23 %
    smaller than zlib for thesis JSON (offsets of sentences and passages compress well),
    ~140 ms per 250k-character thesis to compress (before the write lock), ~5 ms to read."""
    return lzma.compress(document.model_dump_json().encode("utf-8"), format=lzma.FORMAT_ALONE, preset=6)


def document_json(blob: bytes) -> bytes:
    """The Document JSON of a ``document.data`` blob: LZMA (v5) or zlib (written before v5).
    zlib streams always begin with 0x78 ("x"); an LZMA-alone stream at preset 6 with 0x5d."""
    if blob[:1] == b"x":
        return zlib.decompress(blob)
    return lzma.decompress(blob, format=lzma.FORMAT_ALONE)


def band_rows(passage_keys: list[tuple[int, int]], pk_of: dict[int, int]) -> tuple[list[int], list[int]]:
    """Distinct (band key, passage pk) rows sorted by key, as two lists (numpy: ~10x a Python sort)."""
    if not passage_keys:
        return [], []
    pairs = np.array(passage_keys, dtype=np.int64)  # columns: passage index, key
    indexes = np.fromiter(pk_of, dtype=np.int64, count=len(pk_of))
    pks = np.fromiter(pk_of.values(), dtype=np.int64, count=len(pk_of))
    order = np.argsort(indexes)
    pk = pks[order][np.searchsorted(indexes[order], pairs[:, 0])]
    key = pairs[:, 1]
    sort = np.lexsort((pk, key))
    key, pk = key[sort], pk[sort]
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = (key[1:] != key[:-1]) | (pk[1:] != pk[:-1])
    return key[keep].tolist(), pk[keep].tolist()


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def record_from_row(row: tuple[Any, ...]) -> ThesisRecord:
    (_, id_, sha256, filename, size, fmt, language, pages, characters, passages, created, key, meta, supersedes) = row
    return ThesisRecord(
        id=id_,
        sha256=sha256,
        original_filename=filename,
        size_bytes=size,
        format=fmt,
        language=language,
        pages=pages,
        characters=characters,
        passages=passages,
        created_at=datetime.fromisoformat(created),
        fingerprint_params_key=key,
        metadata=ThesisMetadata.model_validate_json(meta),
        supersedes=supersedes,
    )
