"""The demo corpus: a small repository and a submission with known copying.

Built from licensed text that ships in ``api/demo/data`` (see README.txt there).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def _read(name: str) -> str:
    return resources.files("api.demo").joinpath("data", name).read_text(encoding="utf-8")


def lvtb_documents() -> list[tuple[str, str]]:
    """``(id, text)`` of the LVTB documents."""
    docs = []
    for block in re.split(r"^### ", _read("lvtb-docs.lv.txt"), flags=re.M):
        head, _, body = block.partition("\n")
        body = body.strip()
        if head.strip() and len(body.split()) >= 40:
            docs.append((head.strip(), body))
    return docs


def _drop_some_diacritics(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        if rng.random() < 0.3:
            words[i] = "".join(
                c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c)
            )
    return " ".join(words)


def _swap_some_words(text: str, rng: random.Random, n: int = 3) -> str:
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(1, max(len(words) - 2, 2))
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def _write_docx(path: Path, paragraphs: list[str]) -> None:
    from docx import Document as DocxDocument  # imported only when the demo runs

    doc = DocxDocument()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))


@dataclass(slots=True)
class DemoCorpus:
    theses_dir: Path
    submission: Path
    copied_characters: int
    submission_characters: int


def build(out: Path, *, seed: int = 7, theses: int = 10, docs_per_thesis: int = 12) -> DemoCorpus:
    """Write demo theses (TXT and one DOCX) with metadata and a submission into ``out``."""
    rng = random.Random(seed)
    docs = lvtb_documents()
    rng.shuffle(docs)
    theses_dir = out / "theses"
    theses_dir.mkdir(parents=True, exist_ok=True)
    meta = []
    bodies: list[list[str]] = []
    for t in range(theses):
        part = [text for _, text in docs[t * docs_per_thesis : (t + 1) * docs_per_thesis]]
        bodies.append(part)
        if t == 1:  # one thesis as Word, to show that formats do not matter
            name = f"demo-thesis-{t + 1:02d}.docx"
            _write_docx(theses_dir / name, part)
        else:
            name = f"demo-thesis-{t + 1:02d}.txt"
            (theses_dir / name).write_text("\n\n".join(part) + "\n", encoding="utf-8")
        meta.append(
            {
                "file": name,
                "title": f"Demonstrācijas darbs Nr. {t + 1}",
                "authors": [f"Demo Autors {t + 1}"],
                "institution": ["Latvijas Universitāte", "Rīgas Tehniskā universitāte", "Daugavpils Universitāte"][t % 3],
                "year": 2015 + t,
                "degree": ["bachelor", "master", "professional"][t % 3],
                "language": "lv",
            }
        )
    english = _read("udhr.en.txt")
    (theses_dir / "udhr-en.txt").write_text(english, encoding="utf-8")
    meta.append({"file": "udhr-en.txt", "title": "Universal Declaration of Human Rights", "authors": ["United Nations"], "year": 1948, "language": "en"})
    (theses_dir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")

    # The submission: the writer's own text with copied and lightly edited passages.
    own = [text for _, text in docs[theses * docs_per_thesis : theses * docs_per_thesis + 14]]
    english_paragraphs = [p for p in english.split("\n\n") if len(p.split()) > 25]
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-ZĀČĒĢĪĶĻŅŠŪŽ])", bodies[6][2])[0]
    head, dot, tail = own[10].partition(". ")
    mixed = f"{head}{dot}{sentence} {tail}"  # one copied sentence inside the writer's paragraph
    copies = [
        bodies[0][3],  # a whole section copied verbatim
        _drop_some_diacritics(bodies[2][5], rng),  # diacritics dropped
        _swap_some_words(bodies[4][1], rng),  # a few words swapped
        english_paragraphs[3],  # an English source copied
    ]
    paragraphs = [own[0], own[1], copies[0], own[2], own[3], copies[1], own[4], copies[2],
                  own[5], own[6], copies[3], own[7], own[8], own[9], mixed, own[11], own[12]]
    text = "\n\n".join(paragraphs)
    copied = sum(len(c) for c in copies) + len(sentence)
    submission = out / "submission.txt"
    submission.write_text(text + "\n", encoding="utf-8")
    return DemoCorpus(theses_dir, submission, copied, len(text) + 1)
