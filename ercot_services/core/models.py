from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .site import site_host


class TimeStampedModel(models.Model):
    """Base model: when a row was created and last changed."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class HttpsURLField(models.URLField):
    """A URL field whose form assumes https:// when the scheme is left out (Django 6's default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class BoundedTextField(models.TextField):
    """Free text with a maximum length (see ``core.text_limits``) that ``full_clean()`` enforces.

    A plain TextField's ``max_length`` only sizes the form field built from it; this one also validates the model,
    as a CharField does. The column stays ``text``: the limit is a rule of the application, not of the database.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))


class DomainError(Exception):
    """A business rule refused an action; the message is written for the person who tried it.

    ``code`` (a member of the app's ``error_codes`` enum) says which rule refused, for callers and tests that
    must not depend on the wording; ``str(error)`` stays the message. ``fields`` keeps the field errors of a
    wrapped model validation (``{field: [messages]}``) so a form can show them where they belong.
    """

    def __init__(self, message="", *, code=None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code = code
        self.fields = fields or {}

    @classmethod
    def from_validation_error(cls, error, *, code):
        """Wrap a ``full_clean()`` failure: the joined messages, the code and the per-field errors."""
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        return cls("; ".join(error.messages), code=code, fields=fields)


def clean_or_refuse(instance: models.Model, *, code, exclude=(), **options) -> None:
    """``instance.full_clean()`` in a service: a failure becomes a ``DomainError`` with the app's ``code`` that keeps
    the per-field errors, so the form that called the service shows each where it belongs."""
    try:
        instance.full_clean(exclude=list(exclude) or None, **options)
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=code) from error


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            target_content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            target_object_id=str(obj.pk),
        )

    def update(self, **kwargs):  # noqa: D401 - refuse in bulk too
        raise DomainError("Audit events are append-only.")

    def delete(self):
        raise DomainError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change made through a service: who did what to which object, and why.

    Rows are append-only: saving an existing row or deleting one raises. The
    ``participant`` column lets an MP's page show the changes to everything
    that belongs to it, not only to the MP row itself.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=80)
    target_content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_object_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_content_type", "target_object_id")
    target_repr = models.CharField(max_length=255)
    participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    reason = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_content_type", "target_object_id", "-created_at"]),
            models.Index(fields=["participant", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise DomainError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("Audit events are append-only.")

    @property
    def verb_display(self) -> str:
        """The verb's label for people, from the enum of the app that writes it (``core.timeline``)."""
        from .timeline import verb_label

        return verb_label(self.verb)


class Holiday(models.Model):
    """An operator holiday: not a Business Day. Edited by administrators."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class OutboundEmail(models.Model):
    """A transactional email in the outbox: queued in the sender's transaction, sent once by a task.

    ``key`` names the event (for example ``registration:REG-2026-00012:submitted``):
    queuing the same key again is a no-op, and the task skips rows already sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html = models.TextField(blank=True, help_text="An HTML alternative of the body, if any.")
    calendar = models.TextField(blank=True, help_text="An iCalendar (RFC 5545) invitation sent with the email, if any.")
    calendar_method = models.CharField(max_length=10, blank=True, help_text="Its METHOD: REQUEST or CANCEL.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    @property
    def message_id(self) -> str:
        """The same on every resend of this row (see ``core.delivery``)."""
        return f"<outbox-{self.pk}@{site_host()}>"
