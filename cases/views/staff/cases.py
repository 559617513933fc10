"""Workspace (staff) pages of one case: logging a case on the MP's behalf, the case page and its actions.

Views stay thin: they read through ``cases.selectors.cases``, write through
``cases.services``, and turn a ``DomainError`` into a form error shown
on the page (status 400) with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ercot_services.core.actions import ActionView, Confirmation
from ercot_services.core.downloads import private_file_response
from ercot_services.core.forms import load_choices
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin, load_permissions

from ... import policies, services
from ...confirmations import transition_consequence
from ...forms.staff import (
    TRANSITION_LABELS,
    AssignForm,
    CaseCreateForm,
    CaseUpdateForm,
    EscalateForm,
    LinkForm,
    MergeForm,
    ReplyForm,
    TransitionForm,
)
from ...models import CASE_TRANSITIONS, Case, CaseAttachment, CaseKind, CaseStatus, Channel
from ...selectors import cases as case_selectors
from ...selectors.cases import STATUS_ORDER
from ...selectors.decisions import staff_decision_context
from ...selectors.dispute_days import dispute_days_of
from ...selectors.surveys import case_surveys

DISPUTE_RESOLUTION_FIELDS = ("outcome", "outcome_explanation", "granted_amount", "resolution_summary")


# --- logging a case on the MP's behalf ----------------------------------------------------------


class CaseCreateView(StaffRequiredMixin, ActionView):
    """An AM logs an inquiry, dispute or service request received by phone, email or in a meeting."""

    action_permission_required = policies.WORK_CASE
    template_name = "workspace/cases/new.html"
    form_class = CaseCreateForm

    def get_initial(self):
        initial = {}
        participant_id = self.request.GET.get("participant", "")
        if participant_id.isdigit():
            initial["participant"] = int(participant_id)
        if self.request.GET.get("kind") in dict(CaseKind.choices):
            initial["kind"] = self.request.GET["kind"]
        return initial

    def get_context(self, form):
        # Only the chosen MP's contacts: the page's script loads another MP's (RequesterOptionsView) when it changes.
        return {
            "requester_groups": case_selectors.requester_choices_for(form["participant"].value()),
            "max_attachment_mb": form.fields["attachments"].max_bytes // (1024 * 1024),
        }

    def perform(self, form):
        data, actor = form.cleaned_data, self.request.user
        common = {
            "category": data["category"],
            "subject": data["subject"],
            "description": data["description"],
            "participant": data["participant"],
            "requester": data["requester"],
            "channel": data["channel"],
            "priority": data["priority"] or None,
            "attachments": data["attachments"],
        }
        if data["kind"] == CaseKind.DISPUTE:
            dispute = services.DisputeInput(
                **common, **form.dispute_fields(), late_acceptance_reason=data["late_acceptance_reason"]
            )
            return services.dispute_submit(actor=actor, dispute=dispute)
        if data["kind"] == CaseKind.SERVICE_REQUEST:
            return services.service_request_submit(actor=actor, service_request=services.ServiceRequestInput(**common))
        return services.inquiry_submit(actor=actor, inquiry=services.InquiryInput(**common))

    def get_success_message(self, form):
        case = self.result
        owner = case.assignee.full_name if case.assignee_id else (str(case.queue) if case.queue_id else "nobody yet")
        return (
            f"Logged {case.reference} for {case.participant.short_name} "
            f"({Channel(case.channel).label.lower()}); assigned to {owner}. "
            f"{case.requester_name} gets a receipt by email."
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class RequesterOptionsView(StaffRequiredMixin, View):
    """The requester ``<option>``s for one MP (``?participant=<id>``): fetched by the case log form when the MP
    changes, for the staff who log cases."""

    permission_required = policies.WORK_CASE

    def get(self, request):
        groups = case_selectors.requester_choices_for(request.GET.get("participant", ""))
        return render(
            request,
            "workspace/cases/_requester_options.html",
            {"requester_groups": groups, "requester_value": ""},
        )


# --- the case page ---------------------------------------------------------------------------------


def _transition_buttons(case: Case) -> list[dict]:
    allowed = CASE_TRANSITIONS.get(case.status, frozenset())
    buttons = []
    for status in STATUS_ORDER:
        if status not in allowed or status == CaseStatus.RESOLVED:
            continue
        if case.status == CaseStatus.RESOLVED and status == CaseStatus.IN_PROGRESS:
            continue  # reopening has its own form (it needs a reason)
        label = TRANSITION_LABELS[status]
        if status == CaseStatus.IN_PROGRESS and case.status == CaseStatus.WAITING:
            label = "Resume work"
        style = {
            CaseStatus.WITHDRAWN: "btn-link text-secondary",
            CaseStatus.CLOSED: "btn-outline-dark",
            CaseStatus.WAITING: "btn-outline-secondary",
        }.get(status, "btn-outline-primary")
        buttons.append({"status": status, "label": label, "style": style})
    return buttons


# A long conversation opens on its latest messages; "Show earlier messages" loads the whole of it.
CONVERSATION_LATEST = 50


def case_page(
    request,
    case: Case,
    *,
    status: int = 200,
    error_section: str = "",
    confirmation: Confirmation | None = None,
    **forms,
):
    """Render the case page; an action view passes its bound form (with errors) to show it in place, or the
    confirmation it asks for. Why this size: one context holds every form of the page, each bound or fresh."""
    load_permissions(request.user)
    show_all = request.GET.get("conversation") == "all"
    # One more than shown tells whether earlier messages exist without counting them.
    conversation = case_selectors.case_conversation(
        case, latest=None if show_all else CONVERSATION_LATEST + 1, with_attachments=False
    )
    earlier_hidden = not show_all and len(conversation) > CONVERSATION_LATEST
    if earlier_hidden:
        conversation = conversation[1:]
    files = case_selectors.case_files_by_message(case)
    for message in conversation:
        message.files = files.get(message.pk, [])
    transition_forms = {
        section: forms.get(f"transition_{section}") or TransitionForm(case=case, section=section)
        for section in ("quick", "resolve", "reopen")
    }
    allowed = CASE_TRANSITIONS.get(case.status, frozenset())
    context = {
        "case": case,
        "dispute": case_selectors.case_dispute(case) if case.kind == CaseKind.DISPUTE else None,
        "dispute_days": dispute_days_of(case),
        "conversation": conversation,
        "earlier_hidden": earlier_hidden,
        "opening_attachments": files.get(None, []),
        "timeline": list(case_selectors.case_timeline(case)[:200]),
        "related": case_selectors.case_related_cases(case),
        "surveys": case_surveys(case),
        "canned_responses": case_selectors.canned_responses_for(case),
        "reopen_deadline": services.case_reopen_deadline(case, window_days=getattr(case, "reopen_window_days", None))
        if case.status == CaseStatus.RESOLVED
        else None,
        "transition_buttons": _transition_buttons(case),
        "confirmation": confirmation,
        # A dispute (money) is resolved by Account Managers and the Lead only.
        "can_resolve": CaseStatus.RESOLVED in allowed
        and (case.kind != CaseKind.DISPUTE or policies.can_resolve_dispute(request.user, case)),
        "can_reopen": case.status == CaseStatus.RESOLVED and CaseStatus.IN_PROGRESS in allowed,
        "transition_quick": transition_forms["quick"],
        "transition_resolve": transition_forms["resolve"],
        "transition_reopen": transition_forms["reopen"],
        "reply_form": forms.get("reply_form")
        or ReplyForm(
            may_wait=policies.can_work_case(request.user, case),
            attachment_limit_mb=getattr(case, "attachment_limit_mb", None),
        ),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"assignee": case.assignee_id}),
        "escalate_form": forms.get("escalate_form")
        or EscalateForm(initial={"to_user": case.escalated_to_id, "to_group": case.escalated_to_group_id}),
        "update_form": forms.get("update_form") or CaseUpdateForm(case=case),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "error_section": error_section,
        "is_final": case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN),
        "can_work_case": policies.can_work_case(request.user, case),
        **staff_decision_context(case, request.user),  # the dispute decision loop and ADR
    }
    load_choices(*(value for value in context.values() if isinstance(value, BaseForm)))
    return render(request, "workspace/cases/detail.html", context, status=status)


class CaseDetailView(StaffRequiredMixin, View):
    def get(self, request, reference):
        return case_page(request, case_selectors.case_get_for_staff(reference))


class _CaseActionView(StaffRequiredMixin, ActionView):
    """POST one form of the case page; success redirects with a message, an error re-renders the page (400)."""

    action_permission_required = policies.WORK_CASE
    form_name = ""  # the context name of the form on the case page
    section = ""  # the id of the page section holding the form (for the error summary link)

    def get_object(self):
        return case_selectors.case_get_for_staff(self.kwargs["reference"])

    def get(self, request, reference):
        return redirect(self.get_object().get_absolute_url())

    def render_form(self, form, status=200):
        return case_page(
            self.request,
            self.object,
            status=status,
            error_section="" if self.confirmation else self.section,  # a question, not an error
            confirmation=self.confirmation,
            **{self.form_name: form},
        )


class CaseReplyView(_CaseActionView):
    action_permission_required = policies.REPLY_CASE
    form_class = ReplyForm
    form_name = "reply_form"
    section = "reply"

    def get_form_kwargs(self):
        return {"may_wait": policies.can_work_case(self.request.user, self.object)}

    def perform(self, form):
        request, case = self.request, self.object
        data = form.cleaned_data
        message = services.case_reply(
            actor=request.user,
            case=case,
            body=data["body"],
            internal=data["internal"],
            attachments=data["attachments"],
            wait_on_participant=data.get("wait_on_participant", False),
        )
        if message.is_internal:
            text = "Internal note added. It is visible to staff only and was not emailed."
        else:
            recipient = case.requester_email
            text = f"Reply sent{f' to {recipient}' if recipient else ''}."
            if data.get("wait_on_participant"):
                text += " The case is now Waiting on Participant; the SLA clock is paused."
        self.success_message, self.success_url = text, f"{case.get_absolute_url()}#message-{message.pk}"


class CaseTransitionView(_CaseActionView):
    section = "status"

    def post(self, request, *args, **kwargs):
        self.object = case = self.get_object()
        if (
            request.POST.get("to_status", "") == CaseStatus.RESOLVED
            and case.kind == CaseKind.DISPUTE
            and not policies.can_resolve_dispute(request.user, case)
        ):
            raise PermissionDenied("Only Account Managers and the Client Services Lead resolve disputes.")
        return super().post(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        self.form_name = f"transition_{TransitionForm.section_for(self.object, self.request.POST.get('to_status', ''))}"
        return TransitionForm(data, case=self.object, section=self.form_name.removeprefix("transition_"))

    def get_confirmation(self, form):
        message, button_label = transition_consequence(self.object, form.cleaned_data)
        return Confirmation(message, button_label) if message else None

    def perform(self, form):
        data = form.cleaned_data
        service = services.transition_service(self.object, data["to_status"])
        arguments = {"actor": self.request.user, "case": self.object, "reason": data["reason"]}
        if service is services.dispute_resolve:
            arguments.update({name: data[name] for name in DISPUTE_RESOLUTION_FIELDS})
        elif service is services.case_resolve:
            arguments["resolution_summary"] = data["resolution_summary"]
        service(**arguments)
        self.success_message = f"{self.object.reference} is now {CaseStatus(data['to_status']).label}."
        self.success_url = self.object.get_absolute_url()

    def form_invalid(self, form):
        if "to_status" in form.errors:
            form.errors.pop("to_status")
            form.add_error(
                None, f"“{self.request.POST.get('to_status') or 'nothing'}” is not a status a case can move to."
            )
        return super().form_invalid(form)


class CaseAssignView(_CaseActionView):
    form_class = AssignForm
    form_name = "assign_form"
    section = "assign"

    def perform(self, form):
        request, case = self.request, self.object
        assignee = form.cleaned_data["assignee"]
        services.case_assign(actor=request.user, case=case, assignee=assignee, reason=form.cleaned_data["reason"])
        who = "you" if assignee == request.user else (assignee.full_name if assignee else "nobody (back to the queue)")
        self.success_message, self.success_url = f"{case.reference} is assigned to {who}.", case.get_absolute_url()


class CaseEscalateView(_CaseActionView):
    form_class = EscalateForm
    form_name = "escalate_form"
    section = "escalate"

    def perform(self, form):
        request, case = self.request, self.object
        data = form.cleaned_data
        services.case_escalate(
            actor=request.user, case=case, reason=data["reason"], to_user=data["to_user"], to_group=data["to_group"]
        )
        whom = " and ".join(str(x) for x in (data["to_user"], data["to_group"]) if x)
        self.success_message, self.success_url = f"{case.reference} escalated to {whom}.", case.get_absolute_url()


class CaseUpdateView(_CaseActionView):
    form_name = "update_form"
    section = "details"

    form_class = CaseUpdateForm

    def get_form_kwargs(self):
        return {"case": self.object}

    def perform(self, form):
        request, case = self.request, self.object
        data = form.cleaned_data
        updated = services.case_update(
            actor=request.user, case=case, priority=data["priority"], category=data["category"], reason=data["reason"]
        )
        self.success_message = (
            f"{case.reference}: priority {updated.get_priority_display()}, category {updated.category}. "
            "SLA due times follow the new targets."
        )
        self.success_url = case.get_absolute_url()


class CaseMergeView(_CaseActionView):
    form_class = MergeForm
    form_name = "merge_form"
    section = "merge"

    def perform(self, form):
        request, case = self.request, self.object
        target = form.cleaned_data["target"]
        services.case_merge(actor=request.user, source=case, target=target, reason=form.cleaned_data["reason"])
        self.success_message, self.success_url = (
            f"{case.reference} was merged into {target.reference} and closed.",
            target.get_absolute_url(),
        )


class CaseLinkView(_CaseActionView):
    form_class = LinkForm
    form_name = "link_form"
    section = "link"

    def perform(self, form):
        request, case = self.request, self.object
        other = form.cleaned_data["other"]
        services.case_link(actor=request.user, case=case, other=other)
        self.success_message, self.success_url = (
            f"{case.reference} and {other.reference} are now linked.",
            f"{case.get_absolute_url()}#related",
        )


class CaseCloneView(StaffRequiredMixin, View):
    action_permission_required = policies.WORK_CASE

    def get(self, request, reference):
        return redirect(case_selectors.case_get_for_staff(reference).get_absolute_url())

    def post(self, request, reference):
        case = case_selectors.case_get_for_staff(reference)
        try:
            clone = services.case_clone(actor=request.user, case=case)
        except DomainError as error:
            messages.error(request, f"Could not clone {case.reference}: {error}")
            return redirect(case.get_absolute_url())
        messages.success(request, f"{clone.reference} was opened as a copy of {case.reference}.")
        return redirect(clone.get_absolute_url())


class AttachmentDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(CaseAttachment, pk=pk)
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )
