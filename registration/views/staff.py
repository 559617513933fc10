"""Workspace (staff) registration pages: the review queue, the review page and its actions,
the MP's registration facts (SFA, PUCT, QSE Acknowledgement), and inviting a potential MP.

Views stay thin: they read through ``registration.selectors`` (and a few queries of
their own), write through ``registration.services``, and turn a ``DomainError`` into
a form error shown on the page (status 400) with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.models import MarketParticipant
from accounts.selectors import current_manager
from cases.models import CaseKind
from cases.selectors.cases import case_get_for_staff
from ercot_services.core.actions import ActionView, Confirmation, add_domain_error
from ercot_services.core.calendar import business_calendar
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from .. import policies
from ..filters import ApplicationFilter, staff_application_queue
from ..forms.staff import (
    FACT_FORMS,
    ApproveForm,
    DocumentReviewForm,
    InviteForm,
    PuctForm,
    QseAcknowledgementForm,
    QseLoadQualificationForm,
    RejectForm,
    RequestInfoForm,
    SfaForm,
)
from ..models import (
    ApplicationKind,
    ApplicationStatus,
    PuctCertification,
    QseAcknowledgement,
    QseLoadQualification,
    RequirementStatus,
    SfaRecord,
)
from ..selectors import application_get_for_user, checklist, contact_changes, document_get_for_user
from ..services.common import authorized_representatives, business_days_left
from ..services.documents import document_review
from ..services.facts import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record
from ..services.invitations import potential_participant_invite
from ..services.review import (
    application_approve,
    application_reject,
    application_request_info,
    application_start_review,
)
from ..templatetags.registration_tags import participant_registration_facts

PAGE_SIZE = 25
AT_RISK_DAYS = 2  # the clock shows red at or below this many Business Days left


def _clock(application, today, calendar) -> dict:
    """What the review clock shows: due date, Business Days left, paused or not, at risk or not."""
    paused = application.paused_on is not None
    days_left = business_days_left(application, today, calendar)
    return {
        "due_on": application.due_on,
        "paused": paused,
        "paused_on": application.paused_on,
        "days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else 0,
        "at_risk": days_left is not None and days_left <= AT_RISK_DAYS,
        "running": application.is_open and not paused and application.due_on is not None,
    }


# --- the queue -------------------------------------------------------------------------------------------


class ApplicationQueueView(StaffRequiredMixin, TemplateView):
    """Open applications by review due date; filters by status, kind, MP and reviewer."""

    template_name = "workspace/registration/queue.html"

    def get_context_data(self, **kwargs):
        request = self.request
        context = super().get_context_data(**kwargs)
        filterset = ApplicationFilter(request.GET, queryset=staff_application_queue(), user=request.user)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        calendar, today = business_calendar(), timezone.localdate()
        for application in page:
            application.clock = _clock(application, today, calendar)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, querystring=query.urlencode(), today=today)
        return context


# --- the review page ---------------------------------------------------------------------------------------


def _get_application(request, reference):
    return application_get_for_user(request.user, (reference or "").strip().upper())


def review_page(request, application, *, status=200, error_section="", document_error=None, confirmation=None, **forms):
    """Render the review page; an action view passes its bound form (with errors) to show it in place."""
    lines = checklist(application)
    calendar, today = business_calendar(), timezone.localdate()
    participant = application.participant
    not_accepted = [
        line for line in lines if line.requirement.needs_document and line.status != RequirementStatus.ACCEPTED
    ]
    documents_count = sum(len(line.versions) for line in lines)
    in_review = application.status == ApplicationStatus.UNDER_REVIEW
    # The error of a refused action is also said at the top of the page; when this status does not show
    # the action's form (for example approving before the review started) the top is the only place.
    action_errors = []
    for name in ("request_info_form", "approve_form", "reject_form"):
        if forms.get(name) is not None:
            action_errors.extend(forms[name].non_field_errors())
            if not in_review:
                action_errors.extend(
                    e for field, errs in forms[name].errors.items() if field != "__all__" for e in errs
                )
    if document_error is not None:
        action_errors.extend(document_error[1].non_field_errors())
        if not in_review:
            action_errors.extend(document_error[1].errors.get("reason", []))
    context = {
        "application": application,
        "participant": participant,
        "lines": lines,
        "documents_count": documents_count,
        "not_accepted": not_accepted,
        "contact_changes": list(contact_changes(application)),
        "roles": list(application.roles.all()),
        "roles_to_remove": list(application.roles_to_remove.all()),
        "territories": list(application.territories_to_add.all()),
        "clock": _clock(application, today, calendar),
        "account_manager": current_manager(participant),
        "representatives": authorized_representatives(participant),
        "facts": participant_registration_facts(participant) if application.kind == ApplicationKind.INITIAL else None,
        "timeline": AuditEvent.objects.for_object(application)
        .select_related("actor", "target_content_type")
        .order_by("-created_at", "-id")[:200],
        "can_decide": policies.can_decide_application(request.user, application),
        "can_start_review": application.can_move_to(ApplicationStatus.UNDER_REVIEW),
        "in_review": in_review,
        "action_errors": action_errors,
        "request_info_form": forms.get("request_info_form") or RequestInfoForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "confirmation": confirmation,
        "start_review_error": forms.get("start_review_error", ""),
        "error_section": error_section,
        "document_error": document_error,  # (document pk, bound form) of a refused document review
    }
    return render(request, "workspace/registration/review.html", context, status=status)


class ApplicationReviewView(StaffRequiredMixin, View):
    def get(self, request, reference):
        return review_page(request, _get_application(request, reference))


class _ApplicationActionView(StaffRequiredMixin, ActionView):
    """POST one form of the review page; success redirects with a message, an error re-renders the page (400)."""

    action_permission_required = policies.DECIDE_APPLICATION
    form_name = ""
    section = ""

    def get_object(self):
        return _get_application(self.request, self.kwargs["reference"])

    def get(self, request, reference):
        return redirect(self.get_object().get_absolute_url())

    def render_form(self, form, status=200):
        return review_page(
            self.request,
            self.object,
            status=status,
            error_section="" if self.confirmation else self.section,  # a question, not an error
            confirmation=self.confirmation,
            **{self.form_name: form},
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ApplicationStartReviewView(StaffRequiredMixin, View):
    action_permission_required = policies.DECIDE_APPLICATION

    def get(self, request, reference):
        return redirect(_get_application(request, reference).get_absolute_url())

    def post(self, request, reference):
        application = _get_application(request, reference)
        try:
            application_start_review(actor=request.user, application=application)
        except DomainError as error:
            return review_page(request, application, status=400, error_section="actions", start_review_error=str(error))
        messages.success(
            request, f"You started the review of {application.reference}. Accept or reject each document, then decide."
        )
        return redirect(application.get_absolute_url())


class ApplicationRequestInfoView(_ApplicationActionView):
    form_class = RequestInfoForm
    form_name = "request_info_form"
    section = "request-info"

    def perform(self, form):
        request, application = self.request, self.object
        application_request_info(actor=request.user, application=application, message=form.cleaned_data["message"])
        self.success_message = (
            f"Information requested on {application.reference}. The Authorized Representatives were emailed "
            "(copy to the Account Manager); the review clock is paused until they resubmit."
        )


class ApplicationApproveView(_ApplicationActionView):
    form_class = ApproveForm
    form_name = "approve_form"
    section = "approve"

    def perform(self, form):
        request, application = self.request, self.object
        approved = application_approve(actor=request.user, application=application, reason=form.cleaned_data["note"])
        text = f"{approved.reference} is approved and applied to {approved.participant.short_name}."
        if approved.requires_testing:
            text += " It requires market testing: qualification can enroll the MP in a flight."
        self.success_message = text


class ApplicationRejectView(_ApplicationActionView):
    form_class = RejectForm
    form_name = "reject_form"
    section = "reject"

    def get_confirmation(self, form):
        application = self.object
        return Confirmation(
            f"Rejecting {application.reference} is final: {application.participant.short_name}'s Authorized "
            "Representatives are emailed this reason, and a new application is needed to register.",
            f"Yes, reject {application.reference}",
        )

    def perform(self, form):
        request, application = self.request, self.object
        application_reject(actor=request.user, application=application, reason=form.cleaned_data["reason"])
        self.success_message = (
            f"{application.reference} is rejected. The Authorized Representatives were emailed the reason."
        )


class DocumentDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        document = document_get_for_user(request.user, pk)
        return private_file_response(document.file, filename=document.original_name, content_type=document.content_type)


class DocumentReviewView(StaffRequiredMixin, ActionView):
    """Accept or reject one document version (a rejection needs a reason)."""

    action_permission_required = policies.DECIDE_APPLICATION
    form_class = DocumentReviewForm

    def get_object(self):
        return document_get_for_user(self.request.user, self.kwargs["pk"])

    def get(self, request, pk):
        return redirect(self.get_object().line.application.get_absolute_url())

    def render_form(self, form, status=200):
        # The document was found in the user's scope (``get_object``, once per request); a refused review
        # shows its application's page again.
        document = self.object
        return review_page(
            self.request,
            _get_application(self.request, document.line.application.reference),
            status=status,
            error_section=f"line-{document.line_id}",
            document_error=(document.pk, form),
        )

    def perform(self, form):
        self.accept = form.cleaned_data["decision"] == DocumentReviewForm.ACCEPT
        document_review(
            actor=self.request.user, document=self.object, accept=self.accept, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, form):
        document, verb = self.object, "accepted" if self.accept else "rejected"
        return f"{document.line.requirement.name}: {document.original_name} (v{document.version}) {verb}."

    def get_success_url(self):
        return f"{self.object.line.application.get_absolute_url()}#line-{self.object.line_id}"


# --- registration facts ----------------------------------------------------------------------------------


class RegistrationFactsView(StaffRequiredMixin, View):
    """SFA, PUCT certification and QSE Acknowledgement of one MP: what qualification reads."""

    template_name = "workspace/registration/facts.html"

    def _participant(self, pk):
        return get_object_or_404(MarketParticipant.objects.prefetch_related("roles"), pk=pk)

    def _forms(self, participant, bound=None):
        sfa = SfaRecord.objects.filter(participant=participant).first()
        puct = PuctCertification.objects.filter(participant=participant).first()
        ack = (
            QseAcknowledgement.objects.filter(participant=participant).select_related("qse__load_qualification").first()
        )
        load = QseLoadQualification.objects.filter(qse=participant).select_related("recorded_by").first()
        forms = {
            SfaForm.name: SfaForm(
                initial={"signed_on": sfa.signed_on, "processed_by_legal": sfa.processed_by_legal} if sfa else None
            ),
            PuctForm.name: PuctForm(
                initial={
                    "certificate_number": puct.certificate_number,
                    "issued_on": puct.issued_on,
                    "expires_on": puct.expires_on,
                    "received": puct.received_at is not None,
                }
                if puct
                else None
            ),
            QseAcknowledgementForm.name: QseAcknowledgementForm(
                participant=participant,
                initial={"qse": ack.qse_id, "processed_by_legal": ack.processed_by_legal} if ack else None,
            ),
            QseLoadQualificationForm.name: QseLoadQualificationForm(
                initial={"qualified": load.qualified} if load else None
            ),
        }
        if bound is not None:
            forms[bound.name] = bound
        return {"sfa": sfa, "puct": puct, "ack": ack, "load": load, "forms": forms}

    def _render(self, request, participant, bound=None, status=200):
        records = self._forms(participant, bound)
        forms = records.pop("forms")
        can_edit = policies.can_record_facts(request.user, participant)
        if not can_edit:
            for form in forms.values():
                for field in form.fields.values():
                    field.disabled = True
        context = {
            "participant": participant,
            **records,
            "sfa_form": forms[SfaForm.name],
            "puct_form": forms[PuctForm.name],
            "qse_form": forms[QseAcknowledgementForm.name],
            "load_form": forms[QseLoadQualificationForm.name],
            "is_qse": participant.has_role("QSE"),
            "can_edit": can_edit,
            "error_form": bound.name if bound is not None else "",
            "applications": participant.applications.exclude(status=ApplicationStatus.DRAFT).order_by("-created_at")[
                :10
            ],
            "history": AuditEvent.objects.filter(participant=participant, verb__startswith="registration.")
            .select_related("actor", "target_content_type")
            .order_by("-created_at", "-id")[:50],
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(request, self._participant(pk))

    def post(self, request, pk):
        participant = self._participant(pk)
        if not policies.can_record_facts(request.user, participant):
            raise PermissionDenied("Your role does not allow recording registration facts.")
        form_class = FACT_FORMS.get(request.POST.get("form", ""))
        if form_class is None:
            messages.error(request, "That form was not recognised; nothing was saved.")
            return redirect("workspace:participant-facts", pk=participant.pk)
        kwargs = {"participant": participant} if form_class is QseAcknowledgementForm else {}
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form_class is SfaForm:
                    sfa_record(
                        actor=request.user,
                        participant=participant,
                        signed_on=data["signed_on"],
                        processed_by_legal=data["processed_by_legal"],
                    )
                    text = "SFA recorded."
                elif form_class is PuctForm:
                    puct_record(
                        actor=request.user,
                        participant=participant,
                        certificate_number=data["certificate_number"],
                        issued_on=data["issued_on"],
                        expires_on=data["expires_on"],
                        received=data["received"],
                    )
                    text = f"PUCT certification {data['certificate_number'].strip()} recorded."
                elif form_class is QseLoadQualificationForm:
                    record = qse_load_qualification_record(
                        actor=request.user, qse=participant, qualified=data["qualified"], reason=data["reason"]
                    )
                    text = f"recorded as {'' if record.qualified else 'not '}qualified to serve load.".capitalize()
                else:
                    qse_acknowledgement_record(
                        actor=request.user,
                        participant=participant,
                        qse=data["qse"],
                        processed_by_legal=data["processed_by_legal"],
                    )
                    text = f"QSE Acknowledgement recorded: {participant.short_name} → QSE {data['qse'].short_name}."
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"{participant.short_name}: {text}")
                return redirect("workspace:participant-facts", pk=participant.pk)
        return self._render(request, participant, bound=form, status=400)


# --- inviting a potential MP ------------------------------------------------------------------------------


class PotentialParticipantInviteView(StaffRequiredMixin, ActionView):
    """From a potential-MP contact: create the prospective MP and its first AR, and email an invitation."""

    permission_required = policies.INVITE_POTENTIAL_PARTICIPANT
    template_name = "workspace/registration/invite.html"
    form_class = InviteForm

    def get_object(self):
        case = case_get_for_staff(self.kwargs["reference"])
        if case.kind != CaseKind.POTENTIAL_MP:
            raise Http404("Only a potential-MP contact can be turned into an invitation.")
        return case

    def get_initial(self):
        return InviteForm.initial_for(self.object)

    def get_context(self, form):
        return {"case": self.object}

    def perform(self, form):
        case, data = self.object, form.cleaned_data
        if case.participant_id:
            raise DomainError(
                f"{case.reference} is already linked to {case.participant.short_name}: "
                "invite more people from that Market Participant's contacts instead."
            )
        return potential_participant_invite(
            actor=self.request.user,
            case=case,
            legal_name=data["legal_name"].strip(),
            short_name=data["short_name"],
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"],
        )

    def get_success_message(self, form):
        participant, data = self.result, form.cleaned_data
        return (
            f"{participant.legal_name} ({participant.short_name}) was created as a prospective MP. "
            f"{data['contact_email']} is its Authorized Representative and was emailed an invitation "
            f"to set a password and start the registration. {self.object.reference} is resolved."
        )

    def get_success_url(self):
        return self.result.get_absolute_url()
