"""The MP's API keys in the portal, for its User Security Administrator: the list (with last use), a key's page
with its latest calls, creating a key (its secret shown once, on the page the POST answers with) and revoking one. Anyone else gets 403, another MP's key
is a 404; the services check the same rule again."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.views.portal.people import SecurityAdministratorRequiredMixin
from ercot_services.core.actions import ActionView

from .. import services
from ..forms.portal import ApiKeyCreateForm, ApiKeyRevokeForm
from ..selectors import keys as selectors

API_KEYS_PAGE = 25
API_CALLS_PAGE = 50


class ApiKeyListView(SecurityAdministratorRequiredMixin, View):
    def get(self, request):
        page = Paginator(selectors.api_keys_for_participant(self.participant), API_KEYS_PAGE).get_page(
            request.GET.get("page")
        )
        context = {"participant": self.participant, "api_keys": list(page.object_list), "page_obj": page}
        return render(request, "portal/api_keys/list.html", context)


class ApiKeyDetailView(SecurityAdministratorRequiredMixin, View):
    def get(self, request, pk):
        api_key = selectors.api_key_get(self.participant, pk)
        calls = Paginator(selectors.api_key_calls(api_key), API_CALLS_PAGE).get_page(request.GET.get("page"))
        context = {
            "participant": self.participant,
            "api_key": api_key,
            "calls": list(calls),
            "page_obj": calls,
            "retention_days": settings.API_CALL_LOG_RETENTION_DAYS,
        }
        return render(request, "portal/api_keys/detail.html", context)


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """The first moment after ``day`` in the operator's time zone: the key is valid through that day."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


class ApiKeyCreateView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = ApiKeyCreateForm
    template_name = "portal/api_keys/create.html"

    def get_context(self, form):
        return {"participant": self.participant}

    def perform(self, form):
        data = form.cleaned_data
        return services.api_key_create(
            actor=self.request.user,
            participant=self.participant,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=end_of_day(data["expires_on"]),
        )

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if self.result is None:
            return response
        # The secret exists only in this response: no redirect, and the page is never cached.
        api_key, secret = self.result
        page = render(
            request,
            "portal/api_keys/created.html",
            {"participant": self.participant, "api_key": api_key, "secret": secret},
        )
        page["Cache-Control"] = "no-store"
        return page

    def get_success_url(self):
        return reverse("portal:api-keys")


class ApiKeyRevokeView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = ApiKeyRevokeForm
    http_method_names = ["post", "options"]

    def get_object(self):
        return selectors.api_key_get(self.participant, self.kwargs["pk"])

    def perform(self, form):
        return services.api_key_revoke(actor=self.request.user, api_key=self.object)

    def render_form(self, form, status=200):
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect("portal:api-keys")

    def get_success_message(self, form):
        return f"The key “{self.object.name}” is revoked: it no longer works."

    def get_success_url(self):
        return reverse("portal:api-keys")
