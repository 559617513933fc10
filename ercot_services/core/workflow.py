"""Moving an object along its status transition map, with a refusal a person can act on."""

from __future__ import annotations

from django.db import models

from .models import DomainError


def move_status(
    obj: models.Model,
    to_status: str,
    *,
    transitions: dict[str, frozenset[str]],
    statuses: type[models.TextChoices],
    subject: str,
) -> str:
    """Set ``obj.status`` to ``to_status`` if the map allows it and return the old status.

    ``subject`` names the object in the message, e.g. ``"REG-2026-00012"`` or ``"This enrollment"``.
    """
    old = obj.status
    if to_status not in transitions.get(old, frozenset()):
        allowed = ", ".join(statuses(s).label for s in sorted(transitions.get(old, ()))) or "none (final)"
        raise DomainError(
            f"{subject} is {statuses(old).label}: it cannot become {statuses(to_status).label}. Allowed next: {allowed}."
        )
    obj.status = to_status
    return old
