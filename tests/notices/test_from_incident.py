"""A market notice draft from a market incident: prefilled (type, scope, days affected, description), naming no
Market Participant, through the drafting service; Notice Publishers only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.models import CaseKind, Incident, IncidentDimension
from ercot_services.core.models import AuditEvent, DomainError
from notices.models import Notice, NoticeStatus
from notices.services.from_incident import notice_draft_from_incident
from tests.accounts.factories import ParticipantFactory, StaffFactory
from tests.cases.factories import CaseFactory, DisputeDetailFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(db):
    """Three MPs disputing one charge type on two Operating Days; the summary names one of them."""
    names = ["WIRESCO", "GRIDCO", "SUNCO"]
    participants = [ParticipantFactory(name=name) for name in names]
    incident = Incident.objects.create(
        title="Adder charged twice",
        dimension=IncidentDimension.CHARGE_TYPE,
        key="rt adder",
        key_label="RT Adder",
        status="open",
        summary="Wiresco Energy LLC noticed first; WIRESCO and GRIDCO saw doubled intervals.",
        participant_count=3,
    )
    for participant, day in zip(participants, (1, 2, 2), strict=True):
        case = CaseFactory(kind=CaseKind.DISPUTE, participant=participant)
        DisputeDetailFactory(case=case, charge_type="RT Adder", operating_day=datetime.date(2026, 9, day))
        incident.cases.add(case)
    return incident


def test_the_draft_is_prefilled_and_names_no_mp(incident, publisher):
    notice = notice_draft_from_incident(actor=publisher, incident=incident)

    assert notice.status == NoticeStatus.DRAFT
    assert notice.notice_type.name == "Settlements"
    assert notice.days_affected == "Sep 1, 2026; Sep 2, 2026"
    text = f"{notice.short_description} {notice.long_description}"
    assert "RT Adder" in text
    for name in ("WIRESCO", "GRIDCO", "SUNCO", "Wiresco Energy LLC"):
        assert name.lower() not in text.lower()
    assert "a Market Participant" in notice.long_description
    assert [e.verb for e in AuditEvent.objects.for_object(incident)] == ["incident.notice_drafted"]


def test_an_operating_day_incident_affects_that_day(incident, publisher):
    incident.dimension, incident.key, incident.key_label = "operating_day", "2026-09-02", "Sep 2, 2026"
    incident.save()
    assert notice_draft_from_incident(actor=publisher, incident=incident).days_affected == "Sep 2, 2026"


def test_only_publishers_draft(incident):
    with pytest.raises(DomainError):
        notice_draft_from_incident(actor=StaffFactory(groups=[StaffGroup.ACCOUNT_MANAGER]), incident=incident)
    assert not Notice.objects.exists()


def test_the_button_posts_a_draft_and_opens_it(client, incident, publisher):
    client.force_login(publisher)
    response = client.post(reverse("workspace:notice-from-incident", args=[incident.pk]))
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:notice-edit", args=[notice.pk])


@pytest.mark.parametrize("group", [StaffGroup.ACCOUNT_MANAGER, StaffGroup.SERVICE_DESK])
def test_other_groups_get_403(client, incident, group):
    client.force_login(StaffFactory(groups=[group]))
    assert client.post(reverse("workspace:notice-from-incident", args=[incident.pk])).status_code == 403
    assert not Notice.objects.exists()


def test_a_participant_user_is_refused(client, incident, mp_user):
    client.force_login(mp_user)
    assert client.post(reverse("workspace:notice-from-incident", args=[incident.pk])).status_code in (403, 404)
    assert not Notice.objects.exists()


def test_an_unknown_incident_is_404(client, publisher):
    client.force_login(publisher)
    assert client.post(reverse("workspace:notice-from-incident", args=[999999])).status_code == 404
