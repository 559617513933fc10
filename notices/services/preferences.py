"""An address's notice lists as its owner changes them: public subscriptions and the lists it belongs to by a
contact role, from the signed preferences page (no sign-in) or the portal. Each change is an audit event on the list.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import ContactListOptOut, DistributionList, Subscription, Suppression


def _record(*, actor: User | None, distribution_list: DistributionList, email: str, words: str, receives: bool):
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_PREFERENCES_UPDATED,
        target=distribution_list,
        changes={"receives": (not receives, receives)},
        reason=f"{email}: {words}",
    )


@transaction.atomic
def contact_list_opt_out_set(
    *,
    actor: User | None,
    email: str,
    distribution_list: DistributionList,
    opted_out: bool,
    was_opted_out: bool | None = None,
) -> list[str]:
    """Opt an MP contact out of (or back into) a list they belong to by role; what changed, in words.

    ``was_opted_out``: the state the caller already read (read here when ``None``).
    """
    email = email.strip().lower()
    if was_opted_out is None:
        was_opted_out = ContactListOptOut.objects.filter(
            distribution_list=distribution_list, email__iexact=email
        ).exists()
    if opted_out == was_opted_out:
        return []
    if opted_out:
        ContactListOptOut.objects.get_or_create(distribution_list=distribution_list, email=email)
        words = f"left {distribution_list.name}"
    else:
        ContactListOptOut.objects.filter(distribution_list=distribution_list, email__iexact=email).delete()
        words = f"rejoined {distribution_list.name}"
    _record(actor=actor, distribution_list=distribution_list, email=email, words=words, receives=not opted_out)
    return [words]


def _subscription_set(*, actor: User | None, subscription: Subscription, wanted: bool, now) -> list[str]:
    """Unsubscribe a confirmed subscription, or bring an unsubscribed one back (it was confirmed once)."""
    dl = subscription.distribution_list
    if wanted and subscription.status == Subscription.Status.UNSUBSCRIBED:
        Subscription.objects.filter(pk=subscription.pk).update(
            status=Subscription.Status.CONFIRMED, unsubscribed_at=None
        )
        words = f"resubscribed to {dl.name}"
    elif not wanted and subscription.status == Subscription.Status.CONFIRMED:
        Subscription.objects.filter(pk=subscription.pk).update(
            status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now
        )
        words = f"unsubscribed from {dl.name}"
    else:
        return []
    _record(actor=actor, distribution_list=dl, email=subscription.email, words=words, receives=wanted)
    return [words]


@transaction.atomic
def notice_preferences_update(
    *,
    actor: User | None,
    email: str,
    subscriptions: Mapping[Subscription, bool],
    role_lists: Mapping[DistributionList, bool],
) -> list[str]:
    """Apply the preferences page's choices for ``email`` (``True``: receive the list); what changed, in words.

    ``subscriptions``: the address's confirmed public subscriptions; ``role_lists``: the lists it belongs to by a
    contact role. Choosing to receive any list lifts an earlier "unsubscribe from all" (never a bounce or a
    complaint).
    """
    email = email.strip().lower()
    if any(subscription.email.strip().lower() != email for subscription in subscriptions):
        raise DomainError("These preferences are for another address.", code=NoticeErrorCode.PERMISSION_DENIED)
    now = timezone.now()
    changes = []
    for subscription, wanted in subscriptions.items():
        changes += _subscription_set(actor=actor, subscription=subscription, wanted=wanted, now=now)
    opted_out = set(
        ContactListOptOut.objects.filter(email__iexact=email).values_list("distribution_list_id", flat=True)
    )
    for distribution_list, wanted in role_lists.items():
        changes += contact_list_opt_out_set(
            actor=actor,
            email=email,
            distribution_list=distribution_list,
            opted_out=not wanted,
            was_opted_out=distribution_list.pk in opted_out,
        )
    if any(subscriptions.values()) or any(role_lists.values()):
        changes += _lift_unsubscribe_from_all(actor=actor, email=email)
    return changes


def _lift_unsubscribe_from_all(*, actor: User | None, email: str) -> list[str]:
    lifted = list(Suppression.objects.filter(email__iexact=email, reason=Suppression.Reason.UNSUBSCRIBED))
    for suppression in lifted:
        audit_record(
            actor=actor,
            verb=NoticeEvent.NOTICE_PREFERENCES_UPDATED,
            target=suppression,
            changes={"suppressed": (True, False)},
            reason=f"{email}: emails are sent to this address again",
        )
        suppression.delete()
    return ["emails are sent to this address again"] if lifted else []
