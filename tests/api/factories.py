"""API keys and webhooks for tests: ``ApiKeyFactory`` writes a row whose full key is on ``key.raw`` (the secret is
never stored); trait ``by_usa``: created by an active User Security Administrator of the MP (whom a write acts as).
``WebhookEndpointFactory`` writes an endpoint with a real secret, ``WebhookDeliveryFactory`` a pending delivery."""

import secrets

import factory

from api.models import ApiKey, ApiScope, WebhookDelivery, WebhookEndpoint, WebhookEventType
from api.services import hash_secret
from api.webhooks.signing import new_secret
from tests.accounts.factories import MembershipFactory, ParticipantFactory


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    class Params:
        by_usa = factory.Trait(
            created_by=factory.LazyAttribute(lambda o: MembershipFactory(participant=o.participant, usa=True).user)
        )

    participant = factory.SubFactory(ParticipantFactory)
    name = factory.Sequence(lambda n: f"Settlement system {n}")
    scopes = factory.LazyFunction(lambda: [ApiScope.READ_CASES.value])
    prefix = factory.LazyFunction(lambda: secrets.token_hex(4))
    secret_hash = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = secrets.token_urlsafe(32)
        kwargs["secret_hash"] = hash_secret(secret)
        key = super()._create(model_class, *args, **kwargs)
        key.raw = f"ercot_{key.prefix}.{secret}"
        return key


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An enabled endpoint subscribed to ``case.created`` (pass ``url`` of a test receiver)."""

    class Meta:
        model = WebhookEndpoint

    participant = factory.SubFactory(ParticipantFactory)
    url = "https://hooks.example.com/ercot"
    description = factory.Sequence(lambda n: f"Settlement system {n}")
    event_types = factory.LazyFunction(lambda: [WebhookEventType.CASE_CREATED.value])
    secret = factory.LazyFunction(new_secret)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event_id = factory.Sequence(lambda n: f"msg_factory{n}")
    event_type = WebhookEventType.CASE_CREATED
    payload = factory.LazyAttribute(lambda o: {"type": o.event_type, "timestamp": "2026-01-05T10:00:00Z", "data": {}})
