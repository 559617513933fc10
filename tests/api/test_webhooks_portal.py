"""The USA's webhook pages (/portal/webhooks/…): adding an endpoint (https only, its secret on its page), editing,
rotating, disabling and enabling, a test event, the deliveries with their attempts and re-sending one; the service
rules behind them; the wrong users (a portal user who is not the USA, another MP's USA, staff, anonymous); bounded
queries."""

import pytest
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from api.webhooks import services
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import ActionNotAllowed
from tests.accounts.factories import MembershipFactory, StaffFactory

from .factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

E = WebhookEventType


@pytest.fixture
def usa_client(client, usa):
    client.force_login(usa)
    return client


def _urls(endpoint_pk, delivery_pk):
    return [
        ("get", reverse("portal:webhooks")),
        ("get", reverse("portal:webhooks-create")),
        ("post", reverse("portal:webhooks-create")),
        ("get", reverse("portal:webhook", args=[endpoint_pk])),
        ("get", reverse("portal:webhook-edit", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-edit", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-rotate", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-disable", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-enable", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-test", args=[endpoint_pk])),
        ("post", reverse("portal:webhook-delivery-resend", args=[endpoint_pk, delivery_pk])),
    ]


def test_the_usa_adds_an_endpoint_and_finds_its_secret_on_its_page(usa_client, participant):
    home = usa_client.get(reverse("portal:home")).content.decode()
    assert 'href="/portal/webhooks/"' in home
    assert 'href="/portal/webhooks/"' in usa_client.get(reverse("portal:api-keys")).content.decode()
    response = usa_client.post(
        reverse("portal:webhooks-create"),
        {"url": "https://hooks.example.com/ercot", "description": "Settlement", "event_types": [E.CASE_CREATED]},
    )
    endpoint = WebhookEndpoint.objects.get(participant=participant)
    assert response.status_code == 302 and response["Location"] == reverse("portal:webhook", args=[endpoint.pk])
    page = usa_client.get(response["Location"])
    assert page["Cache-Control"] == "no-store"
    assert endpoint.secret in page.content.decode() and "Case created" in page.content.decode()
    assert AuditEvent.objects.filter(verb="webhook_endpoint.created").get().changes["url"][1] == endpoint.url
    listing = usa_client.get(reverse("portal:webhooks")).content.decode()
    assert endpoint.url in listing and endpoint.secret not in listing


def test_an_endpoint_needs_https_and_an_event(usa_client, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = usa_client.post(
        reverse("portal:webhooks-create"), {"url": "http://hooks.example.com/x", "event_types": [E.CASE_CREATED]}
    )
    assert response.status_code == 400 and "https://" in response.content.decode()
    response = usa_client.post(reverse("portal:webhooks-create"), {"url": "https://hooks.example.com/x"})
    assert response.status_code == 400 and 'value="https://hooks.example.com/x"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_services_refuse_unknown_events_and_anyone_but_the_usa(participant, usa, mp_user):
    data = services.WebhookEndpointInput(url="https://hooks.example.com/x", event_types=["case.exploded"])
    with pytest.raises(DomainError) as refused:
        services.webhook_endpoint_create(actor=usa, participant=participant, data=data)
    assert refused.value.code == "unknown_event"
    with pytest.raises(DomainError) as refused:
        services.webhook_endpoint_create(
            actor=usa,
            participant=participant,
            data=services.WebhookEndpointInput(url="https://h.example", event_types=[]),
        )
    assert refused.value.code == "events_required"
    data = services.WebhookEndpointInput(url="https://hooks.example.com/x", event_types=[E.CASE_CREATED])
    with pytest.raises(ActionNotAllowed):
        services.webhook_endpoint_create(actor=mp_user, participant=participant, data=data)


def test_the_usa_edits_disables_and_enables_an_endpoint(usa_client, participant):
    endpoint = WebhookEndpointFactory(participant=participant, consecutive_failures=4)
    response = usa_client.post(
        reverse("portal:webhook-edit", args=[endpoint.pk]),
        {"url": "https://new.example.com/h", "description": "", "event_types": [E.NOTICE_PUBLISHED, E.LETTER_SENT]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types) == ("https://new.example.com/h", ["notice.published", "letter.sent"])
    usa_client.post(reverse("portal:webhook-disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason.startswith("Disabled by")
    again = usa_client.post(reverse("portal:webhook-disable", args=[endpoint.pk]), follow=True)
    assert "already disabled" in again.content.decode()
    usa_client.post(reverse("portal:webhook-enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"webhook_endpoint.updated", "webhook_endpoint.disabled", "webhook_endpoint.enabled"} <= verbs


def test_rotating_shows_the_new_secret_and_when_the_old_one_stops(usa_client, participant):
    endpoint = WebhookEndpointFactory(participant=participant)
    old = endpoint.secret
    response = usa_client.post(reverse("portal:webhook-rotate", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    page = response.content.decode()
    assert endpoint.secret != old and endpoint.secret in page and "previous secret also signs until" in page


def test_a_test_event_and_a_resend_reach_the_receiver_and_show_with_their_attempts(
    usa_client, participant, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint = WebhookEndpointFactory(participant=participant, url=receiver.url)
    receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        response = usa_client.post(reverse("portal:webhook-test", args=[endpoint.pk]))
    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "webhook.test" and receiver.requests and all(r.verified for r in receiver.requests)
    page = usa_client.get(reverse("portal:webhook", args=[endpoint.pk])).content.decode()
    assert delivery.event_id in page and "HTTP 500" in page and "next try" in page  # pending its retry

    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        usa_client.post(reverse("portal:webhook-delivery-resend", args=[endpoint.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and set(receiver.webhook_ids()) == {delivery.event_id}
    assert "HTTP 204" in usa_client.get(reverse("portal:webhook", args=[endpoint.pk])).content.decode()


def test_a_disabled_endpoint_refuses_a_resend_and_a_test_with_a_message(usa_client, participant):
    delivery = WebhookDeliveryFactory(endpoint__participant=participant, endpoint__enabled=False)
    endpoint = delivery.endpoint
    for url in (
        reverse("portal:webhook-delivery-resend", args=[endpoint.pk, delivery.pk]),
        reverse("portal:webhook-test", args=[endpoint.pk]),
    ):
        response = usa_client.post(url, follow=True)
        assert "Enable the endpoint first" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1


def test_a_portal_user_who_is_not_the_usa_gets_403_and_no_nav_link(client, participant, mp_user):
    delivery = WebhookDeliveryFactory(endpoint__participant=participant)
    client.force_login(mp_user)
    assert 'href="/portal/webhooks/"' not in client.get(reverse("portal:home")).content.decode()
    for method, url in _urls(delivery.endpoint.pk, delivery.pk):
        assert getattr(client, method)(url).status_code == 403, url
    assert WebhookEndpoint.objects.get().enabled


def test_another_mps_usa_gets_404_for_this_mps_endpoint_and_does_not_see_it(client, participant, other_participant):
    delivery = WebhookDeliveryFactory(endpoint__participant=participant, endpoint__url="https://ours.example.com/h")
    client.force_login(MembershipFactory(participant=other_participant, usa=True).user)
    for method, url in _urls(delivery.endpoint.pk, delivery.pk)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert "ours.example.com" not in client.get(reverse("portal:webhooks")).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.enabled and endpoint.secret == delivery.endpoint.secret


def test_another_endpoints_delivery_is_a_404(usa_client, participant):
    ours = WebhookEndpointFactory(participant=participant)
    theirs = WebhookDeliveryFactory()
    response = usa_client.post(reverse("portal:webhook-delivery-resend", args=[ours.pk, theirs.pk]))
    assert response.status_code == 404


def test_staff_are_turned_away_and_anonymous_users_go_to_sign_in(client, participant):
    delivery = WebhookDeliveryFactory(endpoint__participant=participant)
    assert client.get(reverse("portal:webhooks"))["Location"].startswith(reverse("login"))
    client.force_login(StaffFactory(groups=["Client Services Lead"]))
    for method, url in _urls(delivery.endpoint.pk, delivery.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_the_endpoint_page_costs_the_same_queries_at_2_and_at_30_deliveries(
    usa_client, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    endpoint = WebhookEndpointFactory(participant=participant)

    def add(count):
        for _ in range(count):
            delivery = WebhookDeliveryFactory(endpoint=endpoint)
            delivery.attempt_log.create(status_code=500, response_excerpt="no", duration_ms=3)
            delivery.attempt_log.create(status_code=200, duration_ms=2)

    add(2)
    with django_assert_max_num_queries(12):
        assert usa_client.get(reverse("portal:webhook", args=[endpoint.pk])).status_code == 200
    add(28)
    with django_assert_max_num_queries(12):
        response = usa_client.get(reverse("portal:webhook", args=[endpoint.pk]))
    assert "Showing 1–20 of 30" in response.content.decode()
    with django_assert_max_num_queries(12):
        assert usa_client.get(reverse("portal:webhooks")).status_code == 200


def test_the_operator_reads_endpoints_and_deliveries_in_the_admin_and_never_a_secret(client, participant):
    delivery = WebhookDeliveryFactory(endpoint__participant=participant, endpoint__url="https://ours.example.com/h")
    client.force_login(StaffFactory(is_superuser=True))
    endpoints = client.get(reverse("admin:api_webhookendpoint_changelist"))
    deliveries = client.get(reverse("admin:api_webhookdelivery_changelist"))
    detail = client.get(reverse("admin:api_webhookendpoint_change", args=[delivery.endpoint.pk]))
    assert endpoints.status_code == deliveries.status_code == detail.status_code == 200
    assert "ours.example.com" in endpoints.content.decode() and delivery.event_id in deliveries.content.decode()
    assert delivery.endpoint.secret not in detail.content.decode()
    assert client.get(reverse("admin:api_webhookendpoint_add")).status_code == 403
