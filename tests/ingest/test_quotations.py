"""Quotations in Latvian and English typography, unbalanced marks, block quotes."""

from __future__ import annotations

import io

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.pipeline import ingest_bytes
from ingest.quotations import find_quotations


def quoted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_quotations(text)]


def test_latvian_quotes() -> None:
    text = (
        "Kā raksta Bērziņš, „digitālie rīki maina studiju procesu visās augstskolās“ (Bērziņš, 2020, 15. lpp.). "
        "Cits autors uzskata, ka „tehnoloģijas pašas par sevi neko neuzlabo”, ja trūkst mērķa."
    )
    assert quoted(text) == [
        "„digitālie rīki maina studiju procesu visās augstskolās“",
        "„tehnoloģijas pašas par sevi neko neuzlabo”",
    ]


def test_english_and_other_quotes() -> None:
    text = (
        "Smith argues that “online teaching needs a different kind of planning” (2019, p. 4), "
        'and Jones adds "students learn more when they can ask questions". '
        "The French term «apprentissage en ligne à distance» is used, and ‘a quotation inside single marks’ too."
    )
    assert quoted(text) == [
        "“online teaching needs a different kind of planning”",
        '"students learn more when they can ask questions"',
        "«apprentissage en ligne à distance»",
        "‘a quotation inside single marks’",
    ]


def test_short_quotes_and_apostrophes_are_not_quotations() -> None:
    text = "The so-called “blended” model isn’t new; students’ “flipped classroom” work and don’t ‘care’ much."
    assert quoted(text) == []


def test_unbalanced_quote_does_not_swallow_the_text() -> None:
    text = (
        "Autors raksta „šis citāts nekad netiek aizvērts un turpinās līdz rindkopas beigām.\n\n"
        "Nākamajā rindkopā ir „īsts citāts ar pietiekami daudz vārdu“ un vēl teksts.\n\n"
        "Te ir “vēl viens neaizvērts sākums un tad “pareizs citāts ar četriem vārdiem” beigās."
    )
    assert quoted(text) == [
        "„īsts citāts ar pietiekami daudz vārdu“",
        "“pareizs citāts ar četriem vārdiem”",
    ]


def test_quotes_do_not_span_paragraph_breaks() -> None:
    text = "Sākums „pirmā rindkopa ar vārdiem\n\notrā rindkopa ar vārdiem“ beigas."
    assert quoted(text) == []
    wrapped = "Sākums „pirmā rinda ar vārdiem\notrā rinda ar vārdiem“ beigas."
    assert quoted(wrapped) == ["„pirmā rinda ar vārdiem\notrā rinda ar vārdiem“"]


def test_nested_quotes_are_one_quotation() -> None:
    text = "Viņš teica: „Skolotājs mums atkārtoja ‘mācieties katru dienu’ un smaidīja“."
    assert quoted(text) == ["„Skolotājs mums atkārtoja ‘mācieties katru dienu’ un smaidīja“"]


def test_indented_block_quote_in_txt() -> None:
    body = "Šī ir parasta rindkopa ar tekstu, kas apraksta pētījumu un tā rezultātus."
    block = "    Izglītība ir spēcīgākais ierocis, ko var izmantot,\n    lai mainītu pasauli."
    text = f"{body}\n\n{block}\n\n{body}"
    spans = find_quotations(text)
    assert [text[s.start : s.end] for s in spans] == [block.lstrip()]
    markdown = f"{body}\n\n> Izglītība ir spēcīgākais ierocis,\n> lai mainītu pasauli.\n\n{body}"
    assert quoted(markdown) == ["> Izglītība ir spēcīgākais ierocis,\n> lai mainītu pasauli."]
    # when every paragraph is indented, indentation is the paragraph style, not a quotation
    styled = "\n\n".join("    " + p for p in [body, body, body])
    assert quoted(styled) == []


def test_docx_paragraph_wholly_in_quotes() -> None:
    d = docx.Document()
    d.add_paragraph("Šī ir parasta rindkopa ar tekstu, kas apraksta pētījumu.")
    d.add_paragraph("„Izglītība ir spēcīgākais ierocis, ko var izmantot, lai mainītu pasauli.“")
    d.add_paragraph("Pēc citāta seko autora komentārs par tā nozīmi.")
    buf = io.BytesIO()
    d.save(buf)
    doc = ingest_bytes(buf.getvalue(), "darbs.docx")
    assert [doc.text[q.start : q.end] for q in doc.quotations] == [
        "„Izglītība ir spēcīgākais ierocis, ko var izmantot, lai mainītu pasauli.“"
    ]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab „“”\"«»‘’\n.")), max_size=200))
def test_spans_are_ordered_and_inside_the_text(text: str) -> None:
    spans = find_quotations(text)
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
