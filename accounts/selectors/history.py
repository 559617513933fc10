"""What the audit trail holds about an MP and about a person."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from ercot_services.core.models import AuditEvent

from ..events import SECURITY_EVENTS
from ..models import Membership, User


def participant_history(participant) -> QuerySet[AuditEvent]:
    """Every event about an MP, newest first.

    Events tied to the MP, and the security events (sign-ins, factors, sessions) of its people who act for several
    MPs: those belong to no single MP (``security_event_participant``), so each of their MPs shows them.
    """
    member_ids = (
        Membership.objects.filter(participant=participant).annotate(key=Cast("user_id", CharField())).values("key")
    )
    return AuditEvent.objects.filter(
        Q(participant=participant)
        | Q(
            participant__isnull=True,
            verb__in=SECURITY_EVENTS,
            target_content_type=ContentType.objects.get_for_model(User),
            target_object_id__in=member_ids,
        )
    )


def security_history(user) -> QuerySet[AuditEvent]:
    """A person's own security events (sign-ins, failures, lockouts, factor and session changes), newest first."""
    return AuditEvent.objects.for_object(user).filter(verb__in=SECURITY_EVENTS)
