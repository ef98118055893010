"""The report as PDF: the HTML report laid out for print by WeasyPrint.

The PDF is made from the same template as the HTML report (``for_print``:
matched passages side by side in a table, the full text without a scroll box,
page numbers), so the two never disagree. WeasyPrint is imported only here:
it loads Pango and fonts, which a process that never prints should not pay for.
"""

from __future__ import annotations

from similarity.report.html import render_html
from similarity.report.model import Report


def render_pdf(report: Report, submission_text: str) -> bytes:
    """The report as a PDF document (A4). Needs WeasyPrint and Pango."""
    from weasyprint import HTML  # heavy: Pango, fonts

    html = render_html(report, submission_text, for_print=True)
    # base_url None and no external resources in the page: nothing is fetched.
    return HTML(string=html, base_url=None).write_pdf()
