"""Small Latvian texts and a Document builder for repository tests.

Documents are built directly with the model (sentences split on end
punctuation, passages of a few sentences), independent of ingest's pipeline.
"""

from __future__ import annotations

import hashlib
import re

from ingest.document import Document, EvasionFlag, Page, Passage, Span

DIGITAL = """\
Augstākās izglītības digitalizācija Latvijā pēdējos gados ir kļuvusi par vienu no svarīgākajām \
izglītības politikas prioritātēm. Universitātes un koledžas iegulda līdzekļus studiju platformās, \
e-studiju vidēs un akadēmiskā personāla digitālo prasmju pilnveidē. Pētījuma mērķis ir novērtēt, \
cik lielā mērā digitālie risinājumi ir integrēti studiju procesā un iekšējā pārvaldībā. Darbā \
izmantotas aptaujas, intervijas ar studiju programmu direktoriem un augstskolu pašnovērtējuma \
ziņojumu analīze. Rezultāti liecina, ka lielākā daļa augstskolu izmanto vienotu e-studiju vidi, \
tomēr tās iespējas bieži paliek neizmantotas. Akadēmiskais personāls norāda uz laika trūkumu un \
nepietiekamu tehnisko atbalstu kā galvenajiem šķēršļiem. Studenti augstu vērtē iespēju piekļūt \
lekciju ierakstiem un elektroniskajiem mācību materiāliem jebkurā laikā. Tajā pašā laikā studenti \
uzsver, ka tiešsaistes nodarbības nevar pilnībā aizstāt klātienes diskusijas un laboratorijas darbus. \
Iekšējo procesu digitalizācija ir nevienmērīga, jo dokumentu aprite daudzviet joprojām notiek papīra \
formā. Autors iesaka izveidot nacionāla līmeņa kompetenču centru, kas konsultētu augstskolas par \
digitālo rīku ieviešanu. Tāpat ieteicams paredzēt mērķētu finansējumu akadēmiskā personāla \
apmācībām un digitālo mācību materiālu izstrādei. Noslēgumā secināts, ka digitalizācija ir \
nepārtraukts process, kura panākumi atkarīgi no vadības atbalsta un skaidras stratēģijas.
"""

FOOD = """\
Augu valsts uztura popularitāte Latvijā pieaug, un arvien vairāk iedzīvotāju izvēlas samazināt \
gaļas patēriņu. Šajā bakalaura darbā pētīti patērētāju motīvi, kas ietekmē pāreju uz augu valsts \
produktiem. Aptaujā piedalījās četri simti respondentu no dažādiem Latvijas reģioniem. Biežāk \
minētie iemesli bija rūpes par veselību, dzīvnieku labturība un vides aizsardzība. Gados jaunāki \
respondenti biežāk norādīja ētiskus apsvērumus, savukārt vecāki respondenti uzsvēra veselības \
ieguvumus. Būtisks šķērslis ir augu valsts produktu cena, kas veikalos bieži ir augstāka nekā \
tradicionālajiem produktiem. Lauku reģionos pieejamība ir ievērojami zemāka nekā lielajās pilsētās. \
Ēdināšanas uzņēmumi pakāpeniski paplašina veģetāro ēdienu piedāvājumu, tomēr izvēle skolās joprojām \
ir ierobežota. Darba noslēgumā ieteikts pašvaldībām iekļaut augu valsts ēdienus publiskajos \
iepirkumos un atbalstīt vietējos ražotājus. Turpmākajos pētījumos būtu vērtīgi salīdzināt uztura \
paradumus Baltijas valstīs.
"""

OWN = """\
Šī maģistra darba temats ir attālinātās mācības profesionālās izglītības iestādēs Kurzemē. \
Pandēmijas laikā skolotāji bija spiesti ļoti īsā laikā apgūt jaunus rīkus un pārveidot mācību \
stundas. Darbā analizēti trīs skolu pieredzes stāsti un skolotāju aptaujas dati. Skolotāji atzīst, \
ka praktisko iemaņu apguve attālināti ir ļoti sarežģīta, īpaši metālapstrādes un būvniecības \
programmās. Vecāki norāda, ka bērniem trūka tiešas saskarsmes ar vienaudžiem un pasniedzējiem. \
Skolu vadība uzsver, ka tehniskais nodrošinājums uzlabojās tikai otrajā mācību gadā. Darba \
noslēgumā sniegti ieteikumi, kā saglabāt noderīgākās attālināto mācību prakses arī turpmāk.
"""

# A passage copied word for word from DIGITAL (its sentences 5 and 6).
COPIED = (
    "Rezultāti liecina, ka lielākā daļa augstskolu izmanto vienotu e-studiju vidi, tomēr tās "
    "iespējas bieži paliek neizmantotas. Akadēmiskais personāls norāda uz laika trūkumu un "
    "nepietiekamu tehnisko atbalstu kā galvenajiem šķēršļiem."
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_spans(text: str) -> list[Span]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append(Span(start=start, end=m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append(Span(start=start, end=len(text.rstrip())))
    return spans


def make_document(
    text: str, source_name: str = "thesis.txt", *, per_passage: int = 2, salt: str = ""
) -> Document:
    """A Document over ``text``: sentences, passages of ``per_passage`` sentences, two pages."""
    sentences = sentence_spans(text)
    passages = [
        Passage(index=i, start=group[0].start, end=group[-1].end, language="lv")
        for i, group in enumerate(
            sentences[j : j + per_passage] for j in range(0, len(sentences), per_passage)
        )
    ]
    half = len(text) // 2
    return Document(
        text=text,
        source_name=source_name,
        format="txt",
        sha256=hashlib.sha256((salt + text).encode("utf-8")).hexdigest(),
        pages=[Page(number=1, start=0, end=half), Page(number=2, start=half, end=len(text))],
        sentences=sentences,
        passages=passages,
        language="lv",
        flags=[EvasionFlag(kind="invisible_characters", count=1, locations=[Span(start=3, end=4)])],
    )
