"""``manage.py seed_demo``: a believable demo market, built through the services, safe to run twice."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from accounts.management.seed_accounts import DEMO_TOTP_SECRET
from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRole,
    MarketParticipant,
    Membership,
    ParticipantStatus,
    User,
)
from accounts.roles import StaffGroup
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import AuditEvent
from tests.accounts.sign_in import sign_in

# Seeds the whole demo market (the longest fixture of the suite): make test runs it, make test-fast leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DEMO_PASSWORD = "demo-pass-2026"
# The six TDSPs named in the design notes, as they appear in legal names.
TDSP_NAMES = ["Oncor", "CenterPoint", "AEP Texas Central", "AEP Texas North", "Texas-New Mexico Power", "Lubbock"]
SIGNIN_ROW = re.compile(r"^\s+(?P<role>\S.*?)\s{2,}(?P<email>\S+@\S+)\s{2,}(?P<password>\S+)\s{2,}(?P<lands>/\S*)\s*$")


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "participants": MarketParticipant.objects.count(),
        "account managers": AccountManager.objects.count(),
        "assignments": AccountManagerAssignment.objects.count(),
        "memberships": Membership.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def _signin_rows(output: str) -> list[dict]:
    return [match.groupdict() for line in output.splitlines() if (match := SIGNIN_ROW.match(line))]


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed once for this module inside a transaction that is rolled back afterwards.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what
    one test changes does not leak into the next, and nothing outlives the module.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def test_second_run_creates_nothing(seeded):
    first = _counts()
    assert all(first.values()), first

    output = _seed()

    assert _counts() == first
    assert "Nothing new" in output


def test_the_demo_market(seeded):
    participants = MarketParticipant.objects.prefetch_related("roles")

    # The six TDSPs of the design notes.
    tdsps = [mp for mp in participants if mp.has_role("TDSP")]
    assert len(tdsps) == 6
    for name in TDSP_NAMES:
        assert sum(name in mp.legal_name for mp in tdsps) == 1, name

    # About twenty retailers.
    reps = [mp for mp in participants if mp.has_role("REP")]
    assert 18 <= len(reps) <= 24

    # Every status of a believable lifecycle is represented.
    statuses = set(participants.values_list("status", flat=True))
    assert {ParticipantStatus.ACTIVE, ParticipantStatus.PROSPECTIVE, ParticipantStatus.REGISTERING} <= statuses

    # Every MP that is not prospective has exactly one current AM; prospects have none (Service Desk).
    current = dict(
        MarketParticipant.objects.annotate(
            current=Count("am_assignments", filter=Q(am_assignments__ended_at__isnull=True))
        ).values_list("pk", "current")
    )
    for mp in participants:
        expected = 0 if mp.status == ParticipantStatus.PROSPECTIVE else 1
        assert current[mp.pk] == expected, mp
    # Some MPs had another AM before: the history is not empty.
    assert AccountManagerAssignment.objects.filter(ended_at__isnull=False).exists()

    # Every MP has an active Authorized Representative and a Backup AR.
    for mp in participants:
        roles = set(Membership.objects.active().filter(participant=mp).values_list("contact_role", flat=True))
        assert {ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE} <= roles, mp

    # Contacts are participant users; AMs are staff.
    assert not Membership.objects.filter(user__is_staff=True).exists()
    assert not AccountManager.objects.filter(user__is_staff=False).exists()

    # Staff exist in every group, and a superuser.
    for name in StaffGroup.ALL:
        assert Group.objects.get(name=name).user_set.filter(is_staff=True).exists(), name
    assert User.objects.filter(is_superuser=True).exists()

    # AM books are balanced within one MP.
    books = [
        am.assignments.filter(ended_at__isnull=True).count() for am in AccountManager.objects.filter(is_active=True)
    ]
    assert len(books) >= 2
    assert max(books) - min(books) <= 1

    # Built through the services: every MP has its creation in the audit trail.
    created = set(AuditEvent.objects.filter(verb="participant.created").values_list("participant", flat=True))
    assert created == set(participants.values_list("pk", flat=True))


def test_the_output_lists_sign_ins_that_work(seeded, client):
    assert "Sign in at" in seeded
    rows = _signin_rows(seeded)
    roles = {row["role"] for row in rows}
    for group in StaffGroup.ALL:
        assert group in roles, group
    assert any(row["lands"] == "/portal/" for row in rows)

    for row in rows:
        user = User.objects.get(email=row["email"])
        assert row["password"] == DEMO_PASSWORD
        expected_home = "/workspace/" if user.is_staff else "/portal/"
        if not user.is_superuser:
            assert row["lands"] == expected_home, row
        response = sign_in(client, row["email"], password=row["password"], secret=DEMO_TOTP_SECRET, follow=True)
        assert response.status_code == 200, row
        assert response.redirect_chain[-1][0] == expected_home, row
        client.post(reverse("logout"))


def test_the_superuser_row_says_where_sign_in_lands(seeded):
    [row] = [row for row in _signin_rows(seeded) if User.objects.get(email=row["email"]).is_superuser]
    assert row["lands"] == "/workspace/"


def test_demo_staff_have_the_demo_authenticator_app_and_the_output_says_how_to_get_a_code(seeded):
    from allauth.mfa.models import Authenticator

    staff = User.objects.filter(is_staff=True)
    apps = Authenticator.objects.filter(user__in=staff, type=Authenticator.Type.TOTP)
    assert apps.count() == staff.count()
    assert {app.data["secret"] for app in apps} == {DEMO_TOTP_SECRET}
    assert DEMO_TOTP_SECRET in seeded
    assert "manage.py totp_code" in seeded


def test_totp_code_prints_the_current_code_of_a_demo_user_with_debug_on(seeded, settings):
    from django.core.management.base import CommandError

    from tests.accounts.factories import UserFactory, totp_code

    lead = User.objects.filter(is_staff=True).first()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("totp_code", lead.email, stdout=StringIO(), stderr=StringIO())

    settings.DEBUG = True
    out = StringIO()
    call_command("totp_code", lead.email, stdout=out, stderr=StringIO())
    assert out.getvalue().strip() in {totp_code(DEMO_TOTP_SECRET), totp_code(DEMO_TOTP_SECRET, offset=1)}

    someone = UserFactory(second_factor=True)  # a real (non-demo) secret: no code for them
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("totp_code", someone.email, stdout=StringIO(), stderr=StringIO())


def test_the_demo_has_courses_a_bluebonnet_certificate_a_recommendation_and_sessions_to_come(seeded):
    from django.utils import timezone

    from education.models import Course, CourseSession, Enrolment

    assert Course.objects.published().filter(audience__code="REP").count() >= 2
    assert CourseSession.objects.filter(starts_at__gt=timezone.now()).exists()
    calendar = business_calendar()
    days = {timezone.localtime(moment).date() for moment in CourseSession.objects.values_list("starts_at", flat=True)}
    assert all(calendar.is_business_day(day) for day in days), sorted(days)  # no class on a Saturday
    completed = Enrolment.objects.completed().select_related("participant").get()
    assert completed.participant.short_name == "BLUEBONNET"
    assert completed.participant.course_recommendations.exists()
