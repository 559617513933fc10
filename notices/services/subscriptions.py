"""Public subscriptions (double opt-in), one-click unsubscribe and the suppression list."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue

from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import ContactListOptOut, DistributionList, NoticeDelivery, Subscription, Suppression
from ..selectors import lists_left_by_unsubscribe, role_lists_for_email

CONFIRMATION_MAX_AGE = 48 * 3600
CONFIRMATION_RESEND_INTERVAL = datetime.timedelta(hours=1)
_SUBSCRIBE_SALT = "notices.subscribe"


def _subscribe_token(subscription: Subscription) -> str:
    return signing.TimestampSigner(salt=_SUBSCRIBE_SALT).sign(str(subscription.pk))


def _link_still_valid(token: str) -> bool:
    try:
        signing.TimestampSigner(salt=_SUBSCRIBE_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


@transaction.atomic
def subscription_request(*, email: str, distribution_list: DistributionList) -> Subscription:
    """Double opt-in: store a pending subscription and email a confirmation link valid for 48 hours.

    At most one link per address and list is live: while it is valid, asking again re-sends that same link, and
    only when the last sending is ``CONFIRMATION_RESEND_SECONDS`` old, so the form cannot flood an inbox. An
    address already subscribed is sent nothing. The caller's answer is the same in every case.
    """
    if not distribution_list.is_public:
        raise DomainError(
            f"{distribution_list} is not open to public subscription.", code=NoticeErrorCode.LIST_NOT_PUBLIC
        )
    email = email.strip().lower()
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        distribution_list=distribution_list, email=email
    )
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    now = timezone.now()
    if subscription.status == Subscription.Status.PENDING and _link_still_valid(subscription.confirmation_token):
        if subscription.confirmation_sent_at and now - subscription.confirmation_sent_at < CONFIRMATION_RESEND_INTERVAL:
            return subscription
        token = subscription.confirmation_token
    else:
        token = _subscribe_token(subscription)
    subscription.status = Subscription.Status.PENDING
    subscription.confirmation_token, subscription.confirmation_sent_at = token, now
    subscription.save(update_fields=["status", "confirmation_token", "confirmation_sent_at", "updated_at"])
    from django.urls import reverse

    link = settings.SITE_URL + reverse("notices:confirm", args=[token])
    email_queue(
        key=f"subscribe:{subscription.pk}:{now:%Y%m%d%H%M%S%f}",
        to=[email],
        subject=f"Confirm your subscription to {distribution_list.name}",
        body=(
            f"Someone (hopefully you) asked to receive ERCOT market notices from {distribution_list.name} at {email}.\n\n"
            f"Confirm by opening this link (it expires 48 hours after it was first sent):\n{link}\n\n"
            "If you did not ask for this, ignore this email."
        ),
    )
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    try:
        pk = signing.TimestampSigner(salt=_SUBSCRIBE_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise DomainError(
            "This confirmation link has expired (links last 48 hours). Subscribe again.",
            code=NoticeErrorCode.EXPIRED_LINK,
        ) from error
    except signing.BadSignature as error:
        raise DomainError("This confirmation link is not valid.", code=NoticeErrorCode.INVALID_LINK) from error
    subscription = Subscription.objects.select_for_update().get(pk=int(pk))
    if subscription.status != Subscription.Status.CONFIRMED:
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at", "updated_at"])
        Suppression.objects.filter(email=subscription.email, reason=Suppression.Reason.UNSUBSCRIBED).delete()
    return subscription


@dataclasses.dataclass(frozen=True)
class Unsubscribed:
    delivery: NoticeDelivery
    lists: list[DistributionList]


@transaction.atomic
def unsubscribe_by_token(*, token: str) -> Unsubscribed:
    """RFC 8058 one-click: the recipient leaves, at once, every list through which this notice's thread reaches it.

    A public subscription is marked unsubscribed; an MP contact's role membership gets an opt-out.
    """
    delivery = NoticeDelivery.objects.select_related("distribution_list", "notice").filter(token=token).first()
    if delivery is None:
        raise DomainError("This unsubscribe link is not valid.", code=NoticeErrorCode.INVALID_LINK)
    lists = lists_left_by_unsubscribe(delivery)
    by_role = {item.distribution_list.pk for item in role_lists_for_email(delivery.email)}
    now = timezone.now()
    for dl in lists:
        Subscription.objects.filter(distribution_list=dl, email__iexact=delivery.email).exclude(
            status=Subscription.Status.UNSUBSCRIBED
        ).update(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
        if dl.pk in by_role:
            ContactListOptOut.objects.get_or_create(distribution_list=dl, email=delivery.email)
    if lists:
        audit_record(
            actor=None,
            verb=NoticeEvent.NOTICE_UNSUBSCRIBED,
            target=delivery,
            changes={"lists": (None, [dl.name for dl in lists])},
        )
    return Unsubscribed(delivery=delivery, lists=lists)


@transaction.atomic
def suppression_add(*, email: str, reason: str, detail: str = "", actor=None) -> Suppression:
    """Stop all notice email to ``email`` (a hard bounce, a complaint, an unsubscribe from everything): its pending
    deliveries fail as suppressed, and the audit trail says why and how many were stopped."""
    address = email.strip().lower()
    previous = Suppression.objects.filter(email=address).values_list("reason", flat=True).first()
    suppression, _ = Suppression.objects.update_or_create(email=address, defaults={"reason": reason, "detail": detail})
    stopped = NoticeDelivery.objects.filter(email=suppression.email, status=NoticeDelivery.Status.PENDING).update(
        status=NoticeDelivery.Status.FAILED, last_error=f"Suppressed: {suppression.get_reason_display()}"
    )
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_ADDRESS_SUPPRESSED,
        target=suppression,
        changes={"reason": (previous, suppression.reason), "pending_deliveries_stopped": (None, stopped)},
        reason=detail,
    )
    return suppression
