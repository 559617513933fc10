"""Portal pages for cases: list, file an inquiry or a dispute, follow, reply, withdraw, reopen.

Every case is looked up by reference inside ``scope_to_user`` (see
``cases.selectors.portal``): a case, message or attachment of another
Market Participant is a 404, never a 403, and knowing a reference grants
nothing. Views stay thin: forms validate, services in
``cases.services`` write, and a ``DomainError`` becomes a form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View
from django.views.generic import TemplateView

from accounts.portal_session import CurrentParticipantMixin
from accounts.selectors import current_manager
from ercot_services.core.actions import ActionView
from ercot_services.core.calendar import business_calendar
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from ..forms.portal import (
    CHARGE_TYPE_SUGGESTIONS,
    DisputeDeadlineQueryForm,
    DisputeForm,
    InquiryForm,
    ReopenForm,
    ReplyForm,
    WithdrawForm,
    statement_types_needing_date,
)
from ..models import (
    CaseKind,
    CaseNotification,
    CaseSettings,
    CaseStatus,
    Channel,
    DisputeDetail,
    DisputeWindow,
    NextAction,
)
from ..selectors import portal as case_selectors
from ..services import (
    DisputeInput,
    InquiryInput,
    case_reopen,
    case_reply,
    case_withdraw,
    dispute_deadline,
    dispute_submit,
    inquiry_submit,
)
from ..services.notifications import wants

PAGE_SIZE = 25

# What each status means for the participant, in plain words.
STATUS_EXPLANATIONS = {
    CaseStatus.NEW: "Received. Client Services will pick it up shortly.",
    CaseStatus.ACKNOWLEDGED: "Client Services has seen it and is working on it.",
    CaseStatus.IN_PROGRESS: "Client Services is working on it.",
    CaseStatus.WAITING: "Waiting on you: please reply below so we can continue.",
    CaseStatus.RESOLVED: "Resolved. See the answer below.",
    CaseStatus.CLOSED: "Closed. It takes no more replies.",
    CaseStatus.WITHDRAWN: "Withdrawn. It takes no more replies.",
}


# --- list ---------------------------------------------------------------------------------------


class CaseListView(ParticipantRequiredMixin, CurrentParticipantMixin, TemplateView):
    template_name = "portal/cases/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        mine = params.get("mine") == "1"
        status = params.get("status", case_selectors.DEFAULT_STATUS_FILTER)
        if status not in case_selectors.STATUS_FILTERS:
            status = case_selectors.DEFAULT_STATUS_FILTER
        search = params.get("q", "").strip()[:100]
        cases = case_selectors.portal_case_list(
            user=self.request.user, participant=self.participant, mine=mine, status=status, search=search
        )
        page = Paginator(cases, PAGE_SIZE).get_page(params.get("page"))
        counts = case_selectors.portal_case_counts(user=self.request.user, participant=self.participant, mine=mine)
        query = params.copy()
        query.pop("page", None)
        context.update(
            participant=self.participant,
            page_obj=page,
            querystring=query.urlencode(),
            mine=mine,
            status=status,
            search=search,
            status_filters=[(key, label, counts[key]) for key, (label, _) in case_selectors.STATUS_FILTERS.items()],
            status_label=case_selectors.STATUS_FILTERS[status][0],
            total=counts["all"],
            now=timezone.now(),
        )
        return context


# --- filing ---------------------------------------------------------------------------------------


def _receipt_note(user) -> str:
    if wants(user, CaseNotification.Event.SUBMITTED):
        return f" A receipt is on its way to {user.email}."
    return ""


class InquiryCreateView(ParticipantRequiredMixin, CurrentParticipantMixin, ActionView):
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
        return inquiry_submit(actor=self.request.user, inquiry=inquiry)

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


class DisputeCreateView(ParticipantRequiredMixin, CurrentParticipantMixin, ActionView):
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


# --- one case ---------------------------------------------------------------------------------------


def _case_page(request, case, *, reply_form=None, withdraw_form=None, reopen_form=None, status=200):
    now = timezone.now()
    reopen_until = case.reopen_deadline(CaseSettings.load().reopen_window_days)
    is_resolved = case.status == CaseStatus.RESOLVED
    context = {
        "case": case,
        "participant": case.participant,
        "explanation": STATUS_EXPLANATIONS.get(case.status, ""),
        "waiting_on_you": case.is_open and case.next_action_by == NextAction.PARTICIPANT,
        "handled_by": case.assignee.full_name
        if case.assignee
        else (case.queue.name if case.queue else "Client Services"),
        "account_manager": current_manager(case.participant) if case.participant else None,
        "dispute": DisputeDetail.objects.filter(case=case).first() if case.kind == CaseKind.DISPUTE else None,
        "conversation": case_selectors.portal_case_messages(case),
        "initial_attachments": case_selectors.portal_case_initial_attachments(case),
        "can_reply": case.is_open,
        "can_withdraw": case.is_open,
        "reopen_until": reopen_until if is_resolved else None,
        "can_reopen": is_resolved and (reopen_until is None or now <= reopen_until),
        "reopen_expired": is_resolved and reopen_until is not None and now > reopen_until,
        "reply_form": reply_form or ReplyForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "now": now,
    }
    return render(request, "portal/cases/detail.html", context, status=status)


class CaseDetailView(ParticipantRequiredMixin, View):
    def get(self, request, reference):
        case = case_selectors.portal_case_get(user=request.user, reference=reference)
        return _case_page(request, case)


class CaseActionView(ParticipantRequiredMixin, ActionView):
    """A form of the case page (reply, withdraw, reopen): POST only; a refused or invalid one shows the case page."""

    http_method_names = ["post", "options"]
    form_key = ""

    def get_object(self):
        return case_selectors.portal_case_get(user=self.request.user, reference=self.kwargs["reference"])

    def render_form(self, form, status=200):
        return _case_page(self.request, self.object, status=status, **{self.form_key: form})

    def get_success_url(self):
        return self.object.get_portal_url()


class CaseReplyView(CaseActionView):
    """A public reply (never an internal note); on a case Waiting on you, it goes back to Client Services."""

    form_class = ReplyForm
    form_key = "reply_form"

    def perform(self, form):
        self.was_waiting = self.object.status == CaseStatus.WAITING
        case_reply(
            actor=self.request.user,
            case=self.object,
            body=form.cleaned_data["body"],
            internal=False,
            attachments=form.cleaned_data["attachments"],
        )

    def get_success_message(self, form):
        note = " The case is back with Client Services." if self.was_waiting else ""
        return f"Your reply on {self.object.reference} was sent.{note}"

    def get_success_url(self):
        return self.object.get_portal_url() + "#conversation"


class CaseWithdrawView(CaseActionView):
    """Withdraw an open case, with an optional reason."""

    form_class = WithdrawForm
    form_key = "withdraw_form"

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        if not case.is_open:
            messages.error(
                request, f"{case.reference} is {case.get_status_display().lower()}: only an open case can be withdrawn."
            )
            return redirect(case.get_portal_url())
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        case_withdraw(actor=self.request.user, case=self.object, reason=form.cleaned_data["reason"])

    def get_success_message(self, form):
        return f"{self.object.reference} was withdrawn."


class CaseReopenView(CaseActionView):
    """Reopen a resolved case within the reopen window; a reason is required."""

    form_class = ReopenForm
    form_key = "reopen_form"

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        if case.status != CaseStatus.RESOLVED:
            messages.error(
                request,
                f"{case.reference} is {case.get_status_display().lower()}: only a resolved case can be reopened.",
            )
            return redirect(case.get_portal_url())
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        case_reopen(actor=self.request.user, case=self.object, reason=form.cleaned_data["reason"])

    def get_success_message(self, form):
        return f"{self.object.reference} was reopened; Client Services will pick it up again."


class AttachmentDownloadView(ParticipantRequiredMixin, View):
    """A public attachment of a case the user may see; anything else (another MP's, internal) is a 404."""

    def get(self, request, pk):
        attachment = case_selectors.portal_attachment_get(user=request.user, pk=pk)
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )
