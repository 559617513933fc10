"""API keys for tests: ``ApiKeyFactory`` writes a row whose full key is on ``key.raw`` (the secret is never stored),
created by a new User Security Administrator of the key's MP."""

import secrets

import factory

from accounts.models import ContactRank
from api.models import ApiKey, ApiScope
from api.services import hash_secret
from tests.accounts.factories import MembershipFactory, ParticipantFactory


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    participant = factory.SubFactory(ParticipantFactory)
    name = factory.Sequence(lambda n: f"Settlement system {n}")
    scopes = factory.LazyFunction(lambda: [ApiScope.READ_CASES.value])
    prefix = factory.LazyFunction(lambda: secrets.token_hex(4))
    secret_hash = ""
    # Made by the MP's User Security Administrator, as the portal makes it: a write acts as this person.
    # (secondary: a test may add the MP's primary USA itself).
    created_by = factory.LazyAttribute(
        lambda key: MembershipFactory(participant=key.participant, usa=True, rank=ContactRank.SECONDARY).user
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = secrets.token_urlsafe(32)
        kwargs["secret_hash"] = hash_secret(secret)
        key = super()._create(model_class, *args, **kwargs)
        key.raw = f"ercot_{key.prefix}.{secret}"
        return key
