"""The MP's API keys and webhook endpoints in the portal, for its User Security Administrator.

API keys: the list (with last use), a key's page with its latest calls, creating a key (its secret shown once, on the
page the POST answers with) and revoking one. Webhooks: the endpoints, one endpoint's page (its secret, and its recent
deliveries with every attempt), creating and editing one, and its buttons (rotate the secret, disable, enable, send a
test event, re-send a delivery). Anyone else gets 403, another MP's key or endpoint is a 404; the services check the
same rule again."""

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
from ..forms.portal import ApiKeyCreateForm, ApiKeyRevokeForm, WebhookButtonForm, WebhookEndpointForm
from ..selectors import keys as selectors
from ..selectors import webhooks as webhook_selectors
from ..webhooks import services as webhook_services

API_KEYS_PAGE = 25
API_CALLS_PAGE = 50
WEBHOOK_ENDPOINTS_PAGE = 25
WEBHOOK_DELIVERIES_PAGE = 20


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


# --- webhooks --------------------------------------------------------------------------------------------------


class WebhookEndpointListView(SecurityAdministratorRequiredMixin, View):
    def get(self, request):
        page = Paginator(
            webhook_selectors.webhook_endpoints_for_participant(self.participant), WEBHOOK_ENDPOINTS_PAGE
        ).get_page(request.GET.get("page"))
        context = {"participant": self.participant, "endpoints": list(page.object_list), "page_obj": page}
        return render(request, "portal/webhooks/list.html", context)


class WebhookEndpointDetailView(SecurityAdministratorRequiredMixin, View):
    """The endpoint, its secret (never cached), and its deliveries with their attempts, newest first."""

    def get(self, request, pk):
        endpoint = webhook_selectors.webhook_endpoint_get(self.participant, pk)
        page = Paginator(webhook_selectors.webhook_deliveries(endpoint), WEBHOOK_DELIVERIES_PAGE).get_page(
            request.GET.get("page")
        )
        context = {
            "participant": self.participant,
            "endpoint": endpoint,
            "deliveries": list(page.object_list),
            "page_obj": page,
            "now": timezone.now(),
        }
        response = render(request, "portal/webhooks/detail.html", context)
        response["Cache-Control"] = "no-store"
        return response


def _endpoint_input(data: dict) -> webhook_services.WebhookEndpointInput:
    return webhook_services.WebhookEndpointInput(
        url=data["url"], description=data["description"], event_types=data["event_types"]
    )


class WebhookEndpointCreateView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = WebhookEndpointForm
    template_name = "portal/webhooks/form.html"
    success_message = "The endpoint is registered. Give its signing secret to your receiver."

    def get_context(self, form):
        return {"participant": self.participant, "endpoint": None}

    def perform(self, form):
        return webhook_services.webhook_endpoint_create(
            actor=self.request.user, participant=self.participant, data=_endpoint_input(form.cleaned_data)
        )

    def get_success_url(self):
        return reverse("portal:webhook", args=[self.result.pk])


class _EndpointMixin:
    def get_object(self):
        return webhook_selectors.webhook_endpoint_get(self.participant, self.kwargs["pk"])

    def get_success_url(self):
        return reverse("portal:webhook", args=[self.object.pk])


class WebhookEndpointUpdateView(SecurityAdministratorRequiredMixin, _EndpointMixin, ActionView):
    form_class = WebhookEndpointForm
    template_name = "portal/webhooks/form.html"
    success_message = "The endpoint is saved."

    def get_initial(self):
        endpoint = self.object
        return {"url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types}

    def get_context(self, form):
        return {"participant": self.participant, "endpoint": self.object}

    def perform(self, form):
        return webhook_services.webhook_endpoint_update(
            actor=self.request.user, endpoint=self.object, data=_endpoint_input(form.cleaned_data)
        )


class _EndpointButtonView(SecurityAdministratorRequiredMixin, _EndpointMixin, ActionView):
    """A POST button of the endpoint's page; a refusal is shown there as a message."""

    form_class = WebhookButtonForm
    http_method_names = ["post", "options"]

    def render_form(self, form, status=200):
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect(self.get_success_url())


class WebhookEndpointRotateView(_EndpointButtonView):
    success_message = "A new secret signs the deliveries. The previous one signs too for the next 24 hours."

    def perform(self, form):
        return webhook_services.webhook_endpoint_rotate_secret(actor=self.request.user, endpoint=self.object)


class WebhookEndpointDisableView(_EndpointButtonView):
    success_message = "The endpoint is disabled: nothing is sent to it."

    def perform(self, form):
        return webhook_services.webhook_endpoint_disable(actor=self.request.user, endpoint=self.object)


class WebhookEndpointEnableView(_EndpointButtonView):
    success_message = "The endpoint is enabled. Re-send the deliveries it missed."

    def perform(self, form):
        return webhook_services.webhook_endpoint_enable(actor=self.request.user, endpoint=self.object)


class WebhookEndpointTestView(_EndpointButtonView):
    success_message = "A test event is on its way; its delivery shows below."

    def perform(self, form):
        return webhook_services.webhook_endpoint_send_test(actor=self.request.user, endpoint=self.object)


class WebhookDeliveryResendView(_EndpointButtonView):
    success_message = "The delivery is sent again, with the same webhook-id."

    def perform(self, form):
        delivery = webhook_selectors.webhook_delivery_get(self.object, self.kwargs["delivery_pk"])
        return webhook_services.webhook_delivery_resend(actor=self.request.user, delivery=delivery)
