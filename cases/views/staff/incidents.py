"""Workspace pages of market incidents: the list (proposed / open / resolved / dismissed tabs) and one incident
(its linked cases with their MPs, the one reply to all, the timeline) with its actions and their forms.

Every staff member may look (a Notice Publisher drafts a market notice from an incident); the actions are for the
groups that hold ``cases.manage_incidents``. Issue patterns (one MP) are the list next door (``patterns``).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from ercot_services.core.actions import ActionView, Confirmation
from ercot_services.core.forms import LayoutMixin
from ercot_services.core.models import AuditEvent
from ercot_services.core.permissions import StaffRequiredMixin, load_permissions
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from ... import policies, services
from ...forms.staff import _ReferenceField
from ...models import IncidentStatus
from ...selectors import incidents as incident_selectors


# --- the forms of the incident page (here: cases/forms/staff.py is at the module size limit) ---------------------
class _IncidentForm(LayoutMixin, forms.Form):
    prefix_id = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)


class IncidentConfirmForm(_IncidentForm):
    prefix_id = "confirm"
    title = forms.CharField(max_length=200, label="Title")
    summary = forms.CharField(
        required=False,
        max_length=MESSAGE_TEXT,
        label="Summary (staff only)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went wrong in the market, as far as is known. Name no Market Participant.",
    )


class IncidentDismissForm(_IncidentForm):
    prefix_id = "dismiss"
    reason = forms.CharField(
        max_length=NOTE_TEXT, label="Why is this not a market incident?", widget=forms.Textarea(attrs={"rows": 2})
    )


class IncidentResolveForm(_IncidentForm):
    prefix_id = "resolve"
    summary = forms.CharField(
        required=False,
        max_length=MESSAGE_TEXT,
        label="Resolution summary (staff only, optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IncidentLinkForm(_IncidentForm):
    prefix_id = "link"
    case = _ReferenceField(label="Case reference", help_text="A case of any Market Participant.")


class IncidentUnlinkForm(_IncidentForm):
    prefix_id = "unlink"
    case = _ReferenceField(widget=forms.HiddenInput)


class IncidentReplyForm(_IncidentForm):
    prefix_id = "incident_reply"
    body = forms.CharField(
        max_length=MESSAGE_TEXT,
        label="Reply to every linked case",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Each requester receives it on their own case; name no Market Participant.",
    )
    resolve = forms.BooleanField(
        required=False,
        label="Resolve the open cases with this reply as their summary (disputes stay open: each needs its outcome)",
    )


PAGE_SIZE = 25
TABS = [
    (IncidentStatus.PROPOSED, "Proposed"),
    (IncidentStatus.OPEN, "Open"),
    (IncidentStatus.RESOLVED, "Resolved"),
    (IncidentStatus.DISMISSED, "Dismissed"),
]


class IncidentListView(StaffRequiredMixin, TemplateView):
    """One tab per status, proposed first; a fixed number of queries per page."""

    template_name = "workspace/incidents/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status")
        if status not in IncidentStatus.values:
            status = IncidentStatus.PROPOSED
        counts = incident_selectors.incident_status_counts()
        page = Paginator(incident_selectors.incidents_for_staff(status=status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page_obj=page,
            status=status,
            tabs=[(key, label, counts[key]) for key, label in TABS],
            querystring=f"status={status}",
        )
        return context


def incident_page(request, incident, *, status=200, confirmation=None, **forms):
    """The incident page, with the forms of its actions (a refused one passed in, bound, with its errors)."""
    load_permissions(request.user)
    can_manage = policies.can_manage_incidents(request.user, incident)
    context = {
        "incident": incident,
        "cases": list(incident_selectors.incident_cases(incident)),
        "replies": list(incident.replies.select_related("author").prefetch_related("messages")[:10]),
        "timeline": AuditEvent.objects.for_object(incident).select_related("actor", "target_content_type"),
        "can_manage": can_manage,
        "confirm_form": forms.get("confirm_form")
        or IncidentConfirmForm(initial={"title": incident.title, "summary": incident.summary}),
        "dismiss_form": forms.get("dismiss_form") or IncidentDismissForm(),
        "resolve_form": forms.get("resolve_form") or IncidentResolveForm(),
        "link_form": forms.get("link_form") or IncidentLinkForm(),
        "reply_form": forms.get("reply_form") or IncidentReplyForm(),
        "unlink_form": forms.get("unlink_form"),
        "confirmation": confirmation,
    }
    return render(request, "workspace/incidents/detail.html", context, status=status)


class IncidentDetailView(StaffRequiredMixin, TemplateView):
    def get(self, request, pk):
        return incident_page(request, incident_selectors.incident_get(pk))


class _IncidentActionView(StaffRequiredMixin, ActionView):
    """POST one form of the incident page; success redirects with a message, an error re-renders the page (400)."""

    action_permission_required = policies.MANAGE_INCIDENTS
    form_name = ""

    def get_object(self):
        return incident_selectors.incident_get(self.kwargs["pk"])

    def get(self, request, pk):
        return redirect("workspace:incident-detail", pk=pk)

    def render_form(self, form, status=200):
        return incident_page(
            self.request, self.object, status=status, confirmation=self.confirmation, **{self.form_name: form}
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class IncidentConfirmView(_IncidentActionView):
    form_class = IncidentConfirmForm
    form_name = "confirm_form"

    def perform(self, form):
        data = form.cleaned_data
        services.incident_confirm(
            actor=self.request.user, incident=self.object, title=data["title"], summary=data["summary"]
        )
        self.success_message = "Incident confirmed: link any other cases, then answer them all with one reply."


class IncidentDismissView(_IncidentActionView):
    form_class = IncidentDismissForm
    form_name = "dismiss_form"

    def perform(self, form):
        services.incident_dismiss(actor=self.request.user, incident=self.object, reason=form.cleaned_data["reason"])
        self.success_message = "Proposal dismissed: its cases will not be proposed again for this key."


class IncidentResolveView(_IncidentActionView):
    form_class = IncidentResolveForm
    form_name = "resolve_form"

    def get_confirmation(self, form):
        still_open = [case for case in incident_selectors.incident_cases(self.object) if case.is_open]
        if not still_open:
            return None
        return Confirmation(
            f"{len(still_open)} linked case{'s are' if len(still_open) != 1 else ' is'} still open. Resolving the "
            "incident leaves them as they are.",
            "Resolve the incident anyway",
        )

    def perform(self, form):
        services.incident_resolve(actor=self.request.user, incident=self.object, summary=form.cleaned_data["summary"])
        self.success_message = "Incident resolved."


class IncidentLinkView(_IncidentActionView):
    form_class = IncidentLinkForm
    form_name = "link_form"

    def perform(self, form):
        case = form.cleaned_data["case"]
        services.incident_link_case(actor=self.request.user, incident=self.object, case=case)
        self.success_message = f"{case.reference} is linked to the incident."


class IncidentUnlinkView(_IncidentActionView):
    form_class = IncidentUnlinkForm
    form_name = "unlink_form"

    def perform(self, form):
        case = form.cleaned_data["case"]
        services.incident_unlink_case(actor=self.request.user, incident=self.object, case=case)
        self.success_message = f"{case.reference} is no longer linked to the incident."


class IncidentReplyView(_IncidentActionView):
    form_class = IncidentReplyForm
    form_name = "reply_form"

    def get_confirmation(self, form):
        count = self.object.cases.count()
        what = " and resolve the open ones" if form.cleaned_data["resolve"] else ""
        return Confirmation(
            f"This sends the reply to the requesters of {count} linked case{'s' if count != 1 else ''}{what}. Each "
            "sees it on their own case only.",
            "Send to every linked case",
        )

    def perform(self, form):
        data = form.cleaned_data
        result = services.incident_reply_all(
            actor=self.request.user, incident=self.object, body=data["body"], resolve=data["resolve"]
        )
        parts = [f"Reply added to {len(result.answered)} case{'s' if len(result.answered) != 1 else ''}"]
        if result.already_answered:
            parts.append(f"{result.already_answered} already had it")
        if result.closed:
            parts.append(f"{len(result.closed)} closed or withdrawn took no reply")
        if result.resolved:
            parts.append(f"{len(result.resolved)} resolved")
        if result.disputes_left_open:
            parts.append(f"{len(result.disputes_left_open)} dispute(s) left open for their outcome")
        self.success_message = "; ".join(parts) + "."
