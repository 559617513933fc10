"""api_key_create and api_key_revoke: only the MP's own USA, the secret shown once and stored hashed, audited."""

import datetime

import pytest
from django.utils import timezone

from api import services
from api.error_codes import ApiErrorCode
from api.events import ApiEvent
from api.models import ApiKey, ApiScope
from ercot_services.core.models import AuditEvent, DomainError
from ercot_services.core.permissions import ActionNotAllowed
from tests.accounts.factories import MembershipFactory, StaffFactory

from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa(participant):
    return MembershipFactory(participant=participant, usa=True).user


def test_the_usa_creates_a_key_whose_secret_is_returned_once_and_stored_hashed(usa, participant):
    key, secret = services.api_key_create(
        actor=usa, participant=participant, name=" Settlement ", scopes=[ApiScope.READ_CASES, ApiScope.READ_CASES]
    )
    assert secret.startswith(f"ercot_{key.prefix}.")
    key.refresh_from_db()
    assert (key.name, key.scopes, key.created_by) == ("Settlement", ["cases:read"], usa)
    assert secret.split(".", 1)[1] not in key.secret_hash and key.secret_hash == services.hash_secret(
        secret.split(".", 1)[1]
    )
    event = AuditEvent.objects.get(verb=ApiEvent.API_KEY_CREATED)
    assert (event.actor, event.participant, event.target_object_id) == (usa, participant, str(key.pk))


@pytest.mark.parametrize(
    ("scopes", "expires_in", "code"),
    [
        ([], 1, ApiErrorCode.SCOPES_REQUIRED),
        (["cases:delete"], 1, ApiErrorCode.UNKNOWN_SCOPE),
        ([ApiScope.READ_CASES], -1, ApiErrorCode.EXPIRY_IN_PAST),
    ],
)
def test_bad_scopes_or_a_past_expiry_are_refused(usa, participant, scopes, expires_in, code):
    with pytest.raises(DomainError) as refused:
        services.api_key_create(
            actor=usa,
            participant=participant,
            name="x",
            scopes=scopes,
            expires_at=timezone.now() + datetime.timedelta(days=expires_in),
        )
    assert refused.value.code == code
    assert not ApiKey.objects.exists()


def test_nobody_but_the_mps_own_usa_creates_or_revokes(participant, other_participant, mp_user):
    other_usa = MembershipFactory(participant=other_participant, usa=True).user
    staff = StaffFactory(groups=["Account Manager"], is_superuser=True)
    key = ApiKeyFactory(participant=participant)
    for actor in (mp_user, other_usa, staff):
        with pytest.raises(ActionNotAllowed):
            services.api_key_create(actor=actor, participant=participant, name="x", scopes=[ApiScope.READ_CASES])
        with pytest.raises(ActionNotAllowed):
            services.api_key_revoke(actor=actor, api_key=key)
    assert ApiKey.objects.get().revoked_at is None


def test_revoking_is_audited_and_happens_once(usa, participant):
    key = ApiKeyFactory(participant=participant)
    services.api_key_revoke(actor=usa, api_key=key, reason="leaked")
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == usa and not key.is_usable()
    assert AuditEvent.objects.get(verb=ApiEvent.API_KEY_REVOKED).reason == "leaked"
    with pytest.raises(DomainError) as refused:
        services.api_key_revoke(actor=usa, api_key=key)
    assert refused.value.code == ApiErrorCode.ALREADY_REVOKED
