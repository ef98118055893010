"""File -> :class:`~ingest.document.Document`: extract, split, group, detect language, flag."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field

from ingest.document import Document, Passage
from ingest.errors import IngestError
from ingest.evasion import evasion_flags
from ingest.extract import Extracted, ExtractLimits, extract_bytes, extract_isolated, read_file
from ingest.language import detect_languages
from ingest.passages import make_passages
from ingest.sentences import split_sentences
from ingest.structure.read import read_structure


class IngestOptions(BaseModel):
    model_config = ConfigDict(frozen=True)
    limits: ExtractLimits = Field(default_factory=ExtractLimits)
    passage_target_words: int = Field(default=80, ge=1)
    isolate: bool = True  # extract in a child process under limits.timeout_s (see ingest.extract.isolate)


def ingest_file(path: Path, options: IngestOptions | None = None) -> Document:
    """Read the file at ``path`` into a Document; errors are :class:`IngestError` with ``path`` set."""
    options = options or IngestOptions()
    path = Path(path)
    return ingest_bytes(read_file(path, options.limits), path.name, options)


def ingest_bytes(data: bytes, filename: str, options: IngestOptions | None = None) -> Document:
    """Turn the bytes of a file named ``filename`` into a Document; nothing is written to disk."""
    options = options or IngestOptions()
    name = PurePath(filename).name
    extracted = (extract_isolated if options.isolate else extract_bytes)(data, name, options.limits)
    try:
        return _build(extracted, name, hashlib.sha256(data).hexdigest(), options)
    except IngestError as err:
        err.path = err.path or name
        raise


def _build(extracted: Extracted, name: str, sha256: str, options: IngestOptions) -> Document:
    text = extracted.text
    sentences = split_sentences(text)
    target = options.passage_target_words
    spans = make_passages(text, sentences, target_words=target, max_words=max(2 * target, 1))
    languages = detect_languages([text[s:e] for s, e in spans])
    passages = [
        Passage(index=i, start=s, end=e, language=lang) for i, ((s, e), lang) in enumerate(zip(spans, languages))
    ]
    return Document(
        text=text,
        source_name=name,
        format=extracted.format,
        sha256=sha256,
        pages=extracted.pages,
        sentences=sentences,
        passages=passages,
        language=_main_language(passages),
        flags=evasion_flags(text) + extracted.flags,
        footnotes=extracted.footnotes,
        ocr_pages=extracted.ocr_pages,
        **read_structure(text, extracted.pages, passages),
    )


def _main_language(passages: list[Passage]) -> str:
    """The language covering the most passage characters ("other" without passages)."""
    chars: dict[str, int] = {}
    for p in passages:
        chars[p.language] = chars.get(p.language, 0) + p.end - p.start
    return max(chars, key=chars.__getitem__) if chars else "other"
