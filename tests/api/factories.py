"""API keys for tests: ``ApiKeyFactory`` writes a row whose full key is on ``key.raw`` (the secret is never stored).

An MP's key is made by an active USA of its MP (the MP's first one, else a new secondary USA), as the portal makes
it, so it authenticates; ``created_by=`` another person makes an orphaned one. ``staff=True`` makes a staff key of a
new Account Manager (who has a second factor), or of ``user=``.
``WebhookEndpointFactory`` writes an endpoint with a real secret, ``WebhookDeliveryFactory`` a pending delivery.
"""

import secrets

import factory

from accounts.models import ContactRank, ContactRole, Membership
from api.models import ApiCallLog, ApiKey, ApiScope, WebhookDelivery, WebhookEndpoint, WebhookEventType
from api.services import hash_secret
from api.webhooks.signing import new_secret
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory


def _security_administrator(key):
    if key.participant is None:
        return None
    membership = Membership.objects.security_administrators().filter(participant=key.participant).first()
    if membership is None:
        membership = MembershipFactory(
            participant=key.participant,
            contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR,
            rank=ContactRank.SECONDARY,
        )
    return membership.user


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    class Params:
        staff = factory.Trait(
            participant=None, user=factory.SubFactory(StaffFactory, groups=["Account Manager"]), created_by=None
        )

    participant = factory.SubFactory(ParticipantFactory)
    user = None
    name = factory.Sequence(lambda n: f"Settlement system {n}")
    scopes = factory.LazyFunction(lambda: [ApiScope.READ_CASES.value])
    prefix = factory.LazyFunction(lambda: secrets.token_hex(4))
    secret_hash = ""
    created_by = factory.LazyAttribute(_security_administrator)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = secrets.token_urlsafe(32)
        kwargs["secret_hash"] = hash_secret(secret)
        key = super()._create(model_class, *args, **kwargs)
        key.raw = f"ercot_{key.prefix}.{secret}"
        return key


class ApiCallLogFactory(factory.django.DjangoModelFactory):
    """One logged call of ``api_key`` (default: a new MP key) to the case list."""

    class Meta:
        model = ApiCallLog

    api_key = factory.SubFactory(ApiKeyFactory)
    key_name = factory.LazyAttribute(lambda o: o.api_key.name)
    participant = factory.LazyAttribute(lambda o: o.api_key.participant)
    method = "GET"
    path = "/api/v1/cases"
    status_code = 200
    ip_address = "192.0.2.10"


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
