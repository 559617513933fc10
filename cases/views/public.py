"""The public contact form for potential Market Participants (``/contact/``).

A valid message opens a Potential-MP case in the Service Desk queue through
``contact_request_submit``, which also emails the receipt with the reference. Spam is kept
out by a honeypot field (a filled one is answered with a pretend success and
creates nothing) and a rate limit per client IP.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views import View

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError
from ercot_services.core.ratelimit import client_ip, rate_limited

from ..forms.portal import ContactForm
from ..models import CaseCategory, Channel
from ..services import ContactRequestInput, contact_request_submit

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
