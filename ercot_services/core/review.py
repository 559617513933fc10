"""Four eyes: what a second person approves, its author cannot (market notices, knowledge base articles)."""

from __future__ import annotations

from .models import DomainError


def check_four_eyes(*, actor, author_id: int | None, message: str, code=None) -> None:
    """Refuse (``DomainError`` with ``code``) when ``actor`` wrote what they are about to approve."""
    if author_id is not None and author_id == getattr(actor, "pk", None):
        raise DomainError(message, code=code)


def may_approve(user, author_id: int | None) -> bool:
    """The same rule for templates and views: someone other than the author."""
    return user is not None and user.is_authenticated and author_id != user.pk
