"""The address a webhook is sent to is the one that was checked (no DNS rebinding), and HTTPS still verifies the
endpoint's own name."""

import socket

import pytest

from api.models import WebhookAttempt
from api.webhooks import sending
from api.webhooks.sending import Destination, _pinned, destination, webhook_delivery_attempt

from .factories import WebhookDeliveryFactory
from .webhook_fixtures import receiver  # noqa: F401

pytestmark = pytest.mark.django_db


class Rebinding:
    """A resolver for ``hooks.example.test`` that answers ``first`` once and ``then`` ever after, as an attacker's
    DNS server with a zero TTL would."""

    def __init__(self, first: str, then: str):
        self.answers = [first]
        self.then = then
        self.real = socket.getaddrinfo

    def __call__(self, host, *args, **kwargs):
        if host != "hooks.example.test":
            return self.real(host, *args, **kwargs)
        address = self.answers.pop(0) if self.answers else self.then
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, 0))]


def test_the_post_goes_to_the_checked_address_even_when_the_name_now_resolves_elsewhere(
    participant,
    receiver,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    # Checked: 127.0.0.1 (the receiver), taken as public for this test; afterwards the name points at a black hole.
    monkeypatch.setattr(sending, "is_public", lambda address: address == "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", Rebinding(first="127.0.0.1", then="192.0.2.1"))
    port = receiver.server.server_address[1]
    delivery = WebhookDeliveryFactory(
        endpoint__participant=participant, endpoint__url=f"http://hooks.example.test:{port}/hooks/ercot"
    )

    webhook_delivery_attempt(delivery_id=delivery.pk)

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200, attempt.error
    [received] = receiver.requests
    assert received.headers["host"] == f"hooks.example.test:{port}"  # the receiver is addressed by its own name


def test_a_name_with_any_non_public_address_is_refused(settings, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *args, **kwargs: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 0)),
        ],
    )

    assert destination("https://mixed.example.test/hook").non_public == "10.0.0.7"


def test_https_connects_to_the_address_and_verifies_the_endpoints_name():
    url, headers, session = _pinned(
        "https://hooks.example.test:8443/in?x=1", Destination("hooks.example.test", ("2001:db8::5",))
    )

    assert url == "https://[2001:db8::5]:8443/in?x=1"
    assert headers == {"Host": "hooks.example.test:8443"}
    pool_kwargs = session.get_adapter(url).poolmanager.connection_pool_kw
    assert pool_kwargs["server_hostname"] == pool_kwargs["assert_hostname"] == "hooks.example.test"
