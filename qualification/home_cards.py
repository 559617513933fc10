"""Qualification's cards on the staff home (see ``ercot_services.core.home_cards``): Retail Operations' letters and
the Flight Administrator's flights."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import TOP_ROWS, CardRow, HomeCard, card_from_queryset, register_card

from .models import Enrollment, EnrollmentStatus, FlightStatus, LetterDelivery, QualificationLetter
from .selectors import open_flights, retail_operations_queue

DEADLINE_WARNING = datetime.timedelta(days=7)


def _day(value: datetime.date) -> str:
    return format_date(value, "M j, Y")


@register_card("enrollments-ready", groups=[StaffGroup.RETAIL_OPERATIONS], mine=True, order=10)
def enrollments_ready(user, *, today):
    """Handed-over enrollments with nothing blocking their letter (the Retail Operations queue's first list)."""
    ready = retail_operations_queue()["ready"]
    return HomeCard(
        title="Enrollments ready for a letter",
        count=len(ready),
        rows=[
            CardRow(
                label=f"{row.enrollment.participant.short_name} · {row.enrollment.flight}",
                url=row.enrollment.get_absolute_url(),
                detail=row.enrollment.get_change_kind_display(),
            )
            for row in ready[:TOP_ROWS]
        ],
        list_url=reverse("workspace:retail-ops-queue"),
        list_label="The Retail Operations queue",
        empty_text="No enrollment is ready for a letter.",
    )


@register_card("letters-failed", groups=[StaffGroup.RETAIL_OPERATIONS], order=20)
def letters_failed(user, *, today):
    """Letters with at least one failed delivery, the newest first."""
    letters = (
        QualificationLetter.objects.filter(deliveries__status=LetterDelivery.Status.FAILED)
        .distinct()
        .select_related("enrollment__participant")
        .order_by("-issued_on", "-number")
    )
    return card_from_queryset(
        letters,
        title="Letters with a failed delivery",
        row=lambda letter: CardRow(
            label=f"{letter.number} · {letter.enrollment.participant.short_name}",
            url=letter.enrollment.get_absolute_url(),
            detail=f"Issued {_day(letter.issued_on)}",
            urgent=True,
        ),
        list_url=reverse("workspace:letters") + "?failed=1",
        list_label="All failed deliveries",
        empty_text="No letter delivery has failed.",
    )


@register_card("flights", groups=[StaffGroup.FLIGHT_ADMINISTRATOR], mine=True, order=10)
def flights_and_deadlines(user, *, today):
    """Planned, open and testing flights, the earliest first, with their application and registration deadlines."""

    def row(flight):
        deadline = flight.application_deadline
        return CardRow(
            label=str(flight),
            url=flight.get_absolute_url(),
            detail=(
                f"{flight.get_status_display()} · applications close {_day(deadline)}"
                f" · registration by {_day(flight.registration_deadline)}"
            ),
            urgent=flight.status != FlightStatus.TESTING and today <= deadline <= today + DEADLINE_WARNING,
        )

    return card_from_queryset(
        open_flights(),
        title="Flights and their deadlines",
        row=row,
        list_url=reverse("workspace:flights"),
        list_label="All flights",
        empty_text="No flight is planned, open or testing.",
    )


@register_card("enrollments-without-results", groups=[StaffGroup.FLIGHT_ADMINISTRATOR], order=20)
def enrollments_without_results(user, *, today):
    """Enrollments of flights in testing or completed that have no result recorded, the earliest flight end first."""
    enrollments = (
        Enrollment.objects.filter(
            status__in=[EnrollmentStatus.ENROLLED, EnrollmentStatus.TESTING],
            result__isnull=True,
            flight__status__in=[FlightStatus.TESTING, FlightStatus.COMPLETED],
        )
        .select_related("participant", "flight")
        .order_by("flight__end_date", "participant__short_name", "pk")
    )
    return card_from_queryset(
        enrollments,
        title="Enrollments without results",
        row=lambda enrollment: CardRow(
            label=f"{enrollment.participant.short_name} · {enrollment.flight}",
            url=enrollment.get_absolute_url(),
            detail=f"Testing ends {_day(enrollment.flight.end_date)}",
            urgent=enrollment.flight.end_date < today,
        ),
        list_url=reverse("workspace:flights"),
        list_label="All flights",
        empty_text="Every enrollment in testing has its result.",
    )
