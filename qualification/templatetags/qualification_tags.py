"""``{% qualification_home_card %}``: the "Qualification" card of the portal home page.

A fixed number of queries: the latest enrollment (with its flight and letter), a count of letters, and the
open tasks (certificates not installed, a specification update requested, connectivity tests not passed).
"""

from django import template
from django.db.models import Exists, IntegerField, OuterRef, Subquery
from django.utils import timezone

from accounts.models import MarketParticipant
from accounts.selectors import scope_to_user

from ..headlines import enrollment_headline
from ..models import (
    CertificateRequest,
    CertificateStatus,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    EnrollmentStatus,
    QualificationLetter,
)
from ..services.criteria import criteria_applies, criteria_evaluate

register = template.Library()


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _task_counts(user, participant) -> dict:
    """Letters, certificates not installed, a specification update requested, connectivity tests not passed: one
    query (zero when ``user`` may not see the MP)."""
    counted = (
        scope_to_user(MarketParticipant.objects.filter(pk=participant.pk), user, path="pk")
        .annotate(
            letters=_SubqueryCount(
                QualificationLetter.objects.filter(enrollment__participant=OuterRef("pk")).order_by().values("pk")
            ),
            certificates=_SubqueryCount(
                CertificateRequest.objects.filter(participant=OuterRef("pk"))
                .exclude(status=CertificateStatus.INSTALLED)
                .order_by()
                .values("pk")
            ),
            tests=_SubqueryCount(
                ConnectivityTest.objects.filter(participant=OuterRef("pk"))
                .exclude(status=ConnectivityTest.Status.PASSED)
                .order_by()
                .values("pk")
            ),
            spec_requested=Exists(
                ConnectivitySpec.objects.filter(participant=OuterRef("pk"), status=ConnectivitySpec.Status.REQUESTED)
            ),
        )
        .values("letters", "certificates", "tests", "spec_requested")
        .first()
    )
    return counted or {"letters": 0, "certificates": 0, "tests": 0, "spec_requested": False}


@register.inclusion_tag("portal/qualification/_home_card_body.html", takes_context=True)
def qualification_home_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"card": None}
    return qualification_home_card_context(request.user, participant)


def qualification_home_card_context(user, participant) -> dict:
    """What the portal home's Qualification card shows, in two queries (plus the criteria of a handed-over MP)."""
    latest = (
        scope_to_user(Enrollment.objects.filter(participant=participant), user)
        .select_related("flight", "result", "letter")
        .order_by("-flight__start_date", "-created_at")
        .first()
    )
    counts = _task_counts(user, participant)
    letters, spec_requested = counts["letters"], counts["spec_requested"]
    open_tasks = counts["certificates"] + int(spec_requested) + counts["tests"]
    if latest is None and not letters and not open_tasks:
        return {"card": None}
    headline, blocked = None, False
    if latest is not None:
        latest.participant = participant
        blocked = (
            latest.status == EnrollmentStatus.HANDED_OVER
            and criteria_applies(latest)
            and not all(c.met for c in criteria_evaluate(participant))
        )
        headline, _explanation, _tone = enrollment_headline(latest, blocked=blocked, today=timezone.localdate())
    return {
        "card": {
            "latest": latest,
            "headline": headline,
            "letters": letters,
            "open_tasks": open_tasks,
            "spec_requested": spec_requested,
            "blocked": latest is not None and blocked,
        },
        "participant": participant,
    }
