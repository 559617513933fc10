"""The course completion certificate as a PDF (ReportLab, as the qualification letters are built)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .models import Enrolment

NAVY = colors.HexColor("#0b2545")
PAGE = landscape(LETTER)


def _frame(canvas, doc):
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(0.4 * inch, 0.4 * inch, PAGE[0] - 0.8 * inch, PAGE[1] - 0.8 * inch)
    canvas.setFillColor(colors.grey)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(0.6 * inch, 0.55 * inch, f"Certificate {doc.certificate_number} · ERCOT Client Services")
    canvas.restoreState()


def certificate_number(enrolment: Enrolment) -> str:
    return f"EDU-{enrolment.session_id:05d}-{enrolment.pk:06d}"


def certificate_pdf(enrolment: Enrolment) -> bytes:
    """The certificate of a completed enrolment: who, which course, when, and its number."""
    session = enrolment.session
    course = session.course
    styles = getSampleStyleSheet()
    centered = ParagraphStyle("centered", parent=styles["BodyText"], alignment=1, fontSize=14, leading=20)
    title = ParagraphStyle("title", parent=styles["Title"], textColor=NAVY, fontSize=30, leading=36)
    name = ParagraphStyle("name", parent=centered, fontName="Helvetica-Bold", fontSize=24, leading=30)
    completed = timezone.localtime(enrolment.completed_at or session.ends_at)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        title=f"Certificate of completion: {course.title}",
        author="ERCOT Client Services",
        topMargin=1.2 * inch,
    )
    doc.certificate_number = certificate_number(enrolment)
    story = [
        Paragraph("Certificate of Completion", title),
        Spacer(1, 0.3 * inch),
        Paragraph("This certifies that", centered),
        Spacer(1, 0.15 * inch),
        Paragraph(escape(enrolment.user.full_name or enrolment.user.email), name),
        Paragraph(escape(enrolment.participant.legal_name), centered),
        Spacer(1, 0.2 * inch),
        Paragraph("attended and completed the ERCOT market education course", centered),
        Spacer(1, 0.1 * inch),
        Paragraph(f"<b>{escape(course.title)}</b>", name),
        Spacer(1, 0.2 * inch),
        Paragraph(
            f"{course.get_format_display()} · {course.get_level_display()} · "
            f"held {timezone.localtime(session.starts_at):%B %d, %Y} · instructor {escape(session.instructor.full_name)}",
            centered,
        ),
        Paragraph(f"Completed {completed:%B %d, %Y}", centered),
    ]
    doc.build(story, onFirstPage=_frame, onLaterPages=_frame)
    return buffer.getvalue()
