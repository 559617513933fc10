"""Portal pages for filing a case: a new inquiry, a new dispute, and the dispute form's filing-deadline box."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View

from accounts.portal_session import RegisteredParticipantMixin
from ercot_services.core.actions import ActionView
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...forms.portal import (
    CHARGE_TYPE_SUGGESTIONS,
    DisputeDeadlineQueryForm,
    DisputeForm,
    InquiryForm,
    statement_types_needing_date,
)
from ...models import MAX_DISPUTE_DAYS, CaseNotification, DisputeWindow, StatementType
from ...selectors import portal as case_selectors
from ...services import dispute_deadline, dispute_submit, inquiry_submit
from ...services.notifications import wants
from ...signals import send_inquiry_filed


def _receipt_note(user) -> str:
    if wants(user, CaseNotification.Event.SUBMITTED):
        return f" A receipt is on its way to {user.email}."
    return ""


class InquiryCreateView(ParticipantRequiredMixin, RegisteredParticipantMixin, ActionView):
    template_name = "portal/cases/inquiry_form.html"
    form_class = InquiryForm

    def get_initial(self):
        follow_up = self.request.GET.get("follow_up", "")
        if not follow_up:
            return {}
        earlier = (
            case_selectors.portal_cases_base(user=self.request.user, participant=self.participant)
            .filter(reference=follow_up)
            .select_related("category")
            .first()
        )
        if earlier is None:
            return {}
        return {"subject": f"Follow-up to {earlier.reference}: {earlier.subject}"[:200], "category": earlier.category}

    def get_context(self, form):
        return {"participant": self.participant}

    def perform(self, form):
        case = inquiry_submit(actor=self.request.user, inquiry=form.case_input(participant=self.participant))
        send_inquiry_filed(case=case, actor=self.request.user, data=self.request.POST)
        return case

    def get_success_message(self, form):
        return f"Your inquiry was received as {self.result.reference}.{_receipt_note(self.request.user)}"

    def get_success_url(self):
        return self.result.get_portal_url()


def dispute_prefill(query) -> dict:
    """The dispute form's initial values from a link (the deadline radar's "Dispute these days"):
    ``?statement_type=…&charge_type=…&statement_date=…&statement_reference=…&operating_day=YYYY-MM-DD&operating_day=…``.
    The first day fills the Operating Day, the others the more-days lines (each waiting for its amount); what does
    not parse is left out."""
    initial = {}
    if query.get("statement_type") in StatementType.values:
        initial["statement_type"] = query["statement_type"]
    for name, limit in (("charge_type", 120), ("statement_reference", 80)):
        if query.get(name, "").strip():
            initial[name] = query[name].strip()[:limit]
    for name in ("statement_date",):
        parsed = _iso_date(query.get(name, ""))
        if parsed:
            initial[name] = parsed
    days = sorted({day for day in map(_iso_date, query.getlist("operating_day")[:MAX_DISPUTE_DAYS]) if day})
    if days:
        initial["operating_day"] = days[0]
        if days[1:]:
            initial["more_days"] = "\n".join(f"{day:%Y-%m-%d}, " for day in days[1:])
    return initial


def _iso_date(text: str):
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def deadline_preview(*, operating_day, statement_type, statement_date) -> dict:
    """What the filing-deadline box says for these inputs (never raises)."""
    if not operating_day or not statement_type:
        return {"state": "incomplete"}
    today = timezone.localdate()
    if operating_day > today:
        return {"state": "error", "message": "The Operating Day cannot be in the future."}
    calendar = business_calendar()
    try:
        due = dispute_deadline(
            statement_type=statement_type, operating_day=operating_day, statement_date=statement_date, calendar=calendar
        )
    except DomainError as error:
        return {"state": "error", "message": str(error)}
    late = today > due.deadline
    return {
        "state": "late" if late else "ok",
        "deadline": due.deadline,
        "explanation": due.explanation,
        "days_left": 0 if late else calendar.business_days_between(today, due.deadline),
        "note": due.window.note,
    }


def _preview_from(data) -> dict:
    query = DisputeDeadlineQueryForm(data)
    query.is_valid()
    cleaned = query.cleaned_data
    if query.errors.get("operating_day") or query.errors.get("statement_date"):
        return {"state": "error", "message": "Enter dates as YYYY-MM-DD."}
    return deadline_preview(
        operating_day=cleaned.get("operating_day"),
        statement_type=cleaned.get("statement_type") or "",
        statement_date=cleaned.get("statement_date"),
    )


class DisputeDeadlineView(ParticipantRequiredMixin, View):
    """The filing-deadline box of the dispute form, as an HTML fragment (loaded with htmx)."""

    def get(self, request):
        return render(request, "portal/cases/_deadline.html", {"preview": _preview_from(request.GET)})


class DisputeCreateView(ParticipantRequiredMixin, RegisteredParticipantMixin, ActionView):
    template_name = "portal/cases/dispute_form.html"
    form_class = DisputeForm

    def get_initial(self):
        return dispute_prefill(self.request.GET)

    def get_context(self, form):
        return {
            "participant": self.participant,
            "preview": _preview_from(self.request.POST) if form.is_bound else {"state": "incomplete"},
            "windows": DisputeWindow.objects.all(),
            "charge_suggestions": CHARGE_TYPE_SUGGESTIONS,
            "needs_date": statement_types_needing_date(),
        }

    def perform(self, form):
        return dispute_submit(actor=self.request.user, dispute=form.case_input(participant=self.participant))

    def get_success_message(self, form):
        deadline = date_format(self.result.dispute.filing_deadline, "F j, Y")
        days = len(form.cleaned_data.get("more_days") or []) + 1
        if days > 1:
            return (
                f"Your dispute of {days} Operating Days was filed as {self.result.reference}, each within its filing "
                f"deadline (the earliest {deadline}).{_receipt_note(self.request.user)}"
            )
        return (
            f"Your dispute was filed as {self.result.reference}, within its filing deadline of {deadline}."
            f"{_receipt_note(self.request.user)}"
        )

    def get_success_url(self):
        return self.result.get_portal_url()
