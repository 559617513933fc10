"""Public pages (no sign-in): the contact form for potential Market Participants (``/contact/``), and the
satisfaction survey (``/survey/<token>/``, below).

A valid message opens a Potential-MP case in the Service Desk queue through
``contact_request_submit``, which also emails the receipt with the reference. Spam is kept
out by a honeypot field (a filled one is answered with a pretend success and
creates nothing) and a rate limit per client IP.

``/inbound-mail/`` is the inbound-mail webhook: a signed POST of one raw email (README "Email that opens cases").
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ercot_services.core.actions import add_domain_error
from ercot_services.core.delivery import outbox_enqueue
from ercot_services.core.models import DomainError
from ercot_services.core.ratelimit import client_ip, rate_limited

from ..error_codes import CaseErrorCode
from ..forms.portal import ContactForm
from ..forms.public import SurveyForm
from ..inbound_sources import SIGNATURE_HEADER, inbound_signature
from ..models import CaseCategory, CaseSurvey, Channel, InboundSource, InboundStatus
from ..services import ContactRequestInput, contact_request_submit
from ..services.inbound import inbound_message_record
from ..services.surveys import survey_answer, survey_from_token
from ..tasks import process_inbound_message

SESSION_KEY = "contact_thanks"
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60 * 60
CATEGORY_CODE = "registration"


def _category():
    return (
        CaseCategory.objects.filter(code=CATEGORY_CODE).first()
        or CaseCategory.objects.filter(code="other").first()
        or CaseCategory.objects.filter(is_active=True).first()
    )


class ContactView(View):
    template_name = "contact/form.html"

    def _render(self, request, form, status=200, limited=False):
        return render(request, self.template_name, {"form": form, "rate_limited": limited}, status=status)

    def get(self, request):
        return self._render(request, ContactForm())

    def post(self, request):
        form = ContactForm(request.POST)
        spam = form.is_spam()
        valid = form.is_valid()
        if not (spam or valid):
            return self._render(request, form, status=400)
        # Only submissions that would create something count towards the limit.
        if rate_limited(f"contact:{client_ip(request)}", limit=RATE_LIMIT, window_seconds=RATE_WINDOW_SECONDS):
            return self._render(request, form, status=429, limited=True)
        if spam:
            request.session[SESSION_KEY] = {"reference": "", "email": ""}
            return redirect("contact-thanks")
        data = form.cleaned_data
        try:
            contact = ContactRequestInput(
                category=_category(),
                subject=data["subject"],
                description=form.case_description(),
                channel=Channel.WEB_FORM,
                name=data["name"].strip(),
                email=data["email"],
                company=data["company"].strip(),
                phone=data["phone"].strip(),
            )
            case = contact_request_submit(actor=None, contact=contact)
        except DomainError as error:
            add_domain_error(form, error)
            return self._render(request, form, status=400)
        request.session[SESSION_KEY] = {"reference": case.reference, "email": case.contact_email}
        return redirect("contact-thanks")


class ContactThanksView(View):
    def get(self, request):
        receipt = request.session.get(SESSION_KEY)
        if receipt is None:
            return redirect("contact")
        return render(request, "contact/thanks.html", {"receipt": receipt})


# --- POST /inbound-mail/ -----------------------------------------------------------------------------------------
# A mail provider (or relay) pushes one received message, raw MIME, as the request body; authenticated by
# ``X-Inbound-Signature: sha256=<hex>``, the HMAC-SHA256 of the body under ``INBOUND_WEBHOOK_SECRET`` (constant-time
# comparison); CSRF-exempt (a machine posts it); at most ``INBOUND_MAX_BYTES``. The message is recorded at once (one
# row per Message-ID: a provider's retry makes nothing new) and turned into a case by a task after commit (README
# "Email that opens cases"); the answer is 202 with the row's Message-ID and status.


@method_decorator(csrf_exempt, name="dispatch")
class InboundMailWebhookView(View):
    http_method_names = ["post"]

    def post(self, request):
        secret = settings.INBOUND_WEBHOOK_SECRET
        if not secret:
            return JsonResponse({"error": "The inbound-mail endpoint is off."}, status=404)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.INBOUND_MAX_BYTES:
            return JsonResponse({"error": "The message is too large."}, status=413)
        body = request.read(settings.INBOUND_MAX_BYTES + 1)
        if len(body) > settings.INBOUND_MAX_BYTES:
            return JsonResponse({"error": "The message is too large."}, status=413)
        supplied = request.headers.get(SIGNATURE_HEADER, "").strip()
        if not hmac.compare_digest(supplied.encode(), inbound_signature(body, secret).encode()):
            return JsonResponse({"error": "Bad or missing signature."}, status=403)
        if not body.strip():
            return JsonResponse({"error": "The body must be a raw MIME message."}, status=400)
        row, created = inbound_message_record(raw=body, source=InboundSource.WEBHOOK)
        if created or row.status == InboundStatus.RECEIVED:
            transaction.on_commit(lambda: outbox_enqueue(process_inbound_message, pk=row.pk))
        return JsonResponse({"message_id": row.message_id, "status": row.status, "duplicate": not created}, status=202)


# --- the satisfaction survey ------------------------------------------------------------------------------------
# Answered once, by the signed link, without signing in. The page shows the case's reference and subject and nothing
# else of the case. A second use of the link says the survey was answered; a changed, made-up or expired link gets a
# page saying so (400 / 410), never the case.

SURVEY_SESSION_KEY = "survey_thanks"
LINK_STATUS = {CaseErrorCode.SURVEY_LINK_EXPIRED: 410, CaseErrorCode.SURVEY_LINK_INVALID: 400}


def _initial_score(request) -> int | None:
    """``?score=N`` from the email's one-click links preselects a score (anything else is ignored)."""
    raw = request.GET.get("score", "")
    return int(raw) if raw in {"1", "2", "3", "4", "5"} else None


class SurveyView(View):
    template_name = "surveys/answer.html"

    def _problem(self, request, error: DomainError):
        return render(request, "surveys/link_problem.html", {"error": error}, status=LINK_STATUS[error.code])

    def _already(self, request):
        return render(request, "surveys/answered.html")

    def _render(self, request, survey: CaseSurvey, form, status=200, limited=False):
        context = {"reference": survey.case.reference, "subject": survey.case.subject, "form": form}
        return render(request, self.template_name, {**context, "rate_limited": limited}, status=status)

    def get(self, request, token):
        try:
            survey = survey_from_token(token)
        except DomainError as error:
            return self._problem(request, error)
        if survey.is_answered:
            return self._already(request)
        form = SurveyForm(reference=survey.case.reference, initial={"score": _initial_score(request)})
        return self._render(request, survey, form)

    def post(self, request, token):
        try:
            survey = survey_from_token(token)
        except DomainError as error:
            return self._problem(request, error)
        if survey.is_answered:
            return self._already(request)
        form = SurveyForm(request.POST, reference=survey.case.reference)
        if not form.is_valid():
            return self._render(request, survey, form, status=400)
        limit = settings.CASE_SURVEY_RATE_LIMIT
        if rate_limited(f"survey:{client_ip(request)}", limit=limit, window_seconds=RATE_WINDOW_SECONDS):
            return self._render(request, survey, form, status=429, limited=True)
        try:
            survey_answer(
                actor=request.user,
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            if error.code == CaseErrorCode.SURVEY_ALREADY_ANSWERED:
                return self._already(request)
            if error.code in LINK_STATUS:
                return self._problem(request, error)
            add_domain_error(form, error)
            return self._render(request, survey, form, status=400)
        request.session[SURVEY_SESSION_KEY] = survey.case.reference
        return redirect("case-survey-thanks")


class SurveyThanksView(View):
    def get(self, request):
        reference = request.session.get(SURVEY_SESSION_KEY)
        if reference is None:
            return redirect("landing")
        return render(request, "surveys/thanks.html", {"reference": reference})
