"""Portal pages for registration: applications, the checklist, documents, contact changes, attestation.

Every application and document is looked up inside ``scope_to_user`` (see
``registration.selectors``): one of another Market Participant is a 404, never
a 403, and knowing a reference grants nothing. Views stay thin: forms validate,
``registration.services`` write (and hold every business rule), and a
``DomainError`` becomes a form error with what the person typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View
from django.views.generic import TemplateView

from accounts.portal_session import CurrentParticipantMixin
from accounts.selectors import current_manager
from ercot_services.core.actions import ActionView, add_domain_error
from ercot_services.core.calendar import business_calendar
from ercot_services.core.downloads import private_file_response
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from .. import selectors
from ..forms.portal import (
    MAX_DOCUMENT_BYTES,
    ContactChangeForm,
    DocumentUploadForm,
    SubmitForm,
    WithdrawForm,
    application_form_class,
)
from ..models import (
    REVIEW_BUSINESS_DAYS,
    TESTING_CHANGES,
    ApplicationKind,
    ApplicationStatus,
    ChangeType,
    start_offered,
    start_refusal,
)
from ..services.applications import (
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    completeness_refusal,
    contact_change_add,
)
from ..services.common import (
    ATTESTATION,
    authorized_representatives,
    business_days_left,
    can_attest,
    required_requirement_ids,
)
from ..services.documents import document_upload

# What each status means for the participant, and what to do next, in plain words.
NEXT_STEPS = {
    ApplicationStatus.DRAFT: (
        "Draft: not sent yet. Upload every document on the checklist, then your Authorized Representative "
        "or Backup AR attests and submits it."
    ),
    ApplicationStatus.SUBMITTED: (
        "Submitted. Client Services will start the review shortly; there is nothing for you to do now."
    ),
    ApplicationStatus.UNDER_REVIEW: (
        "Client Services is reviewing it. If anything is needed, your Authorized Representatives get an email."
    ),
    ApplicationStatus.INFO_REQUESTED: (
        "Client Services needs more information from you: read the request below, update the documents or "
        "details, then your Authorized Representative or Backup AR resubmits."
    ),
    ApplicationStatus.RESUBMITTED: "Resubmitted. Client Services continues the review.",
    ApplicationStatus.APPROVED: "Approved.",
    ApplicationStatus.REJECTED: "Rejected. The reason is below.",
    ApplicationStatus.WITHDRAWN: "Withdrawn. It is no longer reviewed.",
}


def approved_next_step(application) -> str:
    if application.kind == ApplicationKind.INITIAL:
        return (
            "Approved. Next comes market qualification: your Account Manager will contact you about testing "
            "in a flight before production."
        )
    if application.requires_testing:
        return (
            "Approved, and the changes were applied to your company record. This change requires market testing: "
            "your Account Manager will enroll you in a testing flight."
        )
    return "Approved, and the changes were applied to your company record."


def review_clock(application, *, calendar, today) -> dict:
    """What the review clock says: not started (draft), running (due date and days left), paused, or stopped."""
    if application.due_on is None:
        return {"state": "not_started", "business_days": REVIEW_BUSINESS_DAYS}
    if application.paused_on is not None:
        return {"state": "paused", "paused_on": application.paused_on, "due_on": application.due_on}
    if not application.is_open:
        return {"state": "stopped", "due_on": application.due_on}
    left = business_days_left(application, today, calendar)
    late = left is not None and left < 0
    return {
        "state": "running",
        "due_on": application.due_on,
        "days_left": left,
        "late": late,
        "overdue_days": -left if late else 0,
    }


# --- list -------------------------------------------------------------------------------------------


class ApplicationListView(ParticipantRequiredMixin, CurrentParticipantMixin, TemplateView):
    template_name = "portal/registration/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.participant
        applications = list(selectors.applications_for_participant(participant))
        calendar, today = business_calendar(), timezone.localdate()
        for application in applications:
            application.clock = review_clock(application, calendar=calendar, today=today)
        active_initial = next(
            (
                a
                for a in applications
                if a.kind == ApplicationKind.INITIAL and a.status in selectors.ACTIVE_APPLICATION_STATUSES
            ),
            None,
        )
        context.update(
            participant=participant,
            applications=applications,
            active_initial=active_initial,
            can_start_initial=start_offered(
                participant, ApplicationKind.INITIAL, initial_under_way=active_initial is not None
            ),
            can_start_revision=start_offered(participant, ApplicationKind.REVISION),
            review_days=REVIEW_BUSINESS_DAYS,
        )
        return context


# --- start and edit ----------------------------------------------------------------------------------


def _form_context(form, *, kind, participant, application=None) -> dict:
    return {
        "form": form,
        "kind": kind,
        "kind_label": ApplicationKind(kind).label,
        "participant": participant,
        "application": application,
        "testing_changes": [ChangeType(value).label for value in ChangeType.values if value in TESTING_CHANGES],
        "held_roles": participant.role_codes(),
    }


class ApplicationCreateView(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """Start an initial registration or a Notice of Change of Information, then go to its checklist."""

    template_name = "portal/registration/form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("kind") not in ApplicationKind.values:
            raise Http404("No such kind of application.")
        return super().dispatch(request, *args, **kwargs)

    def _refuse(self, request, kind):
        """Redirect (with a message) when starting is not possible; ``None`` when it is."""
        refusal = start_refusal(self.participant, kind)
        if refusal:
            messages.warning(request, refusal)
            return redirect("portal:applications")
        if kind == ApplicationKind.INITIAL:
            existing = selectors.open_application(self.participant, ApplicationKind.INITIAL)
            if existing is not None:
                messages.info(request, f"{existing.reference} is already under way: continue it here.")
                return redirect(existing.get_portal_url())
        return None

    def _render(self, request, form, kind, status=200):
        context = _form_context(form, kind=kind, participant=self.participant)
        return render(request, self.template_name, context, status=status)

    def _form(self, kind, data=None):
        form_class = application_form_class(kind)
        if kind == ApplicationKind.REVISION:
            return form_class(data, participant=self.participant)
        return form_class(data)

    def get(self, request, kind):
        refused = self._refuse(request, kind)
        if refused:
            return refused
        form = self._form(kind)
        if kind == ApplicationKind.INITIAL:
            # The roles the company told the Service Desk about, if any, as a starting point.
            form.initial = {"roles": list(self.participant.roles.all())}
        return self._render(request, form, kind)

    def post(self, request, kind):
        refused = self._refuse(request, kind)
        if refused:
            return refused
        form = self._form(kind, request.POST)
        if form.is_valid():
            values = form.service_kwargs()
            try:
                with transaction.atomic():
                    application = application_start(
                        actor=request.user,
                        participant=self.participant,
                        kind=kind,
                        role_codes=values.pop("role_codes"),
                        change_types=values.pop("change_types", ()),
                    )
                    application_update(actor=request.user, application=application, **values)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"{application.get_kind_display()} {application.reference} was created as a draft. "
                    "Upload the documents on its checklist next.",
                )
                return redirect(application.get_portal_url())
        return self._render(request, form, kind, status=400)


class ApplicationEditView(ParticipantRequiredMixin, View):
    """Change what a draft (or an application with information requested) asks for."""

    template_name = "portal/registration/form.html"

    def _load(self, request, reference):
        self.application = selectors.application_get_for_user(request.user, reference)
        if not self.application.is_editable:
            messages.warning(
                request,
                f"{self.application.reference} is {self.application.get_status_display().lower()}: "
                "it can only be changed while a draft or while information is requested.",
            )
            return redirect(self.application.get_portal_url())
        return None

    def _form(self, data=None, initial=None):
        form_class = application_form_class(self.application.kind)
        if self.application.kind == ApplicationKind.REVISION:
            return form_class(data, initial=initial, participant=self.application.participant)
        return form_class(data, initial=initial)

    def _render(self, request, form, status=200):
        application = self.application
        context = _form_context(
            form, kind=application.kind, participant=application.participant, application=application
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request, reference):
        refused = self._load(request, reference)
        if refused:
            return refused
        form_class = application_form_class(self.application.kind)
        return self._render(request, self._form(initial=form_class.initial_from(self.application)))

    def post(self, request, reference):
        refused = self._load(request, reference)
        if refused:
            return refused
        form = self._form(request.POST)
        if form.is_valid():
            try:
                application_update(actor=request.user, application=self.application, **form.service_kwargs())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"{self.application.reference} was saved. Check its checklist below.")
                return redirect(self.application.get_portal_url())
        return self._render(request, form, status=400)


# --- one application -----------------------------------------------------------------------------------


def _checklist_lines(application, *, upload_line=None, upload_form=None) -> list:
    """The checklist lines, each marked required or missing, with its upload form (the refused one as typed)."""
    required = required_requirement_ids(application)
    lines = selectors.checklist(application)
    for line in lines:
        line.required = line.requirement_id in required
        line.is_missing = line.is_missing_among(required)
        if upload_line is not None and line.pk == upload_line:
            line.upload_form = upload_form
        else:
            line.upload_form = DocumentUploadForm(auto_id=f"id_line{line.pk}_%s")
    return lines


def _detail_page(request, application, *, status=200, forms=None, upload_line=None):
    """The application page. ``forms`` holds a refused form to show again as typed, by its context name
    (``upload_form`` with ``upload_line``, its checklist line; ``contact_form``, ``submit_form``, ``withdraw_form``)."""
    forms = forms or {}
    participant = application.participant
    lines = _checklist_lines(application, upload_line=upload_line, upload_form=forms.get("upload_form"))
    missing = [line for line in lines if line.is_missing]
    roles = list(application.roles.all())
    refusal = completeness_refusal(application, missing=missing, has_roles=bool(roles))
    next_step = (
        approved_next_step(application)
        if application.status == ApplicationStatus.APPROVED
        else NEXT_STEPS[application.status]
    )
    context = {
        "application": application,
        "participant": participant,
        "next_step": next_step,
        "waiting_on_you": application.status in (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED),
        "clock": review_clock(application, calendar=business_calendar(), today=timezone.localdate()),
        "lines": lines,
        "missing": missing,
        "roles": roles,
        "submit_blocked_because": str(refusal) if refusal is not None else "",
        "roles_to_remove": list(application.roles_to_remove.all()),
        "territories_to_add": list(application.territories_to_add.all()),
        "contact_changes": list(selectors.contact_changes(application)),
        "needs_contact_changes": [
            ChangeType(value).label
            for value in (ChangeType.AUTHORIZED_REPS, ChangeType.CONTACTS)
            if value in application.change_types
        ],
        "contact_form": forms.get("contact_form") or ContactChangeForm(auto_id="id_contact_%s"),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "can_submit": application.status in (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED),
        "user_can_attest": can_attest(request.user, participant),
        "authorizers": authorized_representatives(participant),
        "attestation": ATTESTATION.format(participant=participant.legal_name),
        "can_withdraw": application.can_move_to(ApplicationStatus.WITHDRAWN),
        "account_manager": current_manager(participant),
        "max_upload_mb": MAX_DOCUMENT_BYTES // (1024 * 1024),
        "review_days": REVIEW_BUSINESS_DAYS,
    }
    return render(request, "portal/registration/detail.html", context, status=status)


class ApplicationDetailView(ParticipantRequiredMixin, View):
    def get(self, request, reference):
        application = selectors.application_get_for_user(request.user, reference)
        return _detail_page(request, application)


class _ApplicationFormView(ParticipantRequiredMixin, ActionView):
    """A form of the application page: POST only; a refused or invalid one shows the page again (400)."""

    http_method_names = ["post", "options"]
    form_key = ""

    def get_object(self):
        return selectors.application_get_for_user(self.request.user, self.kwargs["reference"])

    def render_form(self, form, status=200):
        return _detail_page(self.request, self.object, status=status, forms={self.form_key: form})


class DocumentUploadView(_ApplicationFormView):
    """A new version of one checklist line's document; earlier versions are kept."""

    form_class = DocumentUploadForm
    form_key = "upload_form"

    def get_object(self):
        application = super().get_object()
        self.line = selectors.line_get(application, self.kwargs["line_pk"])
        return application

    def get_form_kwargs(self):
        return {"auto_id": f"id_line{self.line.pk}_%s"}

    def render_form(self, form, status=200):
        return _detail_page(
            self.request, self.object, status=status, forms={"upload_form": form}, upload_line=self.line.pk
        )

    def perform(self, form):
        return document_upload(actor=self.request.user, line=self.line, upload=form.cleaned_data["file"])

    def get_success_message(self, form):
        document = self.result
        return f"“{document.original_name}” was uploaded as version {document.version} of {self.line.requirement.name}."

    def get_success_url(self):
        return f"{self.object.get_portal_url()}#line-{self.line.pk}"


class ContactChangeView(_ApplicationFormView):
    """Name an AR, Backup AR or contact to add or remove; applied to the company's contacts on approval."""

    form_class = ContactChangeForm
    form_key = "contact_form"

    def get_form_kwargs(self):
        return {"auto_id": "id_contact_%s"}

    def perform(self, form):
        return contact_change_add(actor=self.request.user, application=self.object, **form.service_kwargs())

    def get_success_message(self, form):
        return f"Added to {self.object.reference}: {self.result}."

    def get_success_url(self):
        return f"{self.object.get_portal_url()}#contact-changes"


class ApplicationSubmitView(ParticipantRequiredMixin, View):
    """The Authorized Representative or Backup AR attests and submits (or resubmits)."""

    def post(self, request, reference):
        application = selectors.application_get_for_user(request.user, reference)
        form = SubmitForm(request.POST)
        form.is_valid()
        try:
            application = application_submit(
                actor=request.user, application=application, attest=form.cleaned_data.get("attest", False)
            )
        except DomainError as error:
            add_domain_error(form, error)
            return _detail_page(request, application, status=400, forms={"submit_form": form})
        verb = "resubmitted" if application.status == ApplicationStatus.RESUBMITTED else "submitted"
        messages.success(
            request,
            f"{application.reference} was {verb}. Client Services reviews it within {REVIEW_BUSINESS_DAYS} "
            f"Business Days: due by {date_format(application.due_on, 'l, F j, Y')}. "
            "Your Authorized Representatives receive a confirmation email.",
        )
        return redirect(application.get_portal_url())


class ApplicationWithdrawView(_ApplicationFormView):
    form_class = WithdrawForm
    form_key = "withdraw_form"

    def perform(self, form):
        return application_withdraw(
            actor=self.request.user, application=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, form):
        return f"{self.result.reference} was withdrawn."

    def get_success_url(self):
        return self.result.get_portal_url()


class DocumentDownloadView(ParticipantRequiredMixin, View):
    """One document version of an application the user may see; anything else is a 404."""

    def get(self, request, pk):
        document = selectors.document_get_for_user(request.user, pk)
        return private_file_response(document.file, filename=document.original_name, content_type=document.content_type)
