"""The production connectivity testing ticket (seed 004, issue 11 item 9).

After a new MP's letter or a service provider change, the MP updates its production connectivity
specifications; then its AR or BAR submits a ticket to the Service Desk to schedule the test, copying
Flight Testing and MASS, asking for assignment to Market Application Support Services. The portal guides
the AR or BAR through it with a pre-filled ticket; staff can log it on the MP's behalf.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from accounts.roles import StaffGroup
from cases.models import Case, CaseKind, Channel
from ercot_services.core.models import AuditEvent, DomainError
from qualification.models import ChangeKind, ConnectivitySpec, ConnectivityTest
from qualification.services import (
    connectivity_spec_update,
    connectivity_ticket_submit,
    enrollment_record_without_letter,
)
from tests.accounts.factories import AssignmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portal:qualification")
FLIGHT_TESTING = "flighttesting@ercot.example"
MASS = "mass@ercot.example"
SPEC = {
    "endpoint_url": "https://edi.sundance.example/naesb",
    "protocol": "NAESB EDM",
    "certificate_fingerprint": ":".join(["AB"] * 32),
    "contact_name": "Tina Tech",
    "contact_email": "tina.tech@sundance.example",
    "contact_phone": "(512) 555-0142",
}


def ticket_url(test) -> str:
    return reverse("portal:connectivity-ticket", args=[test.pk])


def staff_ticket_url(test) -> str:
    return reverse("workspace:connectivity-ticket", args=[test.pk])


@pytest.fixture
def account_manager_of_new_lse(ready_lse):
    """The new MP has an Account Manager: the ticket must not go to them."""
    am = StaffFactory(full_name="Alan Manager", email="alan.manager@ercot.example", groups=[StaffGroup.ACCOUNT_MANAGER])
    AssignmentFactory(participant=ready_lse, account_manager__user=am)
    return am


@pytest.fixture
def lse_letter(q, ready_lse, oncor, account_manager_of_new_lse):
    return q.issue(q.ready(ready_lse, [oncor], change=ChangeKind.NEW_ENTITY))


@pytest.fixture
def test_due(lse_letter, ready_lse):
    """The connectivity test the letter asked for, with the specifications updated by the AR."""
    connectivity_spec_update(actor=ready_lse.people["ar"], participant=ready_lse, **SPEC)
    return ConnectivityTest.objects.get(participant=ready_lse)


def ticket_post(test) -> dict:
    """The ticket form as the AR sends it."""
    return {
        f"ticket{test.pk}-subject": f"Schedule production connectivity testing for {test.participant.short_name}",
        f"ticket{test.pk}-description": "Please schedule production connectivity testing.",
    }


# --- no ticket in the AR's name ------------------------------------------------------------------------------


def test_the_letter_asks_for_specifications_and_opens_no_ticket_in_the_ars_name(lse_letter, ready_lse):
    test = ConnectivityTest.objects.get(participant=ready_lse)
    assert test.service_request is None
    assert test.reason == "New Market Participant qualified"
    assert not Case.objects.filter(participant=ready_lse).exists()
    assert ConnectivitySpec.objects.get(participant=ready_lse).status == ConnectivitySpec.Status.REQUESTED


def test_a_service_provider_change_opens_no_ticket_either(q, rep, oncor):
    enrollment = q.ready(rep, [oncor], change=ChangeKind.SERVICE_PROVIDER)
    enrollment_record_without_letter(actor=q.retail_ops, enrollment=enrollment)

    test = ConnectivityTest.objects.get(participant=rep)
    assert (test.service_request, test.reason) == (None, "Service provider change")
    assert not Case.objects.filter(participant=rep).exists()


def test_no_ticket_before_the_specifications_are_updated(client, lse_letter, ready_lse):
    test = ConnectivityTest.objects.get(participant=ready_lse)
    client.force_login(ready_lse.people["ar"])

    page = client.get(HOME).content.decode()
    assert "Update your production connectivity specifications first" in page
    assert ticket_url(test) not in page
    with pytest.raises(DomainError, match="Update the production connectivity specifications first"):
        connectivity_ticket_submit(actor=ready_lse.people["ar"], test=test, subject="s", description="d")
    refused = client.post(ticket_url(test), ticket_post(test))
    assert refused.status_code == 400
    assert "Update the production connectivity specifications first" in refused.content.decode()
    assert not Case.objects.exists()


# --- the AR or BAR submits it from the portal ------------------------------------------------------------------


def test_the_ar_sees_a_pre_filled_ticket_once_the_specifications_are_updated(client, test_due, ready_lse):
    client.force_login(ready_lse.people["ar"])
    page = client.get(HOME).content.decode()

    assert ticket_url(test_due) in page
    assert f"Schedule production connectivity testing for {ready_lse.short_name}" in page
    for text in (
        ready_lse.legal_name,
        "New Market Participant qualified",
        SPEC["endpoint_url"],
        SPEC["contact_name"],
        "Market Application Support Services",
        FLIGHT_TESTING,
        MASS,
    ):
        assert text in page, text


def test_the_ar_submits_the_ticket_copied_to_flight_testing_and_mass_in_the_mass_queue(
    client, test_due, ready_lse, account_manager_of_new_lse, mailoutbox, django_capture_on_commit_callbacks
):
    ar = ready_lse.people["ar"]
    client.force_login(ar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ticket_url(test_due), ticket_post(test_due))
    assert response.status_code == 302

    test_due.refresh_from_db()
    case = test_due.service_request
    assert case is not None and case.connectivity_test == test_due
    assert (case.kind, case.participant, case.submitted_by, case.channel) == (
        CaseKind.SERVICE_REQUEST,
        ready_lse,
        ar,
        Channel.PORTAL,
    )
    assert case.queue.name == StaffGroup.MARKET_APPLICATION_SUPPORT
    assert case.assignee is None  # not the Account Manager
    assert case.cc_addresses == [FLIGHT_TESTING, MASS]

    receipts = [m for m in mailoutbox if case.reference in m.subject]
    assert sorted(address for m in receipts for address in m.to) == sorted([ar.email, FLIGHT_TESTING, MASS])
    assert account_manager_of_new_lse.email not in [address for m in mailoutbox for address in m.to]

    # Submitted once: the page now links the ticket, and a second one is refused.
    page = client.get(HOME).content.decode()
    assert reverse("portal:case-detail", args=[case.reference]) in page
    assert ticket_url(test_due) not in page
    again = client.post(ticket_url(test_due), ticket_post(test_due))
    assert again.status_code == 400
    assert f"The ticket for this test is already open: {case.reference}." in again.content.decode()
    assert Case.objects.count() == 1


def test_the_backup_ar_may_submit_it_too(client, test_due, ready_lse):
    client.force_login(ready_lse.people["bar"])
    assert client.post(ticket_url(test_due), ticket_post(test_due)).status_code == 302
    test_due.refresh_from_db()
    assert test_due.service_request.submitted_by == ready_lse.people["bar"]


def test_another_contact_of_the_mp_is_told_the_ar_submits_it_and_cannot_post(client, test_due, ready_lse):
    usa = ready_lse.people["usa"]
    client.force_login(usa)

    page = client.get(HOME).content.decode()
    assert "Your Authorized Representative or Backup AR submits this ticket" in page
    assert f'action="{ticket_url(test_due)}"' not in page
    assert client.post(ticket_url(test_due), ticket_post(test_due)).status_code == 403
    assert not Case.objects.exists()


def test_another_mps_user_gets_a_404(client, test_due, rep):
    client.force_login(rep.people["ar"])
    assert client.post(ticket_url(test_due), ticket_post(test_due)).status_code == 404
    assert not Case.objects.exists()


@override_settings(FLIGHT_TESTING_EMAIL="ft@example.org", MASS_EMAIL="apps@example.org")
def test_the_copied_addresses_are_settings(test_due, ready_lse):
    case = connectivity_ticket_submit(actor=ready_lse.people["ar"], test=test_due, subject="s", description="d")
    assert case.cc_addresses == ["ft@example.org", "apps@example.org"]


# --- staff log it on the MP's behalf ----------------------------------------------------------------------------


def test_staff_log_the_ticket_on_the_mps_behalf(client, test_due, ready_lse, service_desk_user):
    ar = ready_lse.people["ar"]
    client.force_login(service_desk_user)
    assert staff_ticket_url(test_due) in client.get(test_due.enrollment.get_absolute_url()).content.decode()

    response = client.post(
        staff_ticket_url(test_due),
        {
            **ticket_post(test_due),
            f"ticket{test_due.pk}-requester": ar.pk,
            f"ticket{test_due.pk}-channel": Channel.EMAIL,
        },
    )
    assert response.status_code == 302

    test_due.refresh_from_db()
    case = test_due.service_request
    assert (case.submitted_by, case.channel) == (ar, Channel.EMAIL)
    assert case.queue.name == StaffGroup.MARKET_APPLICATION_SUPPORT
    assert case.cc_addresses == [FLIGHT_TESTING, MASS]
    assert AuditEvent.objects.for_object(case).get(verb="case.submitted").actor == service_desk_user
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert FLIGHT_TESTING in case_page and MASS in case_page and "Market Application Support Services" in case_page
    event = AuditEvent.objects.for_object(test_due).get(verb="connectivity.ticket_submitted")
    assert event.actor == service_desk_user
    assert event.reason == f"Logged by {service_desk_user.full_name} on behalf of {ar.full_name}"


def test_staff_must_name_the_ar_or_bar_they_log_it_for(test_due, ready_lse, service_desk_user):
    with pytest.raises(DomainError, match="Authorized Representative or Backup AR"):
        connectivity_ticket_submit(
            actor=service_desk_user,
            test=test_due,
            subject="s",
            description="d",
            requester=ready_lse.people["usa"],
            channel=Channel.EMAIL,
        )
    assert not Case.objects.exists()


def test_service_desk_staff_see_the_mass_queue_in_the_case_queue(client, test_due, ready_lse, service_desk_user):
    case = connectivity_ticket_submit(actor=ready_lse.people["ar"], test=test_due, subject="s", description="d")
    mass = Group.objects.get(name=StaffGroup.MARKET_APPLICATION_SUPPORT)
    client.force_login(service_desk_user)

    response = client.get(reverse("workspace:cases"), {"view": "all", "queue": mass.pk})

    assert response.status_code == 200
    assert [c.pk for c in response.context["page_obj"]] == [case.pk]
    assert "Queue: Market Application Support Services" in response.content.decode()


def test_the_copies_also_receive_the_service_desks_public_replies_but_never_internal_notes(
    test_due, ready_lse, service_desk_user, mailoutbox, django_capture_on_commit_callbacks
):
    from cases.services import case_reply

    case = connectivity_ticket_submit(actor=ready_lse.people["ar"], test=test_due, subject="s", description="d")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=service_desk_user, case=case, body="MASS can test on Tuesday at 9:00.")
        case_reply(actor=service_desk_user, case=case, body="Internal: check the firewall rule.", internal=True)

    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == sorted([ready_lse.people["ar"].email, FLIGHT_TESTING, MASS])
    copy = next(m for m in mailoutbox if m.to == [MASS])
    assert "MASS can test on Tuesday" in copy.body and "firewall" not in copy.body
    assert f"this address is copied on {case.reference}" in copy.body
    assert case.get_absolute_url() in copy.body  # the operator's team gets the workspace link
