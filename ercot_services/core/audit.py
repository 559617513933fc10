"""Writing audit events. Services call these inside their own transaction."""

from __future__ import annotations

import contextvars
import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

# What every event recorded in the current context also names (``audit_context``), e.g. the API key a call came
# through: services take a person as the actor, and keep their signatures when a new channel calls them.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("audit_context", default=None)


@contextmanager
def audit_context(**values: Any) -> Iterator[None]:
    """Inside the block, every event also records each of ``values`` in its changes, as ``(None, value)``."""
    token = _context.set({**(_context.get() or {}), **values})
    try:
        yield
    finally:
        _context.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def audit_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict[str, tuple[Any, Any]] | None = None,
    reason: str = "",
    participant=None,
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one audit event. ``changes`` maps a field to ``(old, new)`` (plus what ``audit_context`` names);
    ``at`` defaults to now."""
    if participant is None:
        participant = _participant_of(target)
    changes = {**{field: (None, value) for field, value in (_context.get() or {}).items()}, **(changes or {})}
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_object_id=str(target.pk),
        target_repr=str(target)[:255],
        participant=participant,
        changes={field: [_jsonable(old), _jsonable(new)] for field, (old, new) in changes.items()},
        reason=reason,
        **({"created_at": at} if at else {}),
    )


def _participant_of(target):
    """The MP an event concerns: the target itself, or the target's ``participant``."""
    if isinstance(target, apps.get_model(settings.PARTICIPANT_MODEL)):
        return target
    return getattr(target, "participant", None)


def apply_changes(instance: models.Model, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set ``values`` on ``instance`` and return the fields that really changed as ``{field: (old, new)}``."""
    changed = {}
    for field, new in values.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = (old, new)
            setattr(instance, field, new)
    return changed
