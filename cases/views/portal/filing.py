"""Portal pages for filing a case: a new inquiry, a new dispute, and the dispute form's filing-deadline box."""

from __future__ import annotations

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
from ...models import CaseNotification, Channel, DisputeWindow
from ...selectors import portal as case_selectors
from ...services import DisputeInput, InquiryInput, dispute_deadline, dispute_submit, inquiry_submit
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
        data = form.cleaned_data
        inquiry = InquiryInput(
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            participant=self.participant,
            channel=Channel.PORTAL,
            attachments=data["attachments"],
        )
        case = inquiry_submit(actor=self.request.user, inquiry=inquiry)
        send_inquiry_filed(case=case, actor=self.request.user, data=self.request.POST)
        return case

    def get_success_message(self, form):
        return f"Your inquiry was received as {self.result.reference}.{_receipt_note(self.request.user)}"

    def get_success_url(self):
        return self.result.get_portal_url()


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

    def get_context(self, form):
        return {
            "participant": self.participant,
            "preview": _preview_from(self.request.POST) if form.is_bound else {"state": "incomplete"},
            "windows": DisputeWindow.objects.all(),
            "charge_suggestions": CHARGE_TYPE_SUGGESTIONS,
            "needs_date": statement_types_needing_date(),
        }

    def perform(self, form):
        data = form.cleaned_data
        dispute = DisputeInput(
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            participant=self.participant,
            channel=Channel.PORTAL,
            attachments=data["attachments"],
            **form.dispute_fields(),
        )
        return dispute_submit(actor=self.request.user, dispute=dispute)

    def get_success_message(self, form):
        deadline = date_format(self.result.dispute.filing_deadline, "F j, Y")
        return (
            f"Your dispute was filed as {self.result.reference}, within its filing deadline of {deadline}."
            f"{_receipt_note(self.request.user)}"
        )

    def get_success_url(self):
        return self.result.get_portal_url()
