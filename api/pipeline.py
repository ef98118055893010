"""The check pipeline: ingest -> fingerprint -> repository candidates -> align -> report.

Used by the CLI now and by the web service and workers later. It takes its
collaborators (settings, repository) from the caller; nothing is global.
"""

from __future__ import annotations

import platform
import time
from contextlib import contextmanager
from functools import cached_property
from dataclasses import dataclass
from importlib import metadata as pkg_metadata
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.checksum import sha256_file
from ingest.document import Document
from ingest.errors import IngestError
from ingest.extract import ExtractLimits
from ingest.pipeline import IngestOptions, ingest_file
from repository.protocols import Repository
from repository.models import Candidate, ThesisMetadata, ThesisRecord
from similarity.align import Alignment, align
from similarity.detect import combine
from similarity.embeddings.base import Embedder, PassageVectors
from similarity.embeddings.factory import make_embedder
from similarity.fingerprint import fingerprint_document
from similarity.semantic import EmbeddedText, align_semantic, embed_text
from similarity.translate.base import Translator
from similarity.translate.factory import make_translator
from similarity.translate.view import translated_view
from similarity.report.builder import SourceAlignment, build_report
from similarity.report.model import Exclusions, Report, SourceRef
from similarity.shingles import tokenize, tokenize_region

from api.settings import Settings


@dataclass(slots=True)
class AddOutcome:
    path: Path
    status: Literal["added", "skipped", "failed"]
    record: ThesisRecord | None = None
    reason: str = ""


def _version(dist: str) -> str:
    try:
        return pkg_metadata.version(dist)
    except pkg_metadata.PackageNotFoundError:
        return "unknown"


class Checker:
    """Adds theses to a repository and checks submissions against it."""

    def __init__(self, settings: Settings, repository: Repository) -> None:
        self.settings = settings
        self.repository = repository
        self.ingest_options = IngestOptions(
            limits=ExtractLimits(
                max_bytes=settings.max_file_mb * 1024 * 1024,
                max_pages=settings.max_pages,
                timeout_s=settings.extract_timeout_s,
                ocr=settings.ocr,
            ),
            passage_target_words=settings.passage_words,
        )
        self.last_timings: dict[str, float] = {}
        self.last_embedded: EmbeddedText | None = None

    @contextmanager
    def _timed(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.last_timings[stage] = self.last_timings.get(stage, 0.0) + time.perf_counter() - t0

    def ingest(self, path: Path) -> Document:
        return ingest_file(path, self.ingest_options)

    def add(self, path: Path, metadata: ThesisMetadata, *, supersedes: str | None = None) -> AddOutcome:
        """Add one file (``supersedes``: the id of its earlier version). Never raises for
        a bad file: the outcome says what happened."""
        try:
            existing = self.repository.find_by_sha256(sha256_file(path))
        except OSError as exc:
            return AddOutcome(path, "failed", reason=f"cannot read the file ({exc.strerror or exc})")
        if existing is not None:
            return AddOutcome(path, "skipped", existing, reason=f"already in the repository as {existing.id}")
        try:
            document = self.ingest(path)
        except IngestError as exc:
            return AddOutcome(path, "failed", reason=exc.reason)
        record = self.add_document(document, metadata, original_filename=path.name,
                                   size_bytes=path.stat().st_size, supersedes=supersedes)
        return AddOutcome(path, "added", record)

    def add_document(self, document: Document, metadata: ThesisMetadata, *, original_filename: str,
                     size_bytes: int, supersedes: str | None = None,
                     embedded: EmbeddedText | None = None) -> ThesisRecord:
        """Store an ingested document (fingerprints, and passage vectors when the semantic
        path is on; ``embedded``: its sentence vectors from a check, so nothing is embedded
        twice). Raises the repository's errors (DuplicateThesis, NotFound, VersionConflict)."""
        fingerprints = fingerprint_document(document, self.settings.minhash)
        vectors = None
        if self.settings.semantic_enabled:
            vectors = (pooled_passage_vectors(document, embedded) if embedded is not None
                       else self._passage_vectors(document))
        return self.repository.add(
            metadata,
            document,
            fingerprints,
            original_filename=original_filename,
            size_bytes=size_bytes,
            supersedes=supersedes,
            vectors=vectors,
        )

    def check(self, path: Path, *, version_of: str | None = None) -> Report:
        """Compare a file with the repository without storing it. Raises IngestError.

        ``version_of``: a stored thesis this file is a version of; no version of
        that thesis is compared.
        """
        self.last_timings = {}
        with self._timed("ingest"):
            document = self.ingest(path)
        return self.check_document(document, reset_timings=False, version_of=version_of)

    def check_document(
        self, document: Document, *, reset_timings: bool = True, version_of: str | None = None
    ) -> Report:
        s = self.settings
        if reset_timings:
            self.last_timings = {}
        with self._timed("fingerprint"):
            tokens = tokenize(document.text, fold_diacritics=s.minhash.fold_diacritics)
            fingerprints = fingerprint_document(document, s.minhash, tokens)
        with self._timed("candidates"):
            own = self.repository.find_by_sha256(document.sha256)
            # Never compare a thesis with its own versions (earlier or later).
            exclude = self.repository.version_family(own.id) if own else set()
            if version_of is not None:
                exclude |= self.repository.version_family(version_of)
            candidates = self.repository.candidates(fingerprints, limit=s.max_candidates, exclude=exclude)
        view = None
        if self.translator is not None:
            with self._timed("translate"):
                view = translated_view(document, self.translator, s.minhash)
            if view is not None:
                with self._timed("candidates"):
                    found = self.repository.candidates(view.fingerprints, limit=s.max_candidates, exclude=exclude)
                candidates = _merge_candidates(candidates, found)
        susp_embedded = None
        semantic_passages: dict[str, set[int]] = {}
        if s.semantic_enabled:
            with self._timed("embed_submission"):
                # one embedding pass: sentences, and passage vectors pooled from them
                susp_embedded = embed_text(document.text, self.embedder, s.semantic)
                self.last_embedded = susp_embedded  # reused by add_document after a check
                vectors = pooled_passage_vectors(document, susp_embedded)
            with self._timed("vector_candidates"):
                candidates, semantic_passages = self._merge_vector_candidates(candidates, vectors, exclude)
        aligned: list[SourceAlignment] = []
        for cand in candidates:
            with self._timed("load_sources"):
                record = self.repository.get(cand.thesis_id)
                source_doc = self.repository.document(cand.thesis_id)
            with self._timed("align"):
                alignments = []
                for start, end in candidate_regions(source_doc, cand.passages, s.region_passages):
                    region = tokenize_region(source_doc.text, start, end, fold_diacritics=s.minhash.fold_diacritics)
                    found = align(tokens, region, s.align)
                    if view is not None:  # machine-translated copying, mapped back to the submission
                        moved = view.to_original(align(view.tokens, region, s.align), document.text)
                        found = combine(found, moved)
                    alignments.extend(found)
                # Sentences are embedded only where a passage vector pointed (the hit passage and
                # its neighbours): a region found by LSH alone is a verbatim region, and embedding
                # every such source region would cost more than the submission itself.
                near = [(cand.thesis_id, k) for k in sorted(semantic_passages.get(cand.thesis_id, ()))]
                if susp_embedded is not None and near:
                    for start, end in candidate_regions(source_doc, near, 1):
                        alignments = self._with_semantic(alignments, susp_embedded, source_doc, start, end)
                if susp_embedded is not None:  # as `kratuve pan align` measures it: pieces of one copy joined
                    alignments = combine(alignments, [], s.semantic_join_chars)
            if alignments:
                aligned.append(SourceAlignment(_source_ref(record), source_doc, alignments))
        self.last_timings["candidates_found"] = len(candidates)
        return build_report(
            document,
            aligned,
            exclusions=Exclusions(
                min_words=s.min_match_words,
                quotations=s.exclude_quotations,
                bibliography=s.exclude_bibliography,
            ),
            sources_compared=self.repository.count(),
            versions=self.versions(ocr_used=bool(document.ocr_pages)),
        )

    @cached_property
    def translator(self) -> Translator | None:
        """The machine-translation hook (``KRATUVE_TRANSLATOR__KIND``), or None."""
        return make_translator(self.settings.translator)

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings.embedding)

    def _passage_vectors(self, document: Document) -> PassageVectors:
        return pooled_passage_vectors(document, embed_text(document.text, self.embedder, self.settings.semantic))

    def _merge_vector_candidates(
        self, candidates: list[Candidate], vectors: PassageVectors, exclude: set[str]
    ) -> tuple[list[Candidate], dict[str, set[int]]]:
        """Add the theses whose passages are nearest to the submission's (retrieve, then verify).

        The nearest passages only choose where to look; whether anything there is a
        paraphrase or translation is decided by the calibrated sentence alignment.
        Theses are ranked by the summed cosine of their nearest passages. Also
        returns, per chosen thesis, the source passages the vectors pointed at.
        """
        s = self.settings
        # Same-language neighbours outscore translations in a multilingual space,
        # so each language of the stored passages is searched on its own.
        hits = []
        for language in sorted(_SEARCH_LANGUAGES):
            hits += self.repository.nearest_passages(
                vectors.model, vectors.vectors, k=s.semantic_neighbours, exclude=exclude, languages={language},
                min_score=s.semantic_min_cosine,
            )
        # the best hits first, at most semantic_source_passages distinct source passages
        hits.sort(key=lambda h: -h[3])
        kept: set[tuple[str, int]] = set()
        for _, thesis_id, passage_index, _ in hits:
            if len(kept) >= s.semantic_source_passages:
                break
            kept.add((thesis_id, passage_index))
        hits = [h for h in hits if (h[1], h[2]) in kept]
        pairs: dict[str, set[tuple[int, int]]] = {}
        weight: dict[str, float] = {}
        for query_index, thesis_id, passage_index, score in hits:
            pairs.setdefault(thesis_id, set()).add((vectors.passage_indexes[query_index], passage_index))
            weight[thesis_id] = weight.get(thesis_id, 0.0) + score
        chosen = sorted(weight, key=lambda t: (-weight[t], t))[: s.semantic_candidates]
        by_id = {c.thesis_id: c for c in candidates}
        for thesis_id in chosen:
            found = pairs[thesis_id]
            if thesis_id in by_id:
                found |= set(by_id[thesis_id].passages)
            by_id[thesis_id] = Candidate(thesis_id=thesis_id, hits=len(found), passages=sorted(found))
        lsh_ids = {c.thesis_id for c in candidates}
        merged = [by_id[c.thesis_id] for c in candidates] + [by_id[t] for t in chosen if t not in lsh_ids]
        return merged, {t: {idx for _, idx in pairs[t]} for t in chosen}

    def _with_semantic(
        self, verbatim: list[Alignment], susp_embedded: EmbeddedText, source: Document, start: int, end: int
    ) -> list[Alignment]:
        """Paraphrased or translated matches in ``source.text[start:end]`` that verbatim ones do not cover."""
        src_embedded = embed_text(source.text, self.embedder, self.settings.semantic, start=start, end=end)
        semantic = align_semantic(
            susp_embedded, src_embedded, self.settings.semantic, skip_susp=[a.susp_chars for a in verbatim]
        )
        return combine(verbatim, semantic)

    def versions(self, *, ocr_used: bool = False) -> dict:
        out = {
            "kratuve": _version("kratuve"),
            "python": platform.python_version(),
            "datasketch": _version("datasketch"),
            "pypdfium2": _version("pypdfium2"),
            "minhash": self.settings.minhash.model_dump(),
            "align": self.settings.align.model_dump(),
            "passage_words": self.settings.passage_words,
            "translator": self.translator.translator_id if self.translator is not None else "none",
        }
        if self.settings.semantic_enabled:
            out["embedding_model"] = self.embedder.info.key()
            out["semantic"] = self.settings.semantic.model_dump()
        if ocr_used:
            out["tesseract"] = _tesseract_version()
            out["ocr_languages"] = self.ingest_options.limits.ocr_languages
        return out


_SEARCH_LANGUAGES = frozenset({"lv", "en", "other"})


def _tesseract_version() -> str:
    import subprocess

    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split()[-1] if first else "unknown"


def _merge_candidates(first: list[Candidate], more: list[Candidate]) -> list[Candidate]:
    """``first`` in its order, then theses only in ``more``; passage pairs of both joined."""
    by_id = {c.thesis_id: c for c in first}
    extra = []
    for c in more:
        if c.thesis_id in by_id:
            old = by_id[c.thesis_id]
            pairs = sorted(set(old.passages) | set(c.passages))
            by_id[c.thesis_id] = Candidate(thesis_id=c.thesis_id, hits=len(pairs), passages=pairs)
        else:
            extra.append(c)
    return [by_id[c.thesis_id] for c in first] + extra


def candidate_regions(source: Document, hits: list[tuple[int, int]], context: int) -> list[tuple[int, int]]:
    """Character ranges of a source worth aligning: its hit passages with ``context`` around.

    Aligning only there keeps a check's cost proportional to what matched, not
    to the size of every candidate thesis. Touching ranges are merged.
    """
    n = len(source.passages)
    if n == 0:
        return [(0, len(source.text))]
    wanted = sorted({k for _, idx in hits for k in range(max(idx - context, 0), min(idx + context, n - 1) + 1)})
    ranges: list[list[int]] = []
    for k in wanted:
        if ranges and k == ranges[-1][1] + 1:
            ranges[-1][1] = k
        else:
            ranges.append([k, k])
    return [(source.passages[a].start, source.passages[b].end) for a, b in ranges]


POOLED_SUFFIX = "+sentence-mean"


def pooled_passage_vectors(document: Document, embedded: EmbeddedText) -> PassageVectors:
    """Passage vectors pooled from sentence vectors: the normalised mean of the vectors
    of the sentences whose middle lies in the passage (or, for a passage holding no
    sentence middle, of the sentences it overlaps).

    A check embeds the submission once, sentence by sentence (the semantic
    alignment needs those), instead of embedding every word a second time as
    passages. Pooled vectors carry the model id with ``+sentence-mean``, so they
    are never compared with vectors of whole embedded passages.
    """
    info = embedded.info.model_copy(update={"model_id": embedded.info.model_id + POOLED_SUFFIX})
    segments = embedded.segments
    mids = [(seg.start + seg.end) // 2 for seg in segments]
    indexes, rows = [], []
    for passage in document.passages:
        inside = [k for k, m in enumerate(mids) if passage.start <= m < passage.end]
        if not inside:
            inside = [k for k, seg in enumerate(segments) if seg.start < passage.end and passage.start < seg.end]
        if not inside:
            continue
        mean = embedded.vectors[inside].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm > 0:
            indexes.append(passage.index)
            rows.append(mean / norm)
    vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, info.dim), np.float32)
    return PassageVectors(info, indexes, vectors)


def _source_ref(record: ThesisRecord) -> SourceRef:
    m = record.metadata
    return SourceRef(
        id=record.id,
        title=m.title,
        authors=m.author_names,
        institution=m.institution,
        year=m.year,
    )
