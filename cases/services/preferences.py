"""Which case emails a person receives (their ``NotificationPreference``; no row means all of them)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from ercot_services.core.audit import audit_record

from ..events import CaseEvent
from ..models import NotificationPreference


@transaction.atomic
def notification_preferences_update(*, actor: User, values: dict[str, bool]) -> NotificationPreference:
    """Store the actor's own choices (``on_submission``, ``on_reply``, ...) and audit what changed."""
    existing = NotificationPreference.objects.select_for_update().filter(user=actor).first()
    before = existing or NotificationPreference(user=actor)
    changes = {name: (getattr(before, name), new) for name, new in values.items() if getattr(before, name) != new}
    preference, _created = NotificationPreference.objects.update_or_create(user=actor, defaults=values)
    if changes or existing is None:
        audit_record(actor=actor, verb=CaseEvent.NOTIFICATION_PREFERENCES_UPDATED, target=preference, changes=changes)
    return preference
