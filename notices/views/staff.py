"""Workspace (staff) pages for market notices: the list, the draft form, the notice page and its actions,
live fan-out progress, the delivery report (with CSV export) and acknowledgements of ACTION REQUIRED notices.

Views stay thin: they write through ``notices.services`` and turn a ``DomainError``
into a form error shown on the page (status 400) with what was typed kept.
Everyone on staff may look; only Notice Publishers (and superusers) draft, approve and publish.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.models import AccountManagerAssignment, ParticipantStatus
from cases.models import CaseKind, DisputeDecision
from cases.selectors.cases import case_get_for_staff
from ercot_services.core.actions import ActionView
from ercot_services.core.csv import csv_response
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from ..forms.staff import ACTIONS, NoticeDraftForm, NoticeFromDisputeForm, ReturnToDraftForm, ScheduleForm
from ..models import Acknowledgement, Notice, NoticeAttachment, NoticeDelivery, NoticeStatus, NoticeType
from ..outbox import notice_delivery_health
from ..rendering import render_markdown
from ..selectors import participants_addressed_by
from ..services.drafting import (
    NoticeInput,
    default_contact,
    is_publisher,
    notice_attach,
    notice_create,
    notice_detach,
    notice_follow_up,
    notice_update,
)
from ..services.from_dispute import may_draft_from_dispute, notice_draft_from_dispute
from ..services.recipients import lists_for, recipients_for
from ..services.workflow import (
    notice_approve,
    notice_publish,
    notice_return_to_draft,
    notice_schedule,
    notice_submit_for_review,
)

PAGE_SIZE = 25
REPORT_PAGE_SIZE = 50
STATUS_ORDER = [
    NoticeStatus.DRAFT,
    NoticeStatus.IN_REVIEW,
    NoticeStatus.APPROVED,
    NoticeStatus.SCHEDULED,
    NoticeStatus.PUBLISHED,
]
DELIVERY_STATUSES = [s for s, _ in NoticeDelivery.Status.choices]


NOTICE_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _notice_or_404(pk: int) -> Notice:
    return get_object_or_404(
        Notice.objects.select_related("notice_type", "author", "approver", "previous", "thread").prefetch_related(
            "audience", "lists"
        ),
        pk=pk,
    )


def notice_url(notice: Notice) -> str:
    return reverse("workspace:notice-detail", args=[notice.pk])


def delivery_counts(notice: Notice) -> dict:
    """Sent, failed, pending and claimed counts of the notice's outbox, and its health (moving, or stalled and
    why: ``counts["health"]``, see ``notice_delivery_health``), in one query."""
    health = notice_delivery_health(notice)
    counts = {status: getattr(health, status) for status in DELIVERY_STATUSES}
    counts["health"] = health
    counts["total"] = sum(counts[s] for s in DELIVERY_STATUSES)
    counts["running"] = bool(counts[NoticeDelivery.Status.PENDING] or counts[NoticeDelivery.Status.CLAIMED])
    done = counts[NoticeDelivery.Status.SENT] + counts[NoticeDelivery.Status.FAILED]
    counts["percent"] = round(100 * done / counts["total"]) if counts["total"] else 100
    return counts


class PublisherRequiredMixin(StaffRequiredMixin):
    """Staff may look; only Notice Publishers (and superusers) change notices."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff and not is_publisher(request.user):
            raise PermissionDenied("Only Notice Publishers draft, approve and publish market notices.")
        return super().dispatch(request, *args, **kwargs)


# --- the list ---------------------------------------------------------------------------------------


class NoticeListView(StaffRequiredMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        type_slug = request.GET.get("type", "")
        notices = Notice.objects.select_related("notice_type", "author", "approver").order_by("-updated_at", "-pk")
        if status in dict(NoticeStatus.choices):
            notices = notices.filter(status=status)
        else:
            status = ""
        types = list(NoticeType.objects.all())
        if type_slug:
            notices = notices.filter(notice_type__slug=type_slug)
        page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
        counts = dict(Notice.objects.values_list("status").annotate(n=Count("pk")).order_by())
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "workspace/notices/list.html",
            {
                "page_obj": page,
                "status": status,
                "type_slug": type_slug,
                "types": types,
                "statuses": [(s, NoticeStatus(s).label, counts.get(s, 0)) for s in STATUS_ORDER],
                "total": sum(counts.values()),
                "querystring": query.urlencode(),
                "can_publish": is_publisher(request.user),
            },
        )


# --- drafting -----------------------------------------------------------------------------------------


class NoticeCreateView(PublisherRequiredMixin, ActionView):
    template_name = "workspace/notices/form.html"
    form_class = NoticeDraftForm
    success_message = "Draft saved. Check the preview below, then submit it for review."

    def get_initial(self):
        return {"contact": default_contact(), "scope": "M"}

    def get_context(self, form):
        return {"notice": None}

    def perform(self, form):
        return notice_create(actor=self.request.user, data=NoticeInput(**form.service_kwargs()))

    def get_success_url(self):
        return notice_url(self.result)


class NoticeEditView(PublisherRequiredMixin, ActionView):
    template_name = "workspace/notices/form.html"
    form_class = NoticeDraftForm
    success_message = "Draft saved."

    def get_object(self):
        return _notice_or_404(self.kwargs["pk"])

    def get(self, request, pk):
        notice = self.object = self.get_object()
        if notice.status != NoticeStatus.DRAFT:
            messages.info(request, "Only a draft can be edited: return it to draft first.")
            return redirect(notice_url(notice))
        return self.render_form(self.get_form())

    def get_initial(self):
        return NoticeDraftForm.initial_for(self.object)

    def get_context(self, form):
        return {"notice": self.object}

    def perform(self, form):
        kwargs = form.service_kwargs()
        notice_update(
            actor=self.request.user,
            notice=self.object,
            audience_codes=kwargs.pop("audience_codes"),
            lists=kwargs.pop("lists"),
            **kwargs,
        )

    def get_success_url(self):
        return notice_url(self.object)


class NoticePreviewView(PublisherRequiredMixin, View):
    """htmx: the long description rendered server-side exactly as the notice will show it."""

    def post(self, request):
        html = render_markdown(request.POST.get("long_description", ""))
        return HttpResponse(html or '<p class="text-muted mb-0">Nothing to preview yet.</p>')


# --- the notice page --------------------------------------------------------------------------------


def notice_page(request, notice: Notice, *, status: int = 200, error_section: str = "", **forms):
    is_pub = is_publisher(request.user)
    timeline = (
        AuditEvent.objects.for_object(notice)
        .select_related("actor", "target_content_type")
        .order_by("-created_at", "-id")[:100]
    )
    counts = delivery_counts(notice) if notice.status == NoticeStatus.PUBLISHED else None
    recipients = None
    if notice.status != NoticeStatus.PUBLISHED:
        by_list: dict = {}
        for _address, dl in recipients_for(notice).items():
            by_list[dl] = by_list.get(dl, 0) + 1
        lists = lists_for(notice)
        recipients = {
            "lists": [(dl, by_list.get(dl, 0), dl in notice.lists.all()) for dl in lists],
            "total": sum(by_list.values()),
        }
    followers = list(notice.followers.select_related("notice_type").order_by("created_at")) if notice.pk else []
    thread = (
        list(notice.thread.notices.filter(status=NoticeStatus.PUBLISHED).order_by("number")) if notice.thread_id else []
    )
    available = {key for key, spec in ACTIONS.items() if notice.status in spec["statuses"]}
    if notice.status == NoticeStatus.IN_REVIEW and notice.author_id == request.user.pk:
        available.discard("return")  # returning with a reason is the reviewer's answer, not the author's
    cannot_approve = ""
    if "approve" in available:
        if not is_pub:
            cannot_approve = "Only a Notice Publisher can approve a notice."
        elif notice.author_id == request.user.pk:
            cannot_approve = "You drafted this notice: a different Notice Publisher must approve it (four eyes)."
    context = {
        "notice": notice,
        "long_description_html": render_markdown(notice.long_description),
        "timeline": timeline,
        "counts": counts,
        "recipients": recipients,
        "followers": followers,
        "thread": thread,
        "available": available,
        "can_publish": is_pub,
        "cannot_approve": cannot_approve,
        "return_form": forms.get("return_form") or ReturnToDraftForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(),
        "action_error": forms.get("action_error", ""),
        "error_section": error_section,
    }
    return render(request, "workspace/notices/detail.html", context, status=status)


class NoticeDetailView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return notice_page(request, _notice_or_404(pk))


class NoticeActionView(PublisherRequiredMixin, View):
    """POST one action of the notice page; success redirects with a message, an error re-renders the page (400)."""

    def get(self, request, pk, action):
        return redirect(notice_url(_notice_or_404(pk)))

    def post(self, request, pk, action):
        notice = _notice_or_404(pk)
        if action not in ACTIONS:
            return notice_page(request, notice, status=400, action_error=f"“{action}” is not an action on a notice.")
        forms = {}
        try:
            if action == "submit":
                notice_submit_for_review(actor=request.user, notice=notice)
                text, target = "Submitted for review. Another Notice Publisher must approve it.", notice_url(notice)
            elif action == "return":
                form = forms["return_form"] = ReturnToDraftForm(request.POST)
                if not form.is_valid():
                    return notice_page(request, notice, status=400, error_section="return", **forms)
                notice_return_to_draft(actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
                text, target = "Returned to draft; the author can edit it again.", notice_url(notice)
            elif action == "approve":
                notice_approve(actor=request.user, notice=notice)
                text, target = "Approved. Publish it now or schedule it.", notice_url(notice)
            elif action == "schedule":
                form = forms["schedule_form"] = ScheduleForm(request.POST)
                if not form.is_valid():
                    return notice_page(request, notice, status=400, error_section="schedule", **forms)
                when = form.cleaned_data["when"]
                notice_schedule(actor=request.user, notice=notice, when=when)
                text = f"Scheduled for {timezone.localtime(when):%b %d, %Y %H:%M %Z}."
                target = notice_url(notice)
            elif action == "publish":
                published = notice_publish(actor=request.user, notice=notice)
                total = NoticeDelivery.objects.filter(notice=published).count()
                text = f"Published as {published.notice_id}; sending to {total} recipient{'s' if total != 1 else ''}."
                target = notice_url(published)
            else:  # update / cancel
                kind = Notice.Kind.UPDATE if action == "update" else Notice.Kind.CANCELLATION
                draft = notice_follow_up(actor=request.user, previous=notice, kind=kind)
                text = (
                    f"Draft {'update' if action == 'update' else 'cancellation'} of {notice.notice_id} prepared. "
                    "Edit it, then submit it for review."
                )
                target = reverse("workspace:notice-edit", args=[draft.pk]) if action == "update" else notice_url(draft)
        except DomainError as error:
            section = action if action in ("return", "schedule") else "actions"
            if section in ("return", "schedule"):
                forms[f"{section}_form"].add_error(None, str(error))
                return notice_page(request, _notice_or_404(pk), status=400, error_section=section, **forms)
            return notice_page(
                request, _notice_or_404(pk), status=400, error_section="actions", action_error=str(error)
            )
        messages.success(request, text)
        return redirect(target)


class NoticeProgressView(StaffRequiredMixin, View):
    """htmx fragment: sent / failed / pending counts; it keeps polling while anything is pending or claimed."""

    def get(self, request, pk):
        notice = get_object_or_404(Notice.objects.only("pk", "status", "notice_id", "published_at"), pk=pk)
        return render(
            request, "workspace/notices/_progress.html", {"notice": notice, "counts": delivery_counts(notice)}
        )


# --- the delivery report ----------------------------------------------------------------------------


CSV_HEADER = ["notice_id", "email", "list", "status", "attempts", "sent_at", "last_error"]


def _csv_rows(notice: Notice):
    rows = (
        NoticeDelivery.objects.filter(notice=notice)
        .order_by("pk")
        .values_list("email", "distribution_list__name", "status", "attempts", "sent_at", "last_error")
    )
    for email, list_name, status, attempts, sent_at, error in rows.iterator(chunk_size=2000):
        yield [
            notice.notice_id,
            email,
            list_name or "",
            status,
            attempts,
            sent_at.isoformat() if sent_at else "",
            error,
        ]


class NoticeReportView(StaffRequiredMixin, View):
    def get(self, request, pk):
        notice = _notice_or_404(pk)
        if request.GET.get("format") == "csv":
            name = notice.notice_id or f"draft-{notice.pk}"
            return csv_response(f"{name}-deliveries.csv", CSV_HEADER, _csv_rows(notice))
        per_list = list(
            NoticeDelivery.objects.filter(notice=notice)
            .values("distribution_list__name")
            .annotate(
                total=Count("pk"),
                sent=Count("pk", filter=Q(status=NoticeDelivery.Status.SENT)),
                failed=Count("pk", filter=Q(status=NoticeDelivery.Status.FAILED)),
            )
            .order_by("distribution_list__name")
        )
        failures = (
            NoticeDelivery.objects.filter(notice=notice, status=NoticeDelivery.Status.FAILED)
            .select_related("distribution_list")
            .order_by("email")
        )
        page = Paginator(failures, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "workspace/notices/report.html",
            {"notice": notice, "counts": delivery_counts(notice), "per_list": per_list, "page_obj": page},
        )


# --- acknowledgements --------------------------------------------------------------------------------


class NoticeAcknowledgementsView(StaffRequiredMixin, View):
    """Which targeted MPs acknowledged (who, when) and which have not; an AM starts with their own book."""

    def get(self, request, pk):
        notice = _notice_or_404(pk)
        if not notice.action_required:
            messages.info(request, "This notice has no ACTION REQUIRED, so nobody acknowledges it.")
            return redirect(notice_url(notice))
        am = getattr(request.user, "account_manager", None)  # None when the user has no AM profile
        scope = request.GET.get("scope") or ("mine" if am else "all")
        if not am:
            scope = "all"
        targeted = participants_addressed_by(notice).filter(status=ParticipantStatus.ACTIVE)
        if scope == "mine":
            book = AccountManagerAssignment.objects.current().filter(account_manager=am).values("participant_id")
            targeted = targeted.filter(pk__in=book)
        targeted = list(targeted.order_by("short_name"))
        acks = {
            a.participant_id: a
            for a in Acknowledgement.objects.filter(
                notice=notice, participant__in=[mp.pk for mp in targeted]
            ).select_related("user")
        }
        acknowledged = [(mp, acks[mp.pk]) for mp in targeted if mp.pk in acks]
        missing = [mp for mp in targeted if mp.pk not in acks]
        return render(
            request,
            "workspace/notices/acknowledgements.html",
            {
                "notice": notice,
                "scope": scope,
                "is_am": bool(am),
                "acknowledged": acknowledged,
                "missing": missing,
                "targeted_count": len(targeted),
            },
        )


class NoticeAttachView(PublisherRequiredMixin, View):
    """Add a file to a draft (POST, multipart); checked by content like every upload."""

    def post(self, request, pk):
        from ercot_services.core.uploads import DOCUMENT_TYPES, check_upload

        notice = _notice_or_404(pk)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("Choose a file to attach.")
            try:
                checked = check_upload(upload, max_bytes=NOTICE_ATTACHMENT_MAX_BYTES, allowed=DOCUMENT_TYPES)
            except ValidationError as error:
                raise DomainError(" ".join(error.messages)) from error
            notice_attach(actor=request.user, notice=notice, upload=checked)
        except DomainError as error:
            return notice_page(request, notice, status=400, action_error=str(error))
        messages.success(request, f"Attached {checked.safe_name}.")
        return redirect(notice_url(notice))


class NoticeDetachView(PublisherRequiredMixin, View):
    def post(self, request, pk, attachment_pk):
        notice = _notice_or_404(pk)
        attachment = get_object_or_404(NoticeAttachment, pk=attachment_pk, notice=notice)
        try:
            notice_detach(actor=request.user, attachment=attachment)
        except DomainError as error:
            return notice_page(request, notice, status=400, action_error=str(error))
        messages.success(request, "Attachment removed.")
        return redirect(notice_url(notice))


class StaffAttachmentDownloadView(StaffRequiredMixin, View):
    """Staff may open the files of drafts too; the public only those of published notices."""

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(NoticeAttachment, pk=attachment_pk, notice_id=pk)
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


# --- a notice drafted from a dispute ------------------------------------------------------------------------


class NoticeFromDisputeView(PublisherRequiredMixin, ActionView):
    """Draft a Settlements notice from a granted dispute with a market-wide financial effect
    (``notices.services.from_dispute``); the draft opens for editing, then goes through the four-eyes review."""

    template_name = "workspace/notices/from_dispute.html"
    form_class = NoticeFromDisputeForm

    def get_object(self):
        return case_get_for_staff(self.kwargs["reference"])

    def get_context(self, form):
        case = self.object
        decision = DisputeDecision.objects.filter(case=case).first()
        outcome = case.dispute.outcome if case.kind == CaseKind.DISPUTE else ""
        return {"case": case, "may_draft": may_draft_from_dispute(self.request.user, case, decision, outcome)}

    def perform(self, form):
        return notice_draft_from_dispute(actor=self.request.user, case=self.object)

    def get_success_message(self, form):
        return f"Draft notice created from {self.object.reference}, without the participant's name. Check it, then submit it for review."

    def get_success_url(self):
        return reverse("workspace:notice-edit", args=[self.result.pk])
