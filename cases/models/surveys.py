"""Satisfaction surveys: one question to the requester each time a case is resolved.

One survey per resolution (``resolution_number`` counts the case's resolutions; a reopened case resolved again gets
a new one), never two for the same resolution (the unique constraint). The requester answers once, by a signed link
(``cases.services.surveys``), without signing in. The Account Manager (the assignee) and the category are copied
at resolution time, so the metrics keep attributing the answer where it belonged when the case was resolved.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ercot_services.core.models import BoundedTextField

from .case import Case
from .configuration import CaseCategory

SURVEY_COMMENT_TEXT = 2000


class SurveyScore(models.IntegerChoices):
    VERY_DISSATISFIED = 1, "1 – Very dissatisfied"
    DISSATISFIED = 2, "2 – Dissatisfied"
    NEUTRAL = 3, "3 – Neither satisfied nor dissatisfied"
    SATISFIED = 4, "4 – Satisfied"
    VERY_SATISFIED = 5, "5 – Very satisfied"


class CaseSurveyQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)


class CaseSurvey(models.Model):
    """The satisfaction question sent for one resolution of a case, and its answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="surveys")
    resolution_number = models.PositiveSmallIntegerField(help_text="1 for the first resolution, 2 after a reopen …")
    requester_email = models.EmailField()
    token_id = models.CharField(max_length=32, unique=True, editable=False)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_surveys",
        help_text="The case's assignee when it was resolved.",
    )
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="surveys")
    resolved_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=SurveyScore.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = BoundedTextField(max_length=SURVEY_COMMENT_TEXT, blank=True)

    objects = CaseSurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "resolution_number"], name="one_survey_per_case_resolution"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["sent_at"]), models.Index(fields=["answered_at"])]

    def __str__(self):
        return f"Survey {self.case.reference} #{self.resolution_number}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
