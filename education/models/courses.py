"""Courses, their sessions, enrolments (with a FIFO waitlist), attendance and course recommendations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT


class CourseLevel(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class CourseFormat(models.TextChoices):
    INSTRUCTOR_LED = "instructor_led", "Instructor-led"
    WEB_BASED = "web_based", "Web-based"
    ON_SITE = "on_site", "On-site"


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(TimeStampedModel):
    """A course of the market education catalogue, meant for MPs of some market roles (none: for everyone)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in the catalogue.")
    description = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    audience = models.ManyToManyField(
        "accounts.MarketRole",
        related_name="courses",
        blank=True,
        help_text="The market roles the course is meant for; none means every MP.",
    )
    level = models.CharField(max_length=20, choices=CourseLevel.choices, default=CourseLevel.INTRODUCTORY)
    format = models.CharField(max_length=20, choices=CourseFormat.choices, default=CourseFormat.INSTRUCTOR_LED)
    duration_minutes = models.PositiveIntegerField(default=60)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    is_published = models.BooleanField("published", default=False, db_index=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("manage_courses", "Can manage courses, sessions, enrolments and attendance")]

    def __str__(self):
        return self.title


class CourseMaterial(models.Model):
    """A file handed out with a course (slides, a guide), checked by ``core.uploads`` when added."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="education/materials/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


SESSION_TRANSITIONS = {
    SessionStatus.SCHEDULED: {SessionStatus.CANCELLED},
    SessionStatus.CANCELLED: set(),
}


class CourseSession(TimeStampedModel):
    """One delivery of a course. Its invitation has a stable UID (``uid``) and a SEQUENCE one higher on every
    change of time or place and on cancellation (``core.ics``)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    dial_in = models.CharField("dial-in or meeting link", max_length=300, blank=True)
    capacity = models.PositiveIntegerField(default=20)
    enrolment_deadline = models.DateTimeField()
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_sessions_taught"
    )
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancellation_reason = BoundedTextField(max_length=NOTE_TEXT, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="RFC 5545 SEQUENCE: one higher on every re-send.")

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"]), models.Index(fields=["course", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")
        ]

    def __str__(self):
        return f"{self.course.title} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


ENROLMENT_ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)


class Attendance(models.TextChoices):
    UNKNOWN = "", "Not recorded"
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ENROLMENT_ACTIVE)

    def completed(self):
        return self.filter(status=EnrolmentStatus.ENROLLED, attendance=Attendance.PRESENT)

    def waitlist(self):
        """The waitlist in the order people joined it (first come, first promoted)."""
        return self.filter(status=EnrolmentStatus.WAITLISTED).order_by("queued_at", "pk")


class Enrolment(TimeStampedModel):
    """A person of an MP in one session: enrolled, waitlisted or cancelled; present or absent once held."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey("accounts.MarketParticipant", on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    queued_at = models.DateTimeField(default=timezone.now, help_text="When the person joined (the waitlist order).")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_sequence = models.IntegerField(
        null=True, blank=True, help_text="The session SEQUENCE the reminder was sent for (sent once per version)."
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_enrolment_per_session_user")]
        indexes = [
            models.Index(fields=["session", "status", "queued_at"]),
            models.Index(fields=["participant", "status"]),
        ]

    def __str__(self):
        return f"{self.user} in {self.session} ({self.status})"

    @property
    def is_completed(self) -> bool:
        return self.status == EnrolmentStatus.ENROLLED and self.attendance == Attendance.PRESENT


class CourseRecommendation(TimeStampedModel):
    """An AM recommends a course to an MP (often from an issue pattern: "they keep asking about switch holds")."""

    participant = models.ForeignKey(
        "accounts.MarketParticipant", on_delete=models.CASCADE, related_name="course_recommendations"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="recommendations")
    pattern = models.ForeignKey(
        "cases.IssuePattern", null=True, blank=True, on_delete=models.SET_NULL, related_name="course_recommendations"
    )
    reason = models.CharField(max_length=300, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "course"], name="one_recommendation_per_participant_course")
        ]

    def __str__(self):
        return f"{self.course} for {self.participant}"
