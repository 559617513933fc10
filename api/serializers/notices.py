"""Market notices: a notice as the public archive shows it (with its thread and cancellation state), an MP's
action-required notice with its acknowledgement, an acknowledgement, and the archive's filters."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notices import selectors as notice_selectors
from notices.models import DistributionList, Notice, NoticeType, Scope

from .common import StrictQueryParameters


class NoticeTypeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class NoticeLinkSerializer(serializers.Serializer):
    """Another notice of the same thread: enough to name it and fetch it."""

    id = serializers.IntegerField()
    notice_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    number = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField()
    short_description = serializers.CharField()


class NoticeAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The file, public like the notice.")

    def get_url(self, attachment) -> str:
        notice_id = self.context["notice_id"]
        return settings.SITE_URL + reverse("notices:attachment", args=[notice_id, attachment.pk])


class NoticeSerializer(serializers.Serializer):
    """A published notice as the public archive shows it: its fields in the template's order, its type and intended
    audience, its files, the notice it updates or cancels (``previous``), every published notice of its thread in
    order (``thread``, itself included) and whether a cancellation ended the thread (``cancelled``).

    Never the author, the approver, the distribution lists or a draft's data: only published notices are read.

    Bounded queries when the notice comes from ``notices.selectors.with_api_relations`` (``notice_type``,
    ``previous`` and ``thread`` joined; ``audience``, ``attachments`` and the thread's published notices prefetched).
    A bare ``Notice`` also works (a webhook payload): then each relation costs its own query.
    """

    id = serializers.IntegerField()
    notice_id = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The notice's public page.")
    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    notice_date = serializers.DateField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    type = NoticeTypeSerializer(source="notice_type")
    scope = serializers.ChoiceField(choices=Scope.choices)
    audience = serializers.SerializerMethodField(
        help_text="The market roles it is meant for; empty means every Market Participant."
    )
    short_description = serializers.CharField()
    days_affected = serializers.CharField()
    long_description = serializers.CharField(help_text="Markdown.")
    action_required = serializers.CharField(help_text="Markdown; empty when no action is required.")
    additional_information = serializers.CharField()
    contact = serializers.CharField()
    attachments = serializers.SerializerMethodField()
    previous = NoticeLinkSerializer(allow_null=True, help_text="The notice this one updates or cancels.")
    thread = serializers.SerializerMethodField(help_text="The published notices of the thread, in order.")
    cancelled = serializers.SerializerMethodField(help_text="A published cancellation ended the thread.")

    def get_url(self, notice) -> str:
        return settings.SITE_URL + notice.get_absolute_url()

    def get_audience(self, notice) -> list[str]:
        return sorted(role.code for role in notice.audience.all())

    @extend_schema_field(NoticeAttachmentSerializer(many=True))
    def get_attachments(self, notice):
        return NoticeAttachmentSerializer(
            notice.attachments.all(), many=True, context={"notice_id": notice.notice_id}
        ).data

    @extend_schema_field(NoticeLinkSerializer(many=True))
    def get_thread(self, notice):
        return NoticeLinkSerializer(notice_selectors.thread_notices(notice), many=True).data

    def get_cancelled(self, notice) -> bool:
        if hasattr(notice, "thread_cancelled"):
            return notice.thread_cancelled
        return any(other.kind == Notice.Kind.CANCELLATION for other in notice_selectors.thread_notices(notice))


class AcknowledgementSerializer(serializers.Serializer):
    notice_id = serializers.CharField(source="notice.notice_id")
    acknowledged_at = serializers.DateTimeField()
    acknowledged_by = serializers.CharField(source="user.full_name")


class ActionRequiredNoticeSerializer(NoticeSerializer):
    """A notice with ACTION REQUIRED addressed to the key's MP, with the MP's acknowledgement (``null`` until it
    acknowledges). Expects ``mp_acknowledgements`` as ``notices.selectors.inbox_notices`` prefetches it."""

    acknowledgement = serializers.SerializerMethodField()
    awaiting_acknowledgement = serializers.SerializerMethodField(
        help_text="Neither acknowledged by the MP nor cancelled: what the portal counts as awaiting acknowledgement."
    )

    @extend_schema_field(AcknowledgementSerializer(allow_null=True))
    def get_acknowledgement(self, notice):
        acknowledgement = next(iter(notice.mp_acknowledgements), None)
        if acknowledgement is None:
            return None
        acknowledgement.notice = notice
        return AcknowledgementSerializer(acknowledgement).data

    def get_awaiting_acknowledgement(self, notice) -> bool:
        return not notice.mp_acknowledgements and not notice.thread_cancelled


class NoticeFilterSerializer(StrictQueryParameters):
    """The public archive's filters (``notices.forms.public.ArchiveFilterForm``), plus ``since``."""

    q = serializers.CharField(required=False, max_length=200, help_text="Words or a notice ID.")
    type = serializers.SlugRelatedField(
        slug_field="slug", queryset=NoticeType.objects.all(), required=False, help_text="A notice type's slug."
    )
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    list = serializers.SlugRelatedField(
        slug_field="name",
        queryset=DistributionList.objects.all(),
        required=False,
        help_text="A distribution list's name: the notices it carried.",
    )
    date_from = serializers.DateField(required=False, help_text="Notice date on or after.")
    date_to = serializers.DateField(required=False, help_text="Notice date on or before.")
    action_required = serializers.BooleanField(required=False, help_text="Only notices requiring action.")
    since = serializers.DateTimeField(
        required=False,
        help_text="Published or changed at or after this time, a later notice of its thread (update, cancellation) "
        "included.",
    )
