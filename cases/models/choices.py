"""The choices of a case: kind (and its reference prefix), priority, channel, SLA state, statement type, outcome."""

from __future__ import annotations

from django.db import models


class CaseKind(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"
    DISPUTE = "dispute", "Dispute"
    SERVICE_REQUEST = "service_request", "Service Request"
    POTENTIAL_MP = "potential_mp", "Potential-MP contact"


KIND_PREFIX = {
    CaseKind.INQUIRY: "INQ",
    CaseKind.DISPUTE: "DSP",
    CaseKind.SERVICE_REQUEST: "SRQ",
    CaseKind.POTENTIAL_MP: "PMP",
}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    WEB_FORM = "web_form", "Public contact form"
    SYSTEM = "system", "Opened by a workflow"


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class StatementType(models.TextChoices):
    INITIAL = "initial", "Initial (Real-Time)"
    FINAL = "final", "Final (Real-Time)"
    TRUE_UP = "true_up", "True-Up (Real-Time)"
    DAM = "dam", "Day-Ahead Market"
    INVOICE = "invoice", "Invoice"


class DisputeOutcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    GRANTED_WITH_EXCEPTIONS = "granted_with_exceptions", "Granted with Exceptions"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn"
