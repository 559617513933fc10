"""Registration's cards on the staff home (see ``ercot_services.core.home_cards``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card

from .models import Application, ApplicationStatus

# The statuses in which the next step is the reviewer's (an information request waits on the MP).
AWAITING_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED, ApplicationStatus.UNDER_REVIEW)


@register_card("registrations-to-review", groups=[StaffGroup.RETAIL_OPERATIONS], order=30)
def registrations_to_review(user, *, today):
    """Applications whose next step is the reviewer's, the soonest review clock first."""

    def row(application):
        due = application.due_on
        return CardRow(
            label=f"{application.reference} · {application.participant.short_name}",
            url=application.get_absolute_url(),
            detail=f"{application.get_status_display()} · due {format_date(due, 'M j')}" if due else "No clock yet",
            urgent=bool(due and due <= today),
        )

    return card_from_queryset(
        Application.objects.filter(status__in=AWAITING_REVIEW).select_related("participant").order_by("due_on", "pk"),
        title="Registrations to review",
        row=row,
        list_url=reverse("workspace:applications") + "?status=open",
        list_label="All open registrations",
        empty_text="No registration is waiting for review.",
    )
