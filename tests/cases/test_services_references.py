"""Case references: ``INQ-2026-000001``, numbered per kind and per year, unique, and race-safe on PostgreSQL."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.db import connection

from cases.models import Case, CaseCategory, CaseKind, CaseSequence, IssuePattern
from ercot_services.core.models import DomainError
from tests.accounts.factories import AccountManagerFactory, AssignmentFactory, MembershipFactory, ParticipantFactory
from tests.case_inputs import submit_case
from tests.cases.factories import dispute_fields

from .conftest import ct

REFERENCE = re.compile(r"^(INQ|DSP|SRQ|PMP)-(\d{4})-(\d{6})$")


def number(reference: str) -> int:
    return int(REFERENCE.match(reference).group(3))


@pytest.mark.django_db
def test_reference_format_and_first_number(submit):
    case = submit(now=ct(2026, 3, 10, 9))
    assert case.reference == "INQ-2026-000001"
    assert REFERENCE.match(case.reference)
    assert Case.objects.get(reference="INQ-2026-000001") == case


@pytest.mark.django_db
def test_each_kind_has_its_own_sequence(submit, settlements, am_user):
    when = ct(2026, 3, 10, 9)
    first_inquiry = submit(now=when)
    dispute = submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        now=when,
        dispute=dispute_fields(statement_date=when.date()),
    )
    request = submit(kind=CaseKind.SERVICE_REQUEST, actor=am_user, now=when)
    contact = submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=settlements,
        subject="How do we register?",
        description="We plan to become a REP.",
        contact={"name": "Pat", "email": "pat@newco.example"},
        now=when,
    )
    second_inquiry = submit(now=when)
    assert [c.reference for c in (first_inquiry, dispute, request, contact, second_inquiry)] == [
        "INQ-2026-000001",
        "DSP-2026-000001",
        "SRQ-2026-000001",
        "PMP-2026-000001",
        "INQ-2026-000002",
    ]


@pytest.mark.django_db
def test_each_year_restarts_the_numbers(submit):
    assert submit(now=ct(2026, 6, 1, 9)).reference == "INQ-2026-000001"
    assert submit(now=ct(2027, 1, 4, 9)).reference == "INQ-2027-000001"
    assert submit(now=ct(2026, 6, 2, 9)).reference == "INQ-2026-000002"
    assert submit(now=ct(2027, 1, 5, 9)).reference == "INQ-2027-000002"


@pytest.mark.django_db
def test_the_year_is_the_operators_local_year(submit):
    # 23:30 in Texas on New Year's Eve is already 2027 in UTC.
    late = ct(2026, 12, 31, 23, 30)
    assert late.astimezone(datetime.UTC).year == 2027
    assert submit(now=late).reference == "INQ-2026-000001"
    assert submit(now=ct(2027, 1, 1, 0, 30)).reference == "INQ-2027-000001"


@pytest.mark.django_db
def test_references_increase_and_are_unique(submit):
    references = [submit(now=ct(2026, 5, 4 + i % 3, 9 + i % 8)).reference for i in range(12)]
    numbers = [number(r) for r in references]
    assert numbers == list(range(1, 13))
    assert len(set(references)) == 12
    assert CaseSequence.objects.get(prefix="INQ", year=2026).last_value == 12


@pytest.mark.django_db
def test_a_refused_submission_uses_no_number(submit, settlements):
    submit(now=ct(2026, 5, 4, 9))
    with pytest.raises(DomainError):
        # A DAM dispute filed a year after its statement is late.
        submit(
            kind=CaseKind.DISPUTE,
            category=settlements,
            now=ct(2026, 5, 4, 9),
            dispute=dispute_fields(statement_date=ct(2025, 5, 1, 0).date()),
        )
    with pytest.raises(DomainError):
        submit(participant=None)
    assert submit(now=ct(2026, 5, 4, 10)).reference == "INQ-2026-000002"
    assert not CaseSequence.objects.filter(prefix="DSP").exclude(last_value=0).exists()


# --- race safety on PostgreSQL ------------------------------------------------------------------------

THREADS = 5
PER_THREAD = 4


def _run_in_threads(target, count):
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submitting thread hung"
    assert not errors, errors
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_contiguous_references(reference_data):
    participant = ParticipantFactory()
    AssignmentFactory(participant=participant, account_manager=AccountManagerFactory())
    user = MembershipFactory(participant=participant).user
    category = CaseCategory.objects.get(code="registration")
    start = CaseSequence.objects.filter(prefix="INQ", year=2026).values_list("last_value", flat=True).first() or 0
    references: list[str] = []
    lock = threading.Lock()

    def submit_some(index):
        for n in range(PER_THREAD):
            case = submit_case(
                actor=user,
                kind=CaseKind.INQUIRY,
                category=category,
                participant=participant,
                subject=f"Thread {index} case {n}",
                description="Concurrent submission",
                now=ct(2026, 11, 23, 10),
            )
            with lock:
                references.append(case.reference)

    _run_in_threads(submit_some, THREADS)

    total = THREADS * PER_THREAD
    assert len(references) == len(set(references)) == total
    assert sorted(number(r) for r in references) == list(range(start + 1, start + total + 1))
    assert Case.objects.filter(reference__in=references).count() == total
    assert CaseSequence.objects.get(prefix="INQ", year=2026).last_value == start + total


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cases_of_different_kinds_all_succeed_and_share_one_pattern(reference_data):
    """Kinds have separate sequences, so their submissions really overlap; the issue-pattern check must cope."""
    participant = ParticipantFactory()
    AssignmentFactory(participant=participant, account_manager=AccountManagerFactory())
    user = MembershipFactory(participant=participant).user
    staff = AccountManagerFactory().user
    categories = list(CaseCategory.objects.order_by("sort_order")[:8])
    kinds = [CaseKind.INQUIRY, CaseKind.SERVICE_REQUEST, CaseKind.INQUIRY, CaseKind.SERVICE_REQUEST]

    def submit_some(index):
        for category in categories:
            submit_case(
                actor=user if kinds[index] == CaseKind.INQUIRY else staff,
                kind=kinds[index],
                category=category,
                participant=participant,
                requester=user,
                subject=f"{category.name} {index}",
                description="Concurrent submission",
                now=ct(2026, 11, 23, 10),
            )

    _run_in_threads(submit_some, len(kinds))

    for category in categories:
        assert Case.objects.filter(participant=participant, category=category).count() == len(kinds)
        patterns = IssuePattern.objects.filter(participant=participant, category=category)
        assert patterns.count() == 1
        assert patterns.get().cases.count() == len(kinds)
