"""Small ODT, RTF and DOCX files built in memory for the extraction and evasion tests."""

from __future__ import annotations

import io
import zipfile

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
ODT_STYLES = (
    '<office:automatic-styles>'
    '<style:style style:name="T1" style:family="text"><style:text-properties fo:color="#ffffff"/></style:style>'
    '<style:style style:name="T2" style:family="text"><style:text-properties fo:font-size="1pt"/></style:style>'
    '<style:style style:name="T3" style:family="text"><style:text-properties text:display="none"/></style:style>'
    '<style:style style:name="T4" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
    "</office:automatic-styles>"
)
ODT_BODY = (
    '<text:h text:outline-level="1">Ievads</text:h>'
    '<text:p>Pirmā rindkopa ar <text:span text:style-name="T4">treknu</text:span> tekstu.<text:s text:c="2"/>'
    "Otrais<text:tab/>teikums.<text:line-break/>Jauna rinda.</text:p>"
    "<text:list><text:list-item><text:p>Saraksta punkts.</text:p></text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>Šūna A1</text:p></table:table-cell>"
    "<table:table-cell><text:p>Šūna B1</text:p></table:table-cell></table:table-row></table:table>"
    '<text:p>Beigas<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Piezīme.'
    "</text:p></text:note-body></text:note>.</text:p>"
)


def odt(body: str = ODT_BODY, styles: str = ODT_STYLES) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}>{styles}'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


def tampered_odt() -> bytes:
    return odt(
        "<text:p>Parasts teksts par pētījumu. "
        '<text:span text:style-name="T1">balts slēpts teksts</text:span> '
        '<text:span text:style-name="T2">sīks teksts</text:span> '
        '<text:span text:style-name="T3">paslēpts teksts</text:span> beigas.</text:p>'
    )


def rtf_1257() -> bytes:
    """Windows-1257 RTF: \\'e2 is "ā", \\'f0 "š", \\'de "Ž" there; also \\uN escapes."""
    return (
        rb"{\rtf1\ansi\ansicpg1257\deff0{\fonttbl{\f0\fnil Arial;}}{\colortbl;\red255\green255\blue255;}"
        rb"{\*\generator Riched20;}\pard Pl\'e2\'f0i \'dea\u291?ats: \u257?boli un \u353?\u311?\'e7is.\par "
        rb"Otr\'e2 rindkopa\line ar rindas p\'e2rnesumu.\tab Beigas.\par}"
    )


def tampered_rtf() -> bytes:
    return (
        rb"{\rtf1\ansi\ansicpg1257{\colortbl;\red255\green255\blue255;}\pard Parasts teksts. "
        rb"{\cf1 balts teksts} {\v sl\'e7pts teksts} {\fs2 s\'eeks teksts}\par}"
    )


def docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def tampered_docx(*, hidden=False, white=False, tiny=False, spaced=False, white_on_dark=False) -> bytes:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    def build(document) -> None:
        p = document.add_paragraph("Parasts teksts par augstākās izglītības pētījumu. ")
        if hidden:
            p.add_run("paslēpts teksts").font.hidden = True
        if white:
            p.add_run(" balts teksts").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        if tiny:
            p.add_run(" sīks teksts").font.size = Pt(1)
        if spaced:
            run = p.add_run(" izplests teksts, kura burti ir tālu viens no otra un ko neviens neredz kopā")
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), "100")
            run._r.get_or_add_rPr().append(spacing)
        if white_on_dark:
            table = document.add_table(rows=1, cols=1)
            cell = table.cell(0, 0)
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), "1F3864")
            cell._tc.get_or_add_tcPr().append(shd)
            cell.paragraphs[0].add_run("Tabulas virsraksts").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        document.add_paragraph("Vēl viena parasta rindkopa.")

    return docx_bytes(build)
