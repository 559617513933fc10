"""Drafting a notice: create, edit, attach and detach files, and the update or cancellation of a published one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import MarketRole, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError, clean_or_refuse
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import DistributionList, Notice, NoticeAttachment, NoticeStatus, NoticeType, Scope

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


def default_contact() -> str:
    return (
        "If you have any questions, please contact your ERCOT Account Manager. You may also call the general "
        f"ERCOT Client Services phone number at {settings.CLIENT_SERVICES_PHONE} or contact ERCOT Client Services "
        f"via email at {settings.CLIENT_SERVICES_EMAIL}."
    )


def is_publisher(user: User) -> bool:
    return policies.can_publish(user)


@dataclass(frozen=True)
class NoticeInput:
    """What a publisher writes on a draft, in the market notice template's order, and where it goes: the intended
    audience (market role codes; none means every MP) and the distribution lists chosen on it."""

    notice_type: NoticeType
    short_description: str
    long_description: str
    scope: str = Scope.MARKET
    days_affected: str = ""
    action_required: str = ""
    additional_information: str = ""
    contact: str = ""
    audience_codes: Iterable[str] = ()
    lists: Iterable[DistributionList] = ()

    def __post_init__(self):
        object.__setattr__(self, "audience_codes", tuple(self.audience_codes))
        object.__setattr__(self, "lists", tuple(self.lists))


@transaction.atomic
def notice_create(
    *, actor: User, data: NoticeInput, previous: Notice | None = None, kind: str = Notice.Kind.ORIGINAL
) -> Notice:
    """A new draft from ``data``; ``previous`` and ``kind`` name the notice an update or a cancellation follows."""
    policies.check_publish(actor, "Only Notice Publishers draft market notices.")
    notice = Notice(
        notice_type=data.notice_type,
        scope=data.scope,
        short_description=data.short_description.strip(),
        long_description=data.long_description.strip(),
        days_affected=data.days_affected.strip(),
        action_required=data.action_required.strip(),
        additional_information=data.additional_information.strip(),
        contact=data.contact.strip() or default_contact(),
        author=actor,
        previous=previous,
        kind=kind,
    )
    clean_or_refuse(notice, code=NoticeErrorCode.INVALID, exclude=["thread", "number"])
    notice.save()
    notice.audience.set(MarketRole.objects.filter(code__in=list(data.audience_codes)))
    notice.lists.set(list(data.lists))
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
    clean_or_refuse(notice, code=NoticeErrorCode.INVALID, exclude=["thread", "number"])
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
    data = NoticeInput(
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
    )
    notice = notice_create(actor=actor, data=data, previous=previous, kind=kind)
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
