"""The staff home's training cards (see ``ercot_services.core.home_cards``): sessions the user teaches, and the
training of the MPs in an Account Manager's book (recent completions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from accounts.selectors.participants import book_participant_ids
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card

from .models import CourseSession, Enrolment, SessionStatus
from .selectors import sessions_with_seats

TEACHERS = [StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD]


def _when(value) -> str:
    return format_date(timezone.localtime(value), "M j, g:i A")


@register_card("sessions-i-teach", groups=TEACHERS, mine=True, order=60)
def sessions_i_teach(user, *, today):
    sessions = sessions_with_seats(
        CourseSession.objects.filter(
            instructor=user, status=SessionStatus.SCHEDULED, ends_at__gte=timezone.now()
        ).select_related("course")
    ).order_by("starts_at", "pk")
    return card_from_queryset(
        sessions,
        title="Sessions I teach",
        row=lambda s: CardRow(
            label=s.course.title,
            url=reverse("workspace:course-session", args=[s.pk]),
            detail=f"{_when(s.starts_at)} · {s.seats_taken}/{s.capacity} seats",
        ),
        list_url=reverse("workspace:course-sessions"),
        list_label="All course sessions",
        empty_text="No session to teach coming up.",
    )


@register_card("book-training", groups=[StaffGroup.ACCOUNT_MANAGER], order=120)
def book_training(user, *, today):
    completions = (
        Enrolment.objects.completed()
        .filter(participant_id__in=book_participant_ids(user))
        .select_related("user", "participant", "session__course")
        .order_by("-completed_at", "-pk")
    )
    return card_from_queryset(
        completions,
        title="Training completed in my book",
        row=lambda e: CardRow(
            label=f"{e.participant.short_name} · {e.session.course.title}",
            url=reverse("workspace:participant-detail", args=[e.participant_id]) + "#training",
            detail=f"{e.user.full_name or e.user.email} · {_when(e.completed_at)}",
        ),
        list_url=reverse("workspace:course-sessions"),
        list_label="Course sessions",
        empty_text="Nobody in your book has completed a course yet.",
    )
