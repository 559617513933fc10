"""The audit verbs notices writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class NoticeEvent(models.TextChoices):
    NOTICE_ACKNOWLEDGED = "notice.acknowledged", "Notice acknowledged"
    NOTICE_ADDRESS_SUPPRESSED = "notice.address_suppressed", "Address suppressed from notice email"
    NOTICE_APPROVED = "notice.approved", "Notice approved"
    NOTICE_ATTACHMENT_ADDED = "notice.attachment_added", "Notice attachment added"
    NOTICE_ATTACHMENT_REMOVED = "notice.attachment_removed", "Notice attachment removed"
    NOTICE_DRAFTED = "notice.drafted", "Notice drafted"
    NOTICE_DRAFTED_FROM_INCIDENT = "incident.notice_drafted", "Market notice drafted from incident"
    NOTICE_DRAFTED_FROM_DISPUTE = "notice.drafted_from_dispute", "Market notice drafted from the dispute"
    NOTICE_EDITED = "notice.edited", "Notice edited"
    NOTICE_PREFERENCES_UPDATED = "notice.preferences_updated", "Notice list preferences updated"
    NOTICE_PUBLISHED = "notice.published", "Notice published"
    NOTICE_RETURNED = "notice.returned", "Notice returned to draft"
    NOTICE_SCHEDULED = "notice.scheduled", "Notice scheduled"
    NOTICE_SUBMITTED = "notice.submitted", "Notice submitted for review"
    NOTICE_UNSUBSCRIBED = "notice.unsubscribed", "Notice unsubscribed"
