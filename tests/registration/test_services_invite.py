"""Inviting a potential MP from its Service Desk contact: a prospective MP, its AR and a working invitation."""

import re

import pytest
from django.urls import reverse

from accounts.models import ContactRank, ContactRole, MarketParticipant, Membership, ParticipantStatus, User
from accounts.roles import StaffGroup
from cases.events import CaseEvent
from cases.models import Case, CaseCategory, CaseKind, CaseMessage, CaseStatus, Channel
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from registration.models import ApplicationKind, ApplicationStatus
from registration.services import application_start, potential_participant_invite
from tests.accounts.factories import ParticipantFactory, StaffFactory
from tests.case_inputs import submit_case

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-Meridian-4417"


@pytest.fixture
def desk(db):
    return StaffFactory(full_name="Marcus Lee", groups=[StaffGroup.SERVICE_DESK])


@pytest.fixture
def contact_case(db):
    return submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=CaseCategory.objects.get(code="registration"),
        subject="How do we register as a REP?",
        description="Sundance Solar Retail would like to enter the ERCOT market.",
        channel=Channel.WEB_FORM,
        contact={
            "name": "Hannah Ortiz",
            "email": "Hannah.Ortiz@SundanceSolar.example",
            "company": "Sundance Solar Retail",
        },
    )


def _invite(desk, case, **overrides):
    values = {"actor": desk, "case": case, "legal_name": "Sundance Solar Retail LLC", "short_name": "SUNDANCE"}
    values.update(overrides)
    return potential_participant_invite(**values)


def test_the_invitation_creates_the_prospective_mp_and_its_ar(
    desk, contact_case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        participant = _invite(desk, contact_case)

    assert (participant.legal_name, participant.short_name, participant.status) == (
        "Sundance Solar Retail LLC",
        "SUNDANCE",
        ParticipantStatus.PROSPECTIVE,
    )
    user = User.objects.get(email="hannah.ortiz@sundancesolar.example")
    assert user.full_name == "Hannah Ortiz"
    assert not user.has_usable_password()
    assert not user.is_staff
    membership = Membership.objects.get(user=user)
    assert (membership.participant, membership.contact_role, membership.rank, membership.is_active) == (
        participant,
        ContactRole.AUTHORIZED_REPRESENTATIVE,
        ContactRank.PRIMARY,
        True,
    )
    assert AuditEvent.objects.filter(participant=participant, verb="participant.created", actor=desk).exists()
    assert AuditEvent.objects.filter(participant=participant, verb="membership.added").exists()

    # The case: linked to the new MP, a public reply, resolved.
    case = Case.objects.get(pk=contact_case.pk)
    assert case.participant == participant
    assert case.status == CaseStatus.RESOLVED
    reply = CaseMessage.objects.get(case=case, is_internal=False, author=desk)
    assert "Sundance Solar Retail LLC" in reply.body and user.email in reply.body

    # One invitation, queued through the outbox and sent once.
    row = OutboundEmail.objects.get(key=f"invitation:{participant.pk}:{user.pk}")
    assert row.status == OutboundEmail.Status.SENT
    [invitation] = [m for m in mailoutbox if m.subject == "Register with ERCOT: your account is ready"]
    assert invitation.to == [user.email]
    assert contact_case.reference in invitation.body


def test_the_invitation_link_sets_a_password(
    desk, contact_case, django_capture_on_commit_callbacks, mailoutbox, client
):
    with django_capture_on_commit_callbacks(execute=True):
        participant = _invite(desk, contact_case)
    [invitation] = [m for m in mailoutbox if m.subject == "Register with ERCOT: your account is ready"]
    link = re.search(r"https?://\S+/reset/\S+/\S+/", invitation.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302, done.context["form"].errors if done.context else done
    assert done.url == reverse("password_reset_complete")
    user = User.objects.get(email="hannah.ortiz@sundancesolar.example")
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert client.get(path, follow=True).context["validlink"] is False

    # Signed in, the new AR can start the registration of the prospective MP.
    signed_in = client.post(reverse("login"), {"login": user.email, "password": NEW_PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0] == "/portal/"
    application = application_start(
        actor=user, participant=participant, kind=ApplicationKind.INITIAL, role_codes=["REP", "LSE"]
    )
    assert application.status == ApplicationStatus.DRAFT


def test_duplicate_short_names_are_refused(desk, contact_case, mailoutbox, django_capture_on_commit_callbacks):
    ParticipantFactory(short_name="Sundance")
    participants = MarketParticipant.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError, match="short name SUNDANCE already exists"):
            _invite(desk, contact_case)

    assert MarketParticipant.objects.count() == participants
    assert not User.objects.filter(email__iexact="hannah.ortiz@sundancesolar.example").exists()
    assert not OutboundEmail.objects.filter(key__startswith="invitation:").exists()
    assert Case.objects.get(pk=contact_case.pk).status == CaseStatus.NEW
    assert mailoutbox == []


def test_only_staff_invite(contact_case, mp_user):
    with pytest.raises(DomainError, match="Only staff"):
        _invite(mp_user, contact_case)
    assert not MarketParticipant.objects.filter(short_name="SUNDANCE").exists()


def test_only_a_potential_mp_contact_is_invited_and_only_once(desk, contact_case, participant, mp_user):
    inquiry = submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.get(code="registration"),
        subject="Add a Backup AR",
        description="Please add one.",
        participant=participant,
    )
    with pytest.raises(DomainError, match="not a potential Market Participant's contact"):
        _invite(desk, inquiry, contact_email="someone@new.example")
    assert Case.objects.get(pk=inquiry.pk).participant == participant

    _invite(desk, contact_case)
    with pytest.raises(DomainError, match="not a potential Market Participant's contact"):
        _invite(desk, Case.objects.get(pk=contact_case.pk), short_name="SUNDANCE2")
    assert not MarketParticipant.objects.filter(short_name="SUNDANCE2").exists()


def test_staff_email_is_refused(desk, contact_case, reviewer):
    with pytest.raises(DomainError, match="belongs to operator staff"):
        _invite(desk, contact_case, contact_email=reviewer.email)
    assert not MarketParticipant.objects.filter(short_name="SUNDANCE").exists()


def test_the_contact_is_linked_to_the_new_mp_through_the_cases_service_which_audits_it(desk, contact_case):
    participant = _invite(desk, contact_case)

    [event] = AuditEvent.objects.filter(verb=CaseEvent.CASE_PARTICIPANT_LINKED)
    assert (event.target, event.actor, event.participant) == (Case.objects.get(pk=contact_case.pk), desk, participant)
    assert event.changes == {"participant": [None, str(participant)]}


def test_the_cases_service_links_only_a_potential_mp_contact_still_waiting_for_its_mp(desk, contact_case, participant):
    from cases.services.potential_participants import case_link_participant

    case_link_participant(actor=desk, case=contact_case, participant=participant)
    with pytest.raises(DomainError, match="not a potential Market Participant's contact") as refused:
        case_link_participant(actor=desk, case=contact_case, participant=ParticipantFactory())
    assert refused.value.code == "not_a_potential_mp_contact"
    assert Case.objects.get(pk=contact_case.pk).participant == participant
