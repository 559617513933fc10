"""Portal pages of cases: the list, one case, and its reply, withdraw and reopen forms.

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
from django.views import View
from django.views.generic import TemplateView

from accounts.portal_session import RegisteredParticipantMixin
from accounts.selectors import current_manager
from ercot_services.core.actions import ActionView
from ercot_services.core.downloads import private_file_response
from ercot_services.core.permissions import ParticipantRequiredMixin

from ...forms.portal import ReopenForm, ReplyForm, WithdrawForm
from ...models import CaseKind, CaseSettings, CaseStatus, DisputeDetail, NextAction, decision_close_refusal
from ...selectors import portal as case_selectors
from ...selectors.decisions import portal_decision_context
from ...selectors.dispute_days import dispute_days_of
from ...services import case_reopen, case_reply, case_withdraw

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


class CaseListView(ParticipantRequiredMixin, RegisteredParticipantMixin, TemplateView):
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
        "dispute_days": dispute_days_of(case),
        "conversation": case_selectors.portal_case_messages(case),
        "initial_attachments": case_selectors.portal_case_initial_attachments(case),
        "can_reply": case.is_open,
        "can_withdraw": case.is_open,
        "reopen_until": reopen_until if is_resolved else None,
        "can_reopen": is_resolved
        and (reopen_until is None or now <= reopen_until)
        and not decision_close_refusal(case),  # a decision is accepted or rejected instead
        "reopen_expired": is_resolved and reopen_until is not None and now > reopen_until,
        "reply_form": reply_form or ReplyForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "now": now,
        **portal_decision_context(case, request.user),  # accept or reject a dispute decision, ADR
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
        self.object = case = self.get_object()
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
        self.object = case = self.get_object()
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
