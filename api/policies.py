"""Who manages an MP's API keys: its own active User Security Administrator, nobody else (staff would see the
secret of a key that acts as the MP)."""

from __future__ import annotations

from accounts.policies import is_security_administrator
from ercot_services.core.permissions import ActionNotAllowed


def can_manage_api_keys(user, participant) -> bool:
    return is_security_administrator(user, participant)


def check_manage_api_keys(actor, participant) -> None:
    if not can_manage_api_keys(actor, participant):
        raise ActionNotAllowed(f"Only a User Security Administrator of {participant} manages its API keys.")


def can_manage_webhooks(user, participant) -> bool:
    """Webhook endpoints follow the API keys' rule: their secrets sign as the MP's systems expect."""
    return can_manage_api_keys(user, participant)


def check_manage_webhooks(actor, participant) -> None:
    if not can_manage_webhooks(actor, participant):
        raise ActionNotAllowed(f"Only a User Security Administrator of {participant} manages its webhooks.")
