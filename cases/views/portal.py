"""Portal pages for cases: list, file an inquiry or a dispute, follow, reply, withdraw, reopen.

Every case is looked up by reference inside ``scope_to_user`` (see
``cases.selectors.portal``): a case, message or attachment of another
Market Participant is a 404, never a 403, and knowing a reference grants
nothing. Views stay thin: forms validate, services in
``cases.services.cases`` write, and a ``DomainError`` becomes a form error.
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
from ..services.cases import case_reply, case_submit, case_transition, dispute_deadline
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


class InquiryCreateView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    template_name = "portal/cases/inquiry_form.html"

    def _render(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "participant": self.participant}, status=status)

    def get(self, request):
        initial = {}
        follow_up = request.GET.get("follow_up", "")
        if follow_up:
            earlier = (
                case_selectors.portal_cases_base(user=request.user, participant=self.participant)
                .filter(reference=follow_up)
                .select_related("category")
                .first()
            )
            if earlier is not None:
                initial = {
                    "subject": f"Follow-up to {earlier.reference}: {earlier.subject}"[:200],
                    "category": earlier.category,
                }
        return self._render(request, InquiryForm(initial=initial))

    def post(self, request):
        form = InquiryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_submit(
                    actor=request.user,
                    kind=CaseKind.INQUIRY,
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    participant=self.participant,
                    channel=Channel.PORTAL,
                    attachments=data["attachments"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"Your inquiry was received as {case.reference}.{_receipt_note(request.user)}"
                )
                return redirect(case.get_portal_url())
        return self._render(request, form, status=400)


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


class DisputeCreateView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    template_name = "portal/cases/dispute_form.html"

    def _render(self, request, form, preview, status=200):
        context = {
            "form": form,
            "participant": self.participant,
            "preview": preview,
            "windows": DisputeWindow.objects.all(),
            "charge_suggestions": CHARGE_TYPE_SUGGESTIONS,
            "needs_date": statement_types_needing_date(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, DisputeForm(), {"state": "incomplete"})

    def post(self, request):
        form = DisputeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_submit(
                    actor=request.user,
                    kind=CaseKind.DISPUTE,
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    participant=self.participant,
                    channel=Channel.PORTAL,
                    dispute=form.dispute_fields(),
                    attachments=data["attachments"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                deadline = date_format(case.dispute.filing_deadline, "F j, Y")
                messages.success(
                    request,
                    f"Your dispute was filed as {case.reference}, within its filing deadline of {deadline}."
                    f"{_receipt_note(request.user)}",
                )
                return redirect(case.get_portal_url())
        return self._render(request, form, _preview_from(request.POST), status=400)


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


class CaseReplyView(ParticipantRequiredMixin, View):
    """A public reply (never an internal note); on a case Waiting on you, it goes back to Client Services."""

    def post(self, request, reference):
        case = case_selectors.portal_case_get(user=request.user, reference=reference)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            was_waiting = case.status == CaseStatus.WAITING
            try:
                case_reply(
                    actor=request.user,
                    case=case,
                    body=form.cleaned_data["body"],
                    internal=False,
                    attachments=form.cleaned_data["attachments"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                note = " The case is back with Client Services." if was_waiting else ""
                messages.success(request, f"Your reply on {case.reference} was sent.{note}")
                return redirect(case.get_portal_url() + "#conversation")
        return _case_page(request, case, reply_form=form, status=400)


class CaseWithdrawView(ParticipantRequiredMixin, View):
    """Withdraw an open case, with an optional reason."""

    def post(self, request, reference):
        case = case_selectors.portal_case_get(user=request.user, reference=reference)
        form = WithdrawForm(request.POST)
        if not case.is_open:
            messages.error(
                request, f"{case.reference} is {case.get_status_display().lower()}: only an open case can be withdrawn."
            )
            return redirect(case.get_portal_url())
        if form.is_valid():
            try:
                case_transition(
                    actor=request.user, case=case, to_status=CaseStatus.WITHDRAWN, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{case.reference} was withdrawn.")
                return redirect(case.get_portal_url())
        return _case_page(request, case, withdraw_form=form, status=400)


class CaseReopenView(ParticipantRequiredMixin, View):
    """Reopen a resolved case within the reopen window; a reason is required."""

    def post(self, request, reference):
        case = case_selectors.portal_case_get(user=request.user, reference=reference)
        form = ReopenForm(request.POST)
        if case.status != CaseStatus.RESOLVED:
            messages.error(
                request,
                f"{case.reference} is {case.get_status_display().lower()}: only a resolved case can be reopened.",
            )
            return redirect(case.get_portal_url())
        if form.is_valid():
            try:
                case_transition(
                    actor=request.user, case=case, to_status=CaseStatus.IN_PROGRESS, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{case.reference} was reopened; Client Services will pick it up again.")
                return redirect(case.get_portal_url())
        return _case_page(request, case, reopen_form=form, status=400)


class AttachmentDownloadView(ParticipantRequiredMixin, View):
    """A public attachment of a case the user may see; anything else (another MP's, internal) is a 404."""

    def get(self, request, pk):
        attachment = case_selectors.portal_attachment_get(user=request.user, pk=pk)
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )
