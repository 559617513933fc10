"""API keys for tests: ``ApiKeyFactory`` writes a row whose full key is on ``key.raw`` (the secret is never stored).
Trait ``by_usa``: created by an active User Security Administrator of the MP (whom a write acts as)."""

import secrets

import factory

from api.models import ApiKey, ApiScope
from api.services import hash_secret
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
