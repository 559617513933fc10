"""Who may start a registration application is one rule: the portal (its registration list and its home card) offers
each kind exactly when the service accepts it; an initial registration under way is continued, not offered again."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import MarketParticipant, ParticipantStatus
from ercot_services.core.models import DomainError
from registration.models import ApplicationKind
from registration.services import application_start

pytestmark = pytest.mark.django_db


def _service_accepts(*, actor, participant, kind) -> bool:
    try:
        with transaction.atomic():
            application_start(actor=actor, participant=participant, kind=kind)
            transaction.set_rollback(True)
    except DomainError:
        return False
    return True


@pytest.mark.parametrize("status", ParticipantStatus.values)
def test_the_portal_offers_a_revision_exactly_when_the_service_accepts_one(client, participant, ar, status):
    MarketParticipant.objects.filter(pk=participant.pk).update(status=status)
    participant.refresh_from_db()
    client.force_login(ar)

    offered = client.get(reverse("portal:applications")).context["can_start_revision"]

    assert offered == _service_accepts(actor=ar, participant=participant, kind=ApplicationKind.REVISION)


def test_a_registering_mp_may_not_file_a_revision_before_its_initial_registration_is_done(participant, ar):
    MarketParticipant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.REGISTERING)
    participant.refresh_from_db()

    with pytest.raises(DomainError, match="complete the initial registration first"):
        application_start(actor=ar, participant=participant, kind=ApplicationKind.REVISION)


REVISION_BUTTON = 'href="/portal/registration/new/revision/"'
INITIAL_BUTTON = 'href="/portal/registration/new/initial/"'


def _offers(client, name, button) -> bool:
    return button in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("status", ParticipantStatus.values)
def test_both_portal_pages_show_the_revision_button_exactly_when_the_service_accepts_one(
    client, participant, ar, status
):
    MarketParticipant.objects.filter(pk=participant.pk).update(status=status)
    participant.refresh_from_db()
    client.force_login(ar)
    accepts = _service_accepts(actor=ar, participant=participant, kind=ApplicationKind.REVISION)

    assert _offers(client, "portal:applications", REVISION_BUTTON) == accepts
    assert _offers(client, "portal:home", REVISION_BUTTON) == accepts


@pytest.mark.parametrize("status", ParticipantStatus.values)
def test_both_portal_pages_show_the_initial_button_exactly_when_the_service_accepts_one(
    client, participant, ar, status
):
    MarketParticipant.objects.filter(pk=participant.pk).update(status=status)
    participant.refresh_from_db()
    client.force_login(ar)
    accepts = _service_accepts(actor=ar, participant=participant, kind=ApplicationKind.INITIAL)

    assert _offers(client, "portal:applications", INITIAL_BUTTON) == accepts
    assert _offers(client, "portal:home", INITIAL_BUTTON) == accepts


def test_an_initial_registration_under_way_is_continued_not_offered_again(client, participant, ar):
    MarketParticipant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.PROSPECTIVE)
    participant.refresh_from_db()
    application_start(actor=ar, participant=participant, kind=ApplicationKind.INITIAL, role_codes=["REP"])
    client.force_login(ar)

    assert not _offers(client, "portal:applications", INITIAL_BUTTON)
    assert not _offers(client, "portal:home", INITIAL_BUTTON)
