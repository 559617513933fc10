"""Who receives a notice: its lists (chosen and routed by type), their subscribers and role contacts, and the
outbox rows written at publication."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Membership

from ..models import ContactListOptOut, DistributionList, Notice, NoticeDelivery, Subscription, Suppression
from ..selectors import participants_addressed_by


def lists_for(notice: Notice) -> list[DistributionList]:
    """The lists chosen on the notice plus every list its type is routed to."""
    return list(
        DistributionList.objects.filter(Q(notices=notice) | Q(notice_types=notice.notice_type_id))
        .distinct()
        .order_by("name")
    )


def recipients_for(notice: Notice) -> dict[str, DistributionList]:
    """Every address that should receive the notice, de-duplicated, mapped to the first list naming it.

    Confirmed public subscribers of the lists, plus the contacts whose role the list carries of the MPs the
    notice is addressed to (``Notice.objects.addressed_to``), minus each list's opt-outs and the suppression list.
    """
    addressed = participants_addressed_by(notice)
    suppressed = set(Suppression.objects.values_list("email", flat=True))
    result: dict[str, DistributionList] = {}
    for dl in lists_for(notice):
        opted_out = set(ContactListOptOut.objects.filter(distribution_list=dl).values_list("email", flat=True))
        addresses = set(
            Subscription.objects.filter(distribution_list=dl, status=Subscription.Status.CONFIRMED).values_list(
                "email", flat=True
            )
        )
        if dl.contact_roles:
            contacts = Membership.objects.active().filter(
                contact_role__in=dl.contact_roles, user__is_active=True, participant__in=addressed
            )
            addresses |= set(contacts.values_list("user__email", flat=True))
        for address in sorted(a.lower() for a in addresses):
            if address not in suppressed and address not in opted_out and address not in result:
                result[address] = dl
    return result


def _write_deliveries(notice: Notice) -> int:
    rows = [
        NoticeDelivery(notice=notice, email=email, distribution_list=dl) for email, dl in recipients_for(notice).items()
    ]
    NoticeDelivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
