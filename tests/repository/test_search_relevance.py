"""Search relevance: nDCG@10 of Latvian and English queries with known relevant theses.

The corpus is built from texts with distinct topics (tests/data/relevance, see its
README): twelve LVTB documents (news on fuel prices, waste management, road works,
administrative law, a restaurant review, a short story...) become Latvian theses, the
thirty UDHR articles become six English theses of five articles. Relevance is known by
construction: each query names the thesis it was written for (grade 2), and every other
thesis whose text contains the query's ``base`` string, a form written out by hand,
counts as partly relevant (grade 1). Queries use inflected Latvian forms that differ from
the form in the text, drop diacritics, or are English.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pytest

from repo_corpus import make_document
from repository.embedded import EmbeddedRepository
from repository.models import ThesisMetadata
from repository.text_analysis import fold
from similarity.fingerprint import MinHashParams, fingerprint_document

DATA = Path(__file__).resolve().parents[1] / "data" / "relevance"
TODAY = date(2026, 6, 1)

LV_TITLES = {
    "d197": "Vakars kafejnīcā: stāsts",
    "p13381": "Ceļu remonti uz valsts autoceļiem",
    "p134": "Pagaidu noregulējums administratīvajā procesā",
    "p13513": "Restorāna vakars un rudens ēdienkarte",
    "p14185": "Ko ārsts pacientam nestāsta",
    "p3732": "Valsts kontroles revīzija Jelgavā",
    "p3739": "Degvielas mazumtirgotāju apvienošanās",
    "p3754": "Sadzīves atkritumu apsaimniekošana reģionā",
    "p980": "Valsts prezidenta vizīte Strenčos",
    "s9": "Saeimas deputātu apakškomisija",
    "z108": "Nodarbinātības politika Eiropas valstīs",
    "z109": "Cionisms un ebreju apgaismība",
}
EN_TITLES = {
    "udhr-1": "Dignity, equality and security of person",
    "udhr-2": "Equality before the law and fair trial",
    "udhr-3": "Privacy, movement, asylum and nationality",
    "udhr-4": "Marriage, property, thought and assembly",
    "udhr-5": "Democracy, social security, work and living standards",
    "udhr-6": "Education, culture and duties to the community",
}

# (query, thesis it was written for, base form whose presence makes another thesis partly relevant)
QUERIES: list[tuple[str, str, str]] = [
    # Latvian, inflected differently from the text
    ("degvielai", "p3739", "degviel"),
    ("atkritumos", "p3754", "atkritum"),
    ("pacientiem", "p14185", "pacient"),
    ("restorānā", "p13513", "restorān"),
    ("šefpavāram", "p13513", "šefpavār"),
    ("bezdarbs", "z108", "bezdarb"),
    ("nodarbinātība", "z108", "nodarbinātīb"),
    ("cionismā", "z109", "cionism"),
    ("ebrejs", "z109", "ebrej"),
    ("luksoforus", "p13381", "luksofor"),
    ("būvdarbiem", "p13381", "būvdarb"),
    ("kafejnīcām", "d197", "kafejnīc"),
    ("noregulējumam", "p134", "noregulējum"),
    ("apsaimniekošanai", "p3754", "apsaimniekošan"),
    ("apakškomisijai", "s9", "apakškomisij"),
    ("revīzijas", "p3732", "revīzij"),
    ("Zatleru", "p980", "zatler"),
    ("šampanietis", "d197", "šampaniet"),
    # Latvian without diacritics
    ("atkritumu poligons", "p3754", "poligon"),
    ("pacienta arsts", "p14185", "pacient"),
    ("administrativa procesa", "p134", "administratīv"),
    ("kafejnicas meitene", "d197", "kafejnīc"),
    ("sefpavara deserts", "p13513", "šefpavār"),
    ("nodarbinatibas Niderlande", "z108", "nīderland"),
    ("degvielas uzpildes stacijas", "p3739", "uzpildes"),
    # English
    ("asylum from persecution", "udhr-3", "asylum"),
    ("spouses marrying", "udhr-4", "spouses"),
    ("torture", "udhr-1", "torture"),
    ("elementary education", "udhr-6", "elementary"),
    ("nationality", "udhr-3", "nationality"),
    ("voting in elections", "udhr-5", "elections"),
    ("arbitrary arrest", "udhr-2", "arrest"),
    ("unemployment", "udhr-5", "unemployment"),
]
# Inflected Latvian queries (the first block above) must find their thesis first.
INFLECTED = QUERIES[:18]


def lvtb_documents() -> dict[str, str]:
    docs: dict[str, str] = {}
    for block in (DATA / "lvtb-docs.txt").read_text(encoding="utf-8").split("### ")[1:]:
        key, _, text = block.partition("\n")
        docs[key.strip()] = text.strip()
    return docs


def udhr_groups() -> dict[str, str]:
    text = (DATA / "udhr-eng.txt").read_text(encoding="utf-8")
    articles = re.split(r"^Article \d+\n", text, flags=re.MULTILINE)[1:]
    assert len(articles) == 30, "udhr-eng.txt should hold the 30 articles"
    return {f"udhr-{g + 1}": "\n".join(a.strip() for a in articles[5 * g : 5 * g + 5]) for g in range(6)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedRepository, dict[str, str], dict[str, str]]:
    """(repository, thesis id -> corpus key, corpus key -> text)."""
    texts = {**lvtb_documents(), **udhr_groups()}
    params = MinHashParams()
    repo = EmbeddedRepository(tmp_path_factory.mktemp("relevance"))
    key_of: dict[str, str] = {}
    for key, text in texts.items():
        english = key.startswith("udhr")
        title = (EN_TITLES if english else LV_TITLES)[key]
        doc = make_document(text, f"{key}.txt")
        if english:
            doc = doc.model_copy(update={
                "language": "en", "passages": [p.model_copy(update={"language": "en"}) for p in doc.passages],
            })
        record = repo.add(
            ThesisMetadata(title=title, languages=["en" if english else "lv"], year=2020),
            doc, fingerprint_document(doc, params), original_filename=f"{key}.pdf", size_bytes=len(text),
        )
        key_of[record.id] = key
    yield repo, key_of, texts
    repo.close()


def grades(target: str, base: str, texts: dict[str, str]) -> dict[str, int]:
    titles = {**LV_TITLES, **EN_TITLES}
    found = {k: 1 for k, text in texts.items() if fold(base) in fold(titles[k] + " " + text)}
    return {**found, target: 2}


def ndcg_at_10(ranked: list[str], relevance: dict[str, int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted(relevance.values(), reverse=True)[:10])
    return dcg([relevance.get(k, 0) for k in ranked[:10]]) / ideal


def ranked_keys(corpus, query: str) -> list[str]:
    repo, key_of, _ = corpus
    return [key_of[h.thesis_id] for h in repo.search(query, per_page=10, today=TODAY).hits]


def test_the_query_set_is_as_described(corpus) -> None:
    _, _, texts = corpus
    assert len(QUERIES) >= 30 and len(texts) == 18
    # every target contains its base form, so grade 2 is never given for nothing
    for query, target, base in QUERIES:
        assert fold(base) in fold({**LV_TITLES, **EN_TITLES}[target] + " " + texts[target]), query
    # the inflected forms really are absent from their target's text (else stemming is not tested)
    for query, target, _ in INFLECTED:
        words = set(re.findall(r"\w+", texts[target].lower() + " " + LV_TITLES[target].lower()))
        assert not set(query.lower().split()) <= words, query


def test_mean_ndcg_at_10_is_at_least_0_9(corpus) -> None:
    _, _, texts = corpus
    scores = {q: ndcg_at_10(ranked_keys(corpus, q), grades(t, b, texts)) for q, t, b in QUERIES}
    mean = sum(scores.values()) / len(scores)
    worst = sorted(scores.items(), key=lambda qs: qs[1])[:5]
    print(f"mean nDCG@10 over {len(scores)} queries: {mean:.3f}; lowest: {worst}")
    assert mean >= 0.9, f"mean nDCG@10 {mean:.3f}; worst: {worst}"


@pytest.mark.parametrize(("query", "target", "base"), INFLECTED, ids=[q for q, _, _ in INFLECTED])
def test_inflected_latvian_query_finds_its_base_form_first(corpus, query: str, target: str, base: str) -> None:
    ranked = ranked_keys(corpus, query)
    assert ranked and ranked[0] == target, f"{query!r}: {ranked}"


@pytest.mark.parametrize("query", ["pacienta arsts", "kafejnicas meitene", "sefpavara deserts"])
def test_query_without_diacritics_ranks_like_the_written_form(corpus, query: str) -> None:
    written = {"pacienta arsts": "pacienta ārsts", "kafejnicas meitene": "kafejnīcas meitene",
               "sefpavara deserts": "šefpavāra deserts"}[query]
    assert ranked_keys(corpus, query) == ranked_keys(corpus, written)
