"""``{% qualification_home_card %}``: the "Qualification" card of the portal home page.

A fixed number of queries: the latest enrollment (with its flight and letter), a count of letters, and the
open tasks (certificates not installed, a specification update requested, connectivity tests not passed).
"""

from django import template
from django.utils import timezone

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


@register.inclusion_tag("portal/qualification/_home_card_body.html", takes_context=True)
def qualification_home_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"card": None}
    user = request.user
    latest = (
        scope_to_user(Enrollment.objects.filter(participant=participant), user)
        .select_related("flight", "result", "letter")
        .order_by("-flight__start_date", "-created_at")
        .first()
    )
    letters = scope_to_user(
        QualificationLetter.objects.filter(enrollment__participant=participant), user, path="enrollment__participant"
    ).count()
    spec_requested = (
        scope_to_user(ConnectivitySpec.objects.filter(participant=participant), user)
        .filter(status=ConnectivitySpec.Status.REQUESTED)
        .exists()
    )
    open_tasks = (
        scope_to_user(CertificateRequest.objects.filter(participant=participant), user)
        .exclude(status=CertificateStatus.INSTALLED)
        .count()
        + int(spec_requested)
        + scope_to_user(ConnectivityTest.objects.filter(participant=participant), user)
        .exclude(status=ConnectivityTest.Status.PASSED)
        .count()
    )
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
