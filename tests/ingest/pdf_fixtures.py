"""Small PDFs for extraction and evasion tests, drawn with reportlab and DejaVu Sans.

``python tests/ingest/pdf_fixtures.py`` rewrites tests/data/two-column.pdf.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
W, H = 595.0, 842.0  # A4 in points
LEFT = [
    "Kreisās kolonnas pirmā rinda ar tekstu",
    "turpinās otrajā rindā bez pārtraukuma",
    "un trešajā rindā stāsta par pētījumu",
    "kurā piedalījās divdesmit augstskolas",
    "no visiem Latvijas reģioniem kopā.",
    "Ceturtā rindkopa sākas ar jaunu domu",
    "par studiju procesa digitalizāciju",
    "un tās ietekmi uz mācībspēkiem.",
]
RIGHT = [
    "Labās kolonnas pirmā rinda turpina",
    "stāstu par aptaujas rezultātiem, kas",
    "rāda, ka studenti izmanto e-studijas",
    "katru dienu un vērtē tās atzinīgi.",
    "Pēdējā rindkopa apkopo secinājumus",
    "un iesaka turpmākus pētījumus šajā",
    "jomā, īpaši reģionālajās augstskolās",
    "un koledžās visā valstī kopumā.",
]
BODY = (
    "Šajā darbā tiek pētīta augstākās izglītības digitalizācija Latvijā un tās ietekme uz "
    "studiju procesu, mācībspēkiem un studentiem dažādās augstskolās."
)


def need_font() -> None:
    if not FONT.is_file():
        pytest.skip(f"font {FONT} not installed (Debian package fonts-dejavu-core)")


def _canvas(buf: io.BytesIO):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    c = canvas.Canvas(buf, pagesize=(W, H), invariant=1)
    c.setFont("DejaVu", 11)
    return c


def _body_lines(c, words: str, top: float, n: int = 12) -> None:
    for i in range(n):
        c.drawString(72, top - 16 * i, f"{i + 1}. rinda: {words}"[:90])


def two_column() -> bytes:
    """3 pages: a running header, page numbers, two columns (a full-width title and a footnote on page 1)."""
    buf = io.BytesIO()
    c = _canvas(buf)
    for page in range(1, 4):
        c.setFont("DejaVu", 9)
        c.drawString(72, H - 40, "Digitalizācija augstākajā izglītībā")
        c.drawCentredString(W / 2, 40, str(page))
        if page == 1:
            c.setFont("DejaVu", 16)
            c.drawString(72, H - 100, "Kopsavilkums divās kolonnās")
        c.setFont("DejaVu", 11)
        for x, column in ((72, LEFT), (320, RIGHT)):
            for i, line in enumerate(column):
                c.drawString(x, H - 140 - 16 * i, line)
        if page == 1:
            c.setFont("DejaVu", 8)
            c.drawString(72, 80, "1 Zemsvītras piezīme par avotu un tā izcelsmi.")
        c.showPage()
    c.save()
    return buf.getvalue()


def tampered(*, white: bool = False, tiny: bool = False, scrambled: bool = False, image_page: bool = False) -> bytes:
    """Text pages with optional tricks: white text, 1 pt text, a page drawn in scrambled order, a scanned page."""
    buf = io.BytesIO()
    c = _canvas(buf)
    _body_lines(c, BODY, H - 80)
    if white:
        c.setFillColorRGB(1, 1, 1)
        c.drawString(72, H - 400, "slēptais baltais teksts plaģiātam")
        c.setFillColorRGB(0, 0, 0)
    if tiny:
        c.setFont("DejaVu", 1)
        c.drawString(72, H - 420, "sīkais teksts kas nav redzams")
        c.setFont("DejaVu", 11)
    c.showPage()
    if scrambled:
        order = list(range(14))
        random.Random(5).shuffle(order)
        c.setFont("DejaVu", 11)
        for i in order:
            c.drawString(72, H - 80 - 16 * i, f"Sajauktā secībā zīmēta rinda numur {i + 1} ar garu tekstu.")
        c.showPage()
    if image_page:
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(_text_image()), 0, 0, width=W, height=H)
        c.showPage()
    _body_lines(c, BODY, H - 80)
    c.showPage()
    c.save()
    return buf.getvalue()


SCANNED_LINES = ["Skenētā lapa ar tekstu", "par augstskolu pētījumu", "Latvijā un Eiropā."]


def _text_image():
    """An A4 page at 150 dpi with three lines of large Latvian text, as a scanner would see it."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 48)
    for i, line in enumerate(SCANNED_LINES):
        draw.text((150, 200 + 90 * i), line, fill=0, font=font)
    return img


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "data" / "two-column.pdf"
    out.write_bytes(two_column())
    print(f"wrote {out} ({out.stat().st_size} bytes)")
