"""Market notice services: drafting, four-eyes approval, publication with the operator's notice IDs,
updates and cancellations on the same thread, and the recipient outbox the fan-out tasks send.
"""

from __future__ import annotations

import dataclasses
import datetime
import string
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import MarketParticipant, MarketRole, Membership, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.uploads import CheckedUpload
from ercot_services.core.workflow import move_status

from . import policies
from .error_codes import NoticeErrorCode
from .events import NoticeEvent
from .models import (
    NOTICE_TRANSITIONS,
    Acknowledgement,
    ContactListOptOut,
    DistributionList,
    Notice,
    NoticeAttachment,
    NoticeDelivery,
    NoticeStatus,
    NoticeThread,
    NoticeType,
    Subscription,
    Suppression,
)
from .selectors import lists_left_by_unsubscribe, role_lists_for_email

EDITABLE_FIELDS = {
    "notice_type",
    "scope",
    "short_description",
    "days_affected",
    "long_description",
    "action_required",
    "additional_information",
    "contact",
}
CONFIRMATION_MAX_AGE = 48 * 3600
CONFIRMATION_RESEND_INTERVAL = datetime.timedelta(hours=1)
_SUBSCRIBE_SALT = "notices.subscribe"


def default_contact() -> str:
    return (
        "If you have any questions, please contact your ERCOT Account Manager. You may also call the general "
        f"ERCOT Client Services phone number at {settings.CLIENT_SERVICES_PHONE} or contact ERCOT Client Services "
        f"via email at {settings.CLIENT_SERVICES_EMAIL}."
    )


def is_publisher(user: User) -> bool:
    return policies.can_publish(user)


def _move(notice: Notice, to_status: str) -> str:
    return move_status(notice, to_status, transitions=NOTICE_TRANSITIONS, statuses=NoticeStatus, subject="The notice")


# --- drafting and approval ------------------------------------------------------------------------


@transaction.atomic
def notice_create(
    *,
    actor: User,
    notice_type: NoticeType,
    short_description: str,
    long_description: str,
    scope: str = "M",
    days_affected: str = "",
    action_required: str = "",
    additional_information: str = "",
    contact: str = "",
    audience_codes: Iterable[str] = (),
    lists: Iterable[DistributionList] = (),
    previous: Notice | None = None,
    kind: str = Notice.Kind.ORIGINAL,
) -> Notice:
    policies.check_publish(actor, "Only Notice Publishers draft market notices.")
    notice = Notice(
        notice_type=notice_type,
        scope=scope,
        short_description=short_description.strip(),
        long_description=long_description.strip(),
        days_affected=days_affected.strip(),
        action_required=action_required.strip(),
        additional_information=additional_information.strip(),
        contact=contact.strip() or default_contact(),
        author=actor,
        previous=previous,
        kind=kind,
    )
    try:
        notice.full_clean(exclude=["thread", "number"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=NoticeErrorCode.INVALID) from error
    notice.save()
    notice.audience.set(MarketRole.objects.filter(code__in=list(audience_codes)))
    notice.lists.set(list(lists))
    audit_record(actor=actor, verb=NoticeEvent.NOTICE_DRAFTED, target=notice, changes={"kind": (None, kind)})
    return notice


@transaction.atomic
def notice_update(
    *,
    actor: User,
    notice: Notice,
    audience_codes: Iterable[str] | None = None,
    lists: Iterable[DistributionList] | None = None,
    **fields,
) -> Notice:
    policies.check_publish(actor, "Only Notice Publishers edit market notices.")
    if notice.status not in (NoticeStatus.DRAFT,):
        raise DomainError("Only a draft can be edited: return it to draft first.", code=NoticeErrorCode.NOT_A_DRAFT)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}.", code=NoticeErrorCode.UNKNOWN_FIELD)
    changes = {name: (getattr(notice, name), value) for name, value in fields.items() if getattr(notice, name) != value}
    for name, value in fields.items():
        setattr(notice, name, value)
    try:
        notice.full_clean(exclude=["thread", "number"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=NoticeErrorCode.INVALID) from error
    notice.save()
    if audience_codes is not None:
        notice.audience.set(MarketRole.objects.filter(code__in=list(audience_codes)))
    if lists is not None:
        notice.lists.set(list(lists))
    if changes:
        audit_record(actor=actor, verb=NoticeEvent.NOTICE_EDITED, target=notice, changes=changes)
    return notice


@transaction.atomic
def notice_attach(*, actor: User, notice: Notice, upload: CheckedUpload) -> NoticeAttachment:
    """Add a file to a draft; it is published with the notice and linked from the archive and emails."""
    policies.check_publish(actor, "Only Notice Publishers add attachments.")
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("Attachments can only be added to a draft.", code=NoticeErrorCode.NOT_A_DRAFT)
    attachment = NoticeAttachment(
        notice=notice,
        original_name=upload.safe_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.safe_name, upload.file, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_ATTACHMENT_ADDED,
        target=notice,
        changes={"attachment": (None, upload.safe_name)},
    )
    return attachment


@transaction.atomic
def notice_detach(*, actor: User, attachment: NoticeAttachment) -> None:
    notice = attachment.notice
    if not is_publisher(actor) or notice.status != NoticeStatus.DRAFT:
        raise DomainError(
            "Attachments can only be removed from a draft, by a Notice Publisher.",
            code=NoticeErrorCode.PERMISSION_DENIED,
        )
    name = attachment.original_name
    attachment.delete()
    audit_record(
        actor=actor, verb=NoticeEvent.NOTICE_ATTACHMENT_REMOVED, target=notice, changes={"attachment": (name, None)}
    )


@transaction.atomic
def notice_submit_for_review(*, actor: User, notice: Notice) -> Notice:
    policies.check_publish(actor, "Only a Notice Publisher can submit a notice for review.")
    old = _move(notice, NoticeStatus.IN_REVIEW)
    notice.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, verb=NoticeEvent.NOTICE_SUBMITTED, target=notice, changes={"status": (old, notice.status)}
    )
    return notice


@transaction.atomic
def notice_return_to_draft(*, actor: User, notice: Notice, reason: str) -> Notice:
    policies.check_publish(actor, "Only a Notice Publisher can return a notice to draft.")
    if not reason.strip():
        raise DomainError("Say what needs to change.", code=NoticeErrorCode.REASON_REQUIRED)
    old = _move(notice, NoticeStatus.DRAFT)
    notice.approver, notice.approved_at, notice.scheduled_for = None, None, None
    notice.save()
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_RETURNED,
        target=notice,
        changes={"status": (old, notice.status)},
        reason=reason,
    )
    return notice


@transaction.atomic
def notice_approve(*, actor: User, notice: Notice) -> Notice:
    """Four eyes: a Notice Publisher other than the author approves."""
    policies.check_publish(actor, "Only a Notice Publisher can approve a notice.")
    if notice.author_id == actor.pk:
        raise DomainError(
            "A notice must be approved by a different Notice Publisher than its author.",
            code=NoticeErrorCode.SAME_APPROVER,
        )
    old = _move(notice, NoticeStatus.APPROVED)
    notice.approver, notice.approved_at = actor, timezone.now()
    notice.save()
    audit_record(actor=actor, verb=NoticeEvent.NOTICE_APPROVED, target=notice, changes={"status": (old, notice.status)})
    return notice


@transaction.atomic
def notice_schedule(*, actor: User, notice: Notice, when: datetime.datetime) -> Notice:
    """Publication at ``when`` is picked up by the beat check, not by a long Celery ETA."""
    # The beat check later publishes with no actor, so scheduling is where the publisher check must happen.
    policies.check_publish(actor, "Only a Notice Publisher can schedule a notice.")
    if when <= timezone.now():
        raise DomainError("Choose a time in the future, or publish now.", code=NoticeErrorCode.INVALID_SCHEDULE)
    old = _move(notice, NoticeStatus.SCHEDULED)
    notice.scheduled_for = when
    notice.save()
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_SCHEDULED,
        target=notice,
        changes={"status": (old, notice.status), "scheduled_for": (None, when)},
    )
    return notice


# --- notice IDs ---------------------------------------------------------------------------------------


def thread_letter(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA: the n-th thread of a scope opened on a day."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return letters


def notice_id_for(thread: NoticeThread, number: int) -> str:
    return f"{thread.scope}-{thread.letter}{thread.opened_on:%m%d%y}-{number:02d}"


def _open_thread(scope: str, day: datetime.date) -> NoticeThread:
    """A new thread with the next free letter; two publishers racing get different letters."""
    for _ in range(30):
        taken = NoticeThread.objects.filter(scope=scope, opened_on=day).exclude(letter="").count()
        try:
            with transaction.atomic():
                return NoticeThread.objects.create(scope=scope, opened_on=day, letter=thread_letter(taken + 1))
        except IntegrityError:
            continue
    raise DomainError("Could not open a notice thread; try publishing again.", code=NoticeErrorCode.THREAD_UNAVAILABLE)


def _assign_id(notice: Notice, day: datetime.date) -> None:
    if notice.previous_id:
        thread = NoticeThread.objects.select_for_update().get(pk=notice.previous.thread_id)
    else:
        thread = _open_thread(notice.scope, day)
        thread = NoticeThread.objects.select_for_update().get(pk=thread.pk)
    thread.last_number += 1
    thread.save(update_fields=["last_number"])
    notice.thread, notice.number = thread, thread.last_number
    notice.notice_id = notice_id_for(thread, thread.last_number)


# --- publication and recipients ----------------------------------------------------------------------


def lists_for(notice: Notice) -> list[DistributionList]:
    """The lists chosen on the notice plus every list its type is routed to."""
    return list(
        DistributionList.objects.filter(Q(notices=notice) | Q(notice_types=notice.notice_type_id))
        .distinct()
        .order_by("name")
    )


def recipients_for(notice: Notice) -> dict[str, DistributionList]:
    """Every address that should receive the notice, de-duplicated, mapped to the first list naming it.

    Confirmed public subscribers of the lists, plus MP contacts whose role the
    list carries (limited to MPs in the intended audience when one is set),
    minus each list's opt-outs and the suppression list.
    """
    audience = list(notice.audience.values_list("pk", flat=True))
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
            contacts = Membership.objects.active().filter(contact_role__in=dl.contact_roles, user__is_active=True)
            if audience:
                contacts = contacts.filter(participant__roles__in=audience)
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


@transaction.atomic
def notice_publish(*, actor: User | None, notice: Notice, now: datetime.datetime | None = None) -> Notice:
    """Number the notice, publish it to the archive and write its outbox; the fan-out starts after commit."""
    now = now or timezone.now()
    notice = Notice.objects.select_for_update(of=("self",)).select_related("previous").get(pk=notice.pk)
    if notice.status == NoticeStatus.PUBLISHED:
        return notice  # publishing again sends nothing new
    if actor is not None:  # None: the beat publishing a notice a publisher scheduled
        policies.check_publish(actor, "Only a Notice Publisher can publish.")
    if (
        notice.status == NoticeStatus.SCHEDULED
        and notice.scheduled_for
        and notice.scheduled_for > now
        and actor is None
    ):
        raise DomainError("It is not time to publish this scheduled notice yet.", code=NoticeErrorCode.INVALID_SCHEDULE)
    old = _move(notice, NoticeStatus.PUBLISHED)
    day = timezone.localdate(now)
    _assign_id(notice, day)
    notice.notice_date = day
    notice.published_at = now
    notice.save()
    count = _write_deliveries(notice)
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_PUBLISHED,
        target=notice,
        changes={"status": (old, notice.status), "notice_id": (None, notice.notice_id), "recipients": (None, count)},
        at=now,
    )
    from .tasks import fan_out_notice

    transaction.on_commit(lambda: fan_out_notice.delay(notice_id=notice.pk), robust=True)
    return notice


def publish_due_notices(*, now: datetime.datetime | None = None) -> int:
    """Beat: publish scheduled notices whose time has come."""
    now = now or timezone.now()
    due = Notice.objects.filter(status=NoticeStatus.SCHEDULED, scheduled_for__lte=now).values_list("pk", flat=True)
    published = 0
    for pk in list(due):
        notice_publish(actor=None, notice=Notice(pk=pk), now=now)
        published += 1
    return published


@transaction.atomic
def notice_follow_up(*, actor: User, previous: Notice, kind: str) -> Notice:
    """Draft an update (next number on the thread) or a cancellation of a published notice."""
    policies.check_publish(actor, "Only Notice Publishers draft updates and cancellations.")
    if not previous.is_published:
        raise DomainError("Only a published notice can be updated or cancelled.", code=NoticeErrorCode.NOT_PUBLISHED)
    if kind not in (Notice.Kind.UPDATE, Notice.Kind.CANCELLATION):
        raise DomainError("Choose an update or a cancellation.", code=NoticeErrorCode.FOLLOW_UP_REQUIRED)
    if previous.thread.notices.filter(kind=Notice.Kind.CANCELLATION, status=NoticeStatus.PUBLISHED).exists():
        raise DomainError(f"The thread of {previous.notice_id} was cancelled.", code=NoticeErrorCode.THREAD_CANCELLED)
    long_description = previous.long_description
    short = previous.short_description
    if kind == Notice.Kind.CANCELLATION:
        short = f"CANCELLATION: {previous.short_description}"
        long_description = (
            f"**CANCELLATION: Please disregard Market Notice {previous.notice_id}.**\n\n{previous.long_description}"
        )
    notice = notice_create(
        actor=actor,
        notice_type=previous.notice_type,
        scope=previous.scope,
        short_description=short[:255],
        long_description=long_description,
        days_affected=previous.days_affected,
        action_required="" if kind == Notice.Kind.CANCELLATION else previous.action_required,
        additional_information=previous.additional_information,
        contact=previous.contact,
        audience_codes=previous.audience.values_list("code", flat=True),
        lists=previous.lists.all(),
        previous=previous,
        kind=kind,
    )
    NoticeAttachment.objects.bulk_create(
        [
            NoticeAttachment(
                notice=notice,
                file=a.file.name,
                original_name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                uploaded_by=actor,
            )
            for a in previous.attachments.all()
        ]
    )
    return notice


# --- subscriptions, unsubscribe, suppression ----------------------------------------------------------


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
def suppression_add(*, email: str, reason: str, detail: str = "") -> Suppression:
    suppression, _ = Suppression.objects.update_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail}
    )
    NoticeDelivery.objects.filter(email=suppression.email, status=NoticeDelivery.Status.PENDING).update(
        status=NoticeDelivery.Status.FAILED, last_error=f"Suppressed: {suppression.get_reason_display()}"
    )
    return suppression


# --- acknowledgements -------------------------------------------------------------------------------


@transaction.atomic
def notice_acknowledge(*, actor: User, notice: Notice, participant: MarketParticipant) -> Acknowledgement:
    if not notice.is_published or not notice.action_required:
        raise DomainError(
            "Only published notices with ACTION REQUIRED are acknowledged.", code=NoticeErrorCode.NOT_ACKNOWLEDGEABLE
        )
    if not Membership.objects.active().filter(user=actor, participant=participant).exists():
        raise DomainError(f"You are not a contact of {participant}.", code=NoticeErrorCode.PERMISSION_DENIED)
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        notice=notice, participant=participant, defaults={"user": actor}
    )
    if created:
        audit_record(
            actor=actor,
            verb=NoticeEvent.NOTICE_ACKNOWLEDGED,
            target=notice,
            participant=participant,
            changes={"acknowledged_by": (None, str(actor))},
        )
    return acknowledgement
