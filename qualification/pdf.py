"""The qualification letter as a PDF (ReportLab)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

NAVY = colors.HexColor("#0b2545")


def _letterhead(canvas, doc):
    canvas.saveState()
    canvas.setFillColor(NAVY)
    canvas.rect(0, LETTER[1] - 0.9 * inch, LETTER[0], 0.9 * inch, fill=1, stroke=0)
    canvas.setFillColor(colors.white)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(0.75 * inch, LETTER[1] - 0.55 * inch, "ERCOT")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(1.6 * inch, LETTER[1] - 0.55 * inch, "Electric Reliability Council of Texas · Client Services")
    canvas.setFillColor(colors.grey)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(0.75 * inch, 0.5 * inch, f"Qualification letter {doc.letter_number} · page {doc.page}")
    canvas.restoreState()


@dataclass(frozen=True)
class LetterContent:
    """What one qualification letter says: its number and dates, the MP, the flight and change tested, the
    trading partners and business functions tested, and who signs it."""

    number: str
    issued_on: datetime.date
    effective_date: datetime.date
    legal_name: str
    roles: tuple[str, ...]
    flight: str
    change: str
    trading_partners: tuple[str, ...]
    business_functions: tuple[str, ...]
    signer_name: str
    signer_title: str


def _meta_table(letter: LetterContent) -> Table:
    meta = Table(
        [
            ["Letter number", letter.number],
            ["Date", f"{letter.issued_on:%B %d, %Y}"],
            ["Effective date", f"{letter.effective_date:%B %d, %Y}"],
        ],
        colWidths=[1.6 * inch, 4.5 * inch],
    )
    meta.setStyle(
        TableStyle([("FONT", (0, 0), (0, -1), "Helvetica-Bold", 10), ("FONT", (1, 0), (1, -1), "Helvetica", 10)])
    )
    return meta


def _story(letter: LetterContent) -> list:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10.5, leading=15)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], textColor=NAVY)
    e = escape

    def bullets(items):
        return ListFlowable(
            [ListItem(Paragraph(e(item), body), leftIndent=12) for item in items] or [ListItem(Paragraph("—", body))],
            bulletType="bullet",
            start="•",
        )

    return [
        Paragraph("Retail Market Qualification", heading),
        _meta_table(letter),
        Spacer(1, 14),
        Paragraph(f"<b>{e(letter.legal_name)}</b><br/>Market roles: {e(', '.join(letter.roles) or '—')}", body),
        Spacer(1, 10),
        Paragraph(
            f"ERCOT confirms that <b>{e(letter.legal_name)}</b> has successfully completed retail market testing in "
            f"<b>{e(letter.flight)}</b> ({e(letter.change)}) and is qualified to perform the business functions listed "
            f"below in the ERCOT production environment with the trading partners listed below, effective "
            f"<b>{letter.effective_date:%B %d, %Y}</b>.",
            body,
        ),
        Spacer(1, 10),
        Paragraph("Trading partners tested with", styles["Heading4"]),
        bullets(letter.trading_partners),
        Paragraph("Business functions tested", styles["Heading4"]),
        bullets(letter.business_functions),
        Spacer(1, 18),
        Paragraph("Sincerely,", body),
        Spacer(1, 28),
        Paragraph(
            f"<b>{e(letter.signer_name)}</b><br/>{e(letter.signer_title)}<br/>ERCOT Retail Market Operations", body
        ),
    ]


def render_letter(letter: LetterContent) -> bytes:
    """The letter as PDF bytes, on the letterhead."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        topMargin=1.3 * inch,
        bottomMargin=0.9 * inch,
        leftMargin=0.9 * inch,
        rightMargin=0.9 * inch,
        title=f"Qualification letter {letter.number}",
        author="ERCOT Client Services",
        subject=letter.legal_name,
    )
    doc.letter_number = letter.number
    doc.build(_story(letter), onFirstPage=_letterhead, onLaterPages=_letterhead)
    return buffer.getvalue()
