"""Plan management: the account plan of each MP, its action items, meetings and the MP's performance feedback.

Seed 000 ("Plan Management"): the AM identifies issues that need a concerted approach, plans and schedules
actions, organizes meetings, documents the operator's performance feedback and targets opportunities to improve
service. Improvement opportunities are :class:`ImprovementAction` rows (issue patterns feed them).

Status fields follow one transition map each (:data:`ACTION_ITEM_TRANSITIONS`, :data:`MEETING_TRANSITIONS`);
services in ``plans.services`` are the only writers.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT


class AccountPlan(TimeStampedModel):
    """One plan per MP: where the account is going, reviewed with the MP from time to time."""

    participant = models.OneToOneField("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="plan")
    summary = BoundedTextField(
        max_length=MESSAGE_TEXT, blank=True, help_text="The MP's business today and where it is heading."
    )
    next_review_date = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "accounts_accountplan"

    def __str__(self):
        return f"Account plan — {self.participant}"


class PlanObjective(TimeStampedModel):
    """An objective of the plan, or an issue that needs a concerted and organized approach to resolve."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", "Objective"
        ISSUE = "issue", "Issue needing a concerted approach"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="objectives")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OBJECTIVE)
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        db_table = "accounts_planobjective"
        ordering = ["status", "target_date", "pk"]

    def __str__(self):
        return self.title


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


ACTION_ITEM_OPEN_STATUSES = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)

ACTION_ITEM_TRANSITIONS = {
    ActionItemStatus.OPEN: {ActionItemStatus.IN_PROGRESS, ActionItemStatus.DONE, ActionItemStatus.CANCELLED},
    ActionItemStatus.IN_PROGRESS: {ActionItemStatus.OPEN, ActionItemStatus.DONE, ActionItemStatus.CANCELLED},
    ActionItemStatus.DONE: {ActionItemStatus.OPEN},
    ActionItemStatus.CANCELLED: {ActionItemStatus.OPEN},
}


class ActionSide(models.TextChoices):
    """Whose move it is: the operator's staff or the MP's contacts (the portal shows the MP's side)."""

    OPERATOR = "operator", "Operator"
    PARTICIPANT = "participant", "Market Participant"


def overdue_action_items_q(today) -> models.Q:
    """Overdue: still open and due before today (an item due today is not overdue yet).

    The condition as a ``Q`` so aggregates (``Count(..., filter=...)``) use the same rule as
    ``ActionItem.objects.overdue(today)``.
    """
    return models.Q(status__in=ACTION_ITEM_OPEN_STATUSES, due_date__lt=today)


class ActionItemQuerySet(models.QuerySet):
    """The rules that pick action items: open, and overdue."""

    def open(self):
        return self.filter(status__in=ACTION_ITEM_OPEN_STATUSES)

    def overdue(self, today):
        return self.filter(overdue_action_items_q(today))


class ActionItem(TimeStampedModel):
    """A planned action with an owner (staff or MP contact), a due date and a status.

    It may serve an objective, follow up a meeting, and point at the case, registration application or
    qualification enrollment it is about. ``side`` is derived from the owner by the service.
    """

    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="action_items")
    objective = models.ForeignKey(
        PlanObjective, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    meeting = models.ForeignKey(
        "plans.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up_items"
    )
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items")
    side = models.CharField(max_length=12, choices=ActionSide.choices, default=ActionSide.OPERATOR)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completion_note = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    application = models.ForeignKey(
        "registration.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    enrollment = models.ForeignKey(
        "qualification.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    survey = models.OneToOneField(
        "cases.CaseSurvey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up",
        help_text="The low satisfaction score this item follows up (one item per survey).",
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        db_table = "accounts_actionitem"
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["participant", "status", "due_date"]),
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in ACTION_ITEM_OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        """The one-row form of ``ActionItem.objects.overdue(today)``."""
        return self.is_open and self.due_date < today


class ActionItemReminder(models.Model):
    """One reminder per item, kind and due date: the beat scan writes it with the email, so it never repeats.

    A new due date is a new key, so a rescheduled item is reminded again.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        db_table = "accounts_actionitemreminder"
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "due_date"], name="one_reminder_per_item_kind_due_date")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder for {self.item_id} due {self.due_date}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


MEETING_TRANSITIONS = {
    MeetingStatus.SCHEDULED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.HELD: set(),
    MeetingStatus.CANCELLED: set(),
}


class Meeting(TimeStampedModel):
    """A meeting with the MP. Invitations are iCalendar (RFC 5545) requests with a stable ``uid``;
    every update or cancellation re-sends with the same UID and ``sequence`` one higher."""

    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="meetings")
    objective = models.ForeignKey(
        PlanObjective, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    agenda = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    dial_in = models.CharField("dial-in or meeting link", max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    minutes = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    minutes_shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the minutes were shared with the MP (the portal shows them from then)."
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="RFC 5545 SEQUENCE: one higher on every re-send.")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_meetings")
    cancellation_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)

    class Meta:
        db_table = "accounts_meeting"
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["participant", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start")
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"


class MeetingAttendee(models.Model):
    """Someone invited: a staff user, an MP contact, or an outside address (``user`` empty)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_invitations"
    )
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False)

    class Meta:
        db_table = "accounts_meetingattendee"
        ordering = ["-is_staff", "name", "email"]
        constraints = [models.UniqueConstraint(fields=["meeting", "email"], name="one_attendance_per_meeting_email")]

    def __str__(self):
        return self.name or self.email


class FeedbackChannel(models.TextChoices):
    PORTAL = "portal", "Portal"
    MEETING = "meeting", "Meeting"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    SURVEY = "survey", "Survey"


class PerformanceFeedback(TimeStampedModel):
    """The MP's feedback on how well the operator meets its needs, with the AM's follow-up."""

    class FollowUp(models.TextChoices):
        NOT_NEEDED = "not_needed", "No follow-up needed"
        OPEN = "open", "Follow-up open"
        DONE = "done", "Followed up"

    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="feedback")
    channel = models.CharField(max_length=10, choices=FeedbackChannel.choices)
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comments = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_given",
        help_text="The MP contact who gave it (through the portal or to the AM).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_recorded",
        help_text="The staff member who documented it; empty when the MP gave it in the portal.",
    )
    follow_up_status = models.CharField(max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN)
    follow_up = BoundedTextField(max_length=NOTE_TEXT, blank=True, help_text="What the operator did about it.")
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_performancefeedback"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["participant", "created_at"]), models.Index(fields=["created_at"])]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5")]

    def __str__(self):
        return f"{self.participant}: {self.rating}/5 ({self.get_channel_display()})"


class ImprovementAction(TimeStampedModel):
    """What the AM does about a pattern or an opportunity: training, a process change, a market communication."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        PROCESS_CHANGE = "process_change", "Process change"
        MARKET_COMMUNICATION = "market_communication", "Market communication"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="improvement_actions"
    )
    pattern = models.ForeignKey(
        "cases.IssuePattern", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    feedback = models.ForeignKey(
        "PerformanceFeedback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvements",
        help_text="The performance feedback that showed this opportunity, if any.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    course = models.ForeignKey(
        "education.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
        help_text="For a training opportunity: the course the MP's people should take.",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "accounts_improvementaction"
        ordering = ["due_date"]

    def __str__(self):
        return self.title
