"""Read-side queries for qualification: the flights list, the flight board, the Retail Operations
queue, the letter delivery report, the enrollment page, and one MP's qualification (for the portal).

Every list is built with a fixed number of queries, whatever its length: the criteria facts of the
listed MPs (SFA, PUCT certification, QSE Acknowledgement) are joined in with ``select_related`` and
handed to ``criteria_evaluate`` / ``letter_blockers`` as pre-fetched facts, so the
rules stay in the services and run without queries of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import MarketParticipant

from ..models import (
    NO_LETTER_REASONS,
    CertificateRequest,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    Flight,
    FlightStatus,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from ..services.criteria import Criterion, criteria_applies, criteria_evaluate, criteria_facts, letter_blockers

# The facts the criteria gate reads, reachable from an enrollment in one join each.
CRITERIA_FACTS = (
    "participant__sfa",
    "participant__puct_certification",
    "participant__qse_acknowledgement__qse__load_qualification",
)

# The flight board's columns, in the order work flows.
BOARD_COLUMNS = [
    (EnrollmentStatus.ENROLLED, "Enrolled"),
    (EnrollmentStatus.TESTING, "Testing"),
    (EnrollmentStatus.FAILED, "Failed"),
    (EnrollmentStatus.HANDED_OVER, "Ready for Retail Operations"),
    (EnrollmentStatus.LETTER_SENT, "Letter sent"),
    (EnrollmentStatus.RECORDED, "Recorded"),
    (EnrollmentStatus.WITHDRAWN, "Withdrawn"),
]

ACTIVE_FLIGHT_STATUSES = (FlightStatus.PLANNED, FlightStatus.OPEN, FlightStatus.TESTING)


def with_criteria_facts(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Enrollments with everything ``letter_blockers`` reads, so it runs without queries of its own."""
    return queryset.select_related("participant", "flight", "result", "letter", *CRITERIA_FACTS).prefetch_related(
        "participant__roles", "result__trading_partners", "result__business_functions"
    )


def prefetched_criteria_facts(participant: MarketParticipant) -> tuple:
    """(SFA, PUCT certification, QSE Acknowledgement) of an MP loaded through :func:`with_criteria_facts`
    (``select_related`` caches each, or None when missing); falls back to querying when not joined in."""
    cached = []
    for accessor in ("sfa", "puct_certification", "qse_acknowledgement"):
        relation = MarketParticipant._meta.get_field(accessor)
        if not relation.is_cached(participant):
            return criteria_facts(participant)
        cached.append(relation.get_cached_value(participant))
    return tuple(cached)


def enrollment_criteria(enrollment: Enrollment) -> list[Criterion] | None:
    """The criteria gate of this enrollment (None when it does not apply), from the prefetched facts."""
    if not criteria_applies(enrollment):
        return None
    return criteria_evaluate(enrollment.participant, facts=prefetched_criteria_facts(enrollment.participant))


def enrollment_blockers(enrollment: Enrollment) -> list[str]:
    """``letter_blockers`` with the prefetched facts."""
    return letter_blockers(enrollment, facts=prefetched_criteria_facts(enrollment.participant))


# --- flights ------------------------------------------------------------------------------------------


def flight_list() -> dict[str, list[Flight]]:
    """Current and past flights, each with ``total`` and one ``n_<status>`` count per status (one query)."""
    counts = {f"n_{status}": Count("enrollments", filter=Q(enrollments__status=status)) for status, _ in BOARD_COLUMNS}
    flights = list(Flight.objects.annotate(total=Count("enrollments"), **counts).order_by("-start_date"))
    for flight in flights:
        flight.status_counts = [(status, label, getattr(flight, f"n_{status}")) for status, label in BOARD_COLUMNS]
    return {
        "current": [f for f in flights if f.status in ACTIVE_FLIGHT_STATUSES],
        "past": [f for f in flights if f.status not in ACTIVE_FLIGHT_STATUSES],
    }


def flight_get(name: str) -> Flight:
    return get_object_or_404(Flight, name=name)


def open_flights() -> QuerySet[Flight]:
    return Flight.objects.filter(status__in=ACTIVE_FLIGHT_STATUSES).order_by("start_date")


@dataclass
class BoardColumn:
    status: str
    label: str
    cards: list[Enrollment] = field(default_factory=list)


def flight_board(flight: Flight) -> list[BoardColumn]:
    """The flight's enrollments by status column (a fixed number of queries)."""
    enrollments = (
        Enrollment.objects.filter(flight=flight)
        .select_related("participant", "letter", "result")
        .prefetch_related("participant__roles")
        .annotate(partners_count=Count("result__trading_partners", distinct=True))
        .order_by("participant__short_name", "change_kind")
    )
    columns = {status: BoardColumn(status, label) for status, label in BOARD_COLUMNS}
    for enrollment in enrollments:
        columns[enrollment.status].cards.append(enrollment)
    return list(columns.values())


# --- one enrollment ----------------------------------------------------------------------------------------


def enrollment_get_for_staff(pk: int) -> Enrollment:
    return get_object_or_404(
        with_criteria_facts(Enrollment.objects.all()).select_related(
            "enrolled_by", "application", "result__recorded_by"
        ),
        pk=pk,
    )


def enrollment_deliveries(enrollment: Enrollment) -> list[LetterDelivery]:
    letter = getattr(enrollment, "letter", None)
    if letter is None:
        return []
    return list(letter.deliveries.order_by("-kind", "pk"))  # "to" before "copy"


def enrollment_certificates(enrollment: Enrollment) -> list[CertificateRequest]:
    return list(
        CertificateRequest.objects.filter(
            Q(enrollment=enrollment) | Q(enrollment__isnull=True, participant=enrollment.participant_id)
        )
        .select_related("security_administrator")
        .order_by("-requested_at")
    )


def enrollment_connectivity_tests(enrollment: Enrollment) -> list[ConnectivityTest]:
    return list(
        ConnectivityTest.objects.filter(enrollment=enrollment).select_related("service_request").order_by("-created_at")
    )


def participant_connectivity_spec(participant: MarketParticipant) -> ConnectivitySpec | None:
    return ConnectivitySpec.objects.filter(participant=participant).first()


def trading_partner_tdsps(enrollment: Enrollment) -> list[MarketParticipant]:
    """A REP's candidate trading partners (the TDSPs, a handful), with roles (for the labels) and territories (for
    the preselection); none for any other MP, whose partners are chosen through the MP picker."""
    if not enrollment.participant.has_role("REP"):
        return []
    return list(
        MarketParticipant.objects.exclude(pk=enrollment.participant_id)
        .filter(roles__code="TDSP")
        .prefetch_related("roles", "service_territories")
        .order_by("short_name")
    )


# --- the Retail Operations queue -----------------------------------------------------------------------------


@dataclass
class QueueRow:
    enrollment: Enrollment
    blockers: list[str]
    criteria: list[Criterion] | None


def retail_operations_queue() -> dict[str, list[QueueRow]]:
    """Handed-over enrollments: ready for a letter, blocked (with the reasons), or recorded without a letter.

    A fixed number of queries however many are listed: ``letter_blockers`` reads the prefetched facts.
    """
    enrollments = with_criteria_facts(Enrollment.objects.filter(status=EnrollmentStatus.HANDED_OVER)).order_by(
        "result__handed_over_at", "pk"
    )
    queue = {"ready": [], "blocked": [], "no_letter": []}
    for enrollment in enrollments:
        if not enrollment.produces_letter:
            queue["no_letter"].append(QueueRow(enrollment, [NO_LETTER_REASONS[enrollment.change_kind]], None))
            continue
        criteria = enrollment_criteria(enrollment)
        blockers = enrollment_blockers(enrollment)
        queue["blocked" if blockers else "ready"].append(QueueRow(enrollment, blockers, criteria))
    return queue


# --- letters ------------------------------------------------------------------------------------------------


def letter_report(*, failed_only: bool = False) -> list[QualificationLetter]:
    """Letters, newest first, with sent / pending / failed counts and their failed deliveries."""
    letters = QualificationLetter.objects.select_related("enrollment__participant", "enrollment__flight").annotate(
        n_sent=Count("deliveries", filter=Q(deliveries__status=LetterDelivery.Status.SENT)),
        n_pending=Count("deliveries", filter=Q(deliveries__status=LetterDelivery.Status.PENDING)),
        n_failed=Count("deliveries", filter=Q(deliveries__status=LetterDelivery.Status.FAILED)),
        n_total=Count("deliveries"),
    )
    if failed_only:
        letters = letters.filter(n_failed__gt=0)
    return list(
        letters.prefetch_related(
            Prefetch(
                "deliveries",
                queryset=LetterDelivery.objects.filter(status=LetterDelivery.Status.FAILED).order_by("email"),
                to_attr="failures",
            )
        ).order_by("-issued_on", "-number")
    )


def delivery_rows(*, failed_only: bool = False) -> QuerySet[LetterDelivery]:
    """Every delivery (for the CSV export), with its letter and MP."""
    rows = LetterDelivery.objects.select_related("letter__enrollment__participant", "letter__enrollment__flight")
    if failed_only:
        rows = rows.filter(status=LetterDelivery.Status.FAILED)
    return rows.order_by("-letter__issued_on", "letter__number", "kind", "email")


# --- one MP's qualification (the portal reads these) ------------------------------------------------------------


def participant_enrollments_queryset(participant: MarketParticipant) -> QuerySet[Enrollment]:
    """The MP's enrollments, newest flight first, with flight, result, partners, functions and letter."""
    return (
        Enrollment.objects.filter(participant=participant)
        .select_related("flight", "result", "letter", "participant")
        .prefetch_related("result__trading_partners", "result__business_functions", "participant__roles")
        .order_by("-flight__start_date", "change_kind")
    )


def participant_enrollments(participant: MarketParticipant) -> list[Enrollment]:
    return list(participant_enrollments_queryset(participant))


def participant_letters(participant: MarketParticipant) -> QuerySet[QualificationLetter]:
    return QualificationLetter.objects.filter(enrollment__participant=participant).select_related(
        "enrollment__participant", "enrollment__flight"
    )


def participant_letter_get(participant: MarketParticipant, pk: int) -> QualificationLetter:
    """One letter of this MP (404 for another MP's letter)."""
    return get_object_or_404(participant_letters(participant), pk=pk)


def participant_criteria(participant: MarketParticipant) -> list[Criterion] | None:
    """The criteria gate for a load-serving MP with an enrollment as a new MP; None when it does not apply."""
    applies = (
        participant.serves_load()
        and Enrollment.objects.filter(participant=participant, participant_kind=ParticipantKind.NEW)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .exists()
    )
    return criteria_evaluate(participant) if applies else None


def participant_qualification(participant: MarketParticipant) -> dict:
    """Everything the portal's qualification page shows for one MP."""
    return {
        "enrollments": participant_enrollments(participant),
        "letters": list(participant_letters(participant)),
        "criteria": participant_criteria(participant),
        "certificates": list(
            CertificateRequest.objects.filter(participant=participant)
            .select_related("security_administrator")
            .order_by("-requested_at")
        ),
        "connectivity_spec": ConnectivitySpec.objects.filter(participant=participant).first(),
        "connectivity_tests": list(
            ConnectivityTest.objects.filter(participant=participant)
            .select_related("service_request", "enrollment__flight")
            .order_by("-created_at")
        ),
    }


__all__ = [
    "BOARD_COLUMNS",
    "delivery_rows",
    "enrollment_blockers",
    "enrollment_criteria",
    "enrollment_get_for_staff",
    "flight_board",
    "flight_get",
    "flight_list",
    "letter_report",
    "participant_criteria",
    "participant_enrollments",
    "participant_enrollments_queryset",
    "participant_letter_get",
    "participant_letters",
    "participant_qualification",
    "prefetched_criteria_facts",
    "retail_operations_queue",
    "with_criteria_facts",
]
