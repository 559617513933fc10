"""The decision loop of a dispute: the participant accepts or rejects a decision, and a second rejection goes to
alternative dispute resolution (ADR). The single map :data:`DECISION_TRANSITIONS` says what may follow what.

The case itself stays on :data:`CASE_TRANSITIONS`: while the participant may answer, and while ADR runs, the case is
Resolved (off the SLA clock) and cannot be closed; accepting (or letting the window lapse) and concluding ADR close
it, and the first rejection takes it back In Progress for a new decision.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ercot_services.core.models import BoundedTextField, TimeStampedModel
from ercot_services.core.text_limits import MESSAGE_TEXT, NOTE_TEXT

from .case import Case
from .choices import DisputeOutcome

DECISION_WINDOW_PK = 1  # the one row

# The outcomes a participant may accept or reject (a full grant and a withdrawal leave nothing to answer).
ANSWERABLE_OUTCOMES = frozenset({DisputeOutcome.GRANTED_WITH_EXCEPTIONS, DisputeOutcome.DENIED})
# Rejections before a rejection goes to ADR instead of back to Client Services.
REJECTIONS_BEFORE_ADR = 1


class DecisionWindow(models.Model):
    """How long a participant has to accept or reject a dispute decision, in Business Days (a single row that
    administrators edit)."""

    business_days = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Business Days after the decision during which the participant may accept or reject it; with no "
        "answer by the end of the last one, the decision stands and the dispute closes.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "dispute decision window"

    def __str__(self):
        return f"Dispute decisions: {self.business_days} Business Days to answer"

    def save(self, *args, **kwargs):
        self.pk = DECISION_WINDOW_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> DecisionWindow:
        obj, _ = cls.objects.get_or_create(pk=DECISION_WINDOW_PK)
        return obj


class DecisionState(models.TextChoices):
    AWAITING_ANSWER = "awaiting_answer", "Awaiting the participant's answer"
    ACCEPTED = "accepted", "Decision accepted"
    ACCEPTED_BY_DEFAULT = "accepted_by_default", "Decision stands (no answer in the window)"
    FINAL = "final", "Granted: nothing to answer"
    UNDER_REVIEW = "under_review", "Decision rejected: under further review"
    ADR_REQUESTED = "adr_requested", "ADR requested"
    ADR_IN_PROGRESS = "adr_in_progress", "ADR in progress"
    ADR_CONCLUDED = "adr_concluded", "ADR concluded"
    ADR_WITHDRAWN = "adr_withdrawn", "ADR withdrawn"


ADR_STATES = frozenset(
    {
        DecisionState.ADR_REQUESTED,
        DecisionState.ADR_IN_PROGRESS,
        DecisionState.ADR_CONCLUDED,
        DecisionState.ADR_WITHDRAWN,
    }
)
# While in these, the case cannot be closed by hand: the participant may still answer, or ADR is running.
OPEN_DECISION_STATES = frozenset(
    {DecisionState.AWAITING_ANSWER, DecisionState.ADR_REQUESTED, DecisionState.ADR_IN_PROGRESS}
)

# The whole loop. A new decision (``decision_offer``) starts at Awaiting or Final; Under review goes back to one of
# them when staff decide again; a rejection goes to Under review the first time and to ADR the second.
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionState.AWAITING_ANSWER: frozenset(
        {
            DecisionState.ACCEPTED,
            DecisionState.ACCEPTED_BY_DEFAULT,
            DecisionState.UNDER_REVIEW,
            DecisionState.ADR_REQUESTED,
        }
    ),
    DecisionState.UNDER_REVIEW: frozenset({DecisionState.AWAITING_ANSWER, DecisionState.FINAL}),
    DecisionState.ADR_REQUESTED: frozenset(
        {DecisionState.ADR_IN_PROGRESS, DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN}
    ),
    DecisionState.ADR_IN_PROGRESS: frozenset({DecisionState.ADR_CONCLUDED, DecisionState.ADR_WITHDRAWN}),
    DecisionState.ACCEPTED: frozenset(),
    DecisionState.ACCEPTED_BY_DEFAULT: frozenset(),
    DecisionState.FINAL: frozenset(),
    DecisionState.ADR_CONCLUDED: frozenset(),
    DecisionState.ADR_WITHDRAWN: frozenset(),
}


class AdrOutcome(models.TextChoices):
    UPHELD = "upheld", "Decision upheld"
    OVERTURNED = "overturned", "Decision overturned"
    SETTLED = "settled", "Settled"


class DecisionQuerySet(models.QuerySet):
    def lapsed(self, today: datetime.date):
        """Awaiting an answer whose last day to answer is before ``today`` (operator dates)."""
        return self.filter(state=DecisionState.AWAITING_ANSWER, respond_by__lt=today)

    def in_adr(self):
        return self.filter(state__in=[DecisionState.ADR_REQUESTED, DecisionState.ADR_IN_PROGRESS])


class DisputeDecision(TimeStampedModel):
    """A dispute's current decision and what became of it (one row per dispute, kept through the rounds)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    state = models.CharField(max_length=30, choices=DecisionState.choices, default=DecisionState.AWAITING_ANSWER)
    round = models.PositiveSmallIntegerField(default=1, help_text="1 for the first decision, 2 after a rejection.")
    decided_at = models.DateTimeField()
    respond_by = models.DateField(
        null=True, blank=True, help_text="The last Business Day on which the participant may accept or reject."
    )
    rejections = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = BoundedTextField(max_length=MESSAGE_TEXT, blank=True)
    market_wide_effect = models.BooleanField(
        "market-wide financial effect",
        default=False,
        help_text="The decision changes settlement for the market, not only this participant: a market notice "
        "may be drafted from it.",
    )

    # Alternative dispute resolution, recorded by staff after the second rejection.
    adr_requested_on = models.DateField("ADR requested on", null=True, blank=True)
    adr_started_on = models.DateField("ADR started on", null=True, blank=True)
    adr_concluded_on = models.DateField("ADR concluded on", null=True, blank=True)
    adr_outcome = models.CharField("ADR outcome", max_length=20, choices=AdrOutcome.choices, blank=True)
    adr_amount = models.DecimalField("ADR amount", max_digits=14, decimal_places=2, null=True, blank=True)
    adr_explanation = BoundedTextField("ADR explanation", max_length=NOTE_TEXT, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["state", "respond_by"], name="decision_state_respond_idx")]

    def __str__(self):
        return f"Decision on {self.case.reference}: {self.get_state_display()}"

    @property
    def is_awaiting(self) -> bool:
        return self.state == DecisionState.AWAITING_ANSWER

    @property
    def in_adr(self) -> bool:
        return self.state in ADR_STATES

    @property
    def rejection_goes_to_adr(self) -> bool:
        return self.rejections >= REJECTIONS_BEFORE_ADR

    def can_move_to(self, state: str) -> bool:
        return state in DECISION_TRANSITIONS.get(self.state, frozenset())


def decision_close_refusal(case: Case) -> str:
    """Why ``case`` cannot be closed by hand now (its participant may still answer, or ADR runs), or ""."""
    decision = DisputeDecision.objects.filter(case_id=case.pk, state__in=OPEN_DECISION_STATES).first()
    if decision is None:
        return ""
    if decision.is_awaiting:
        return (
            f"{case.reference} awaits the participant's answer to its decision until "
            f"{decision.respond_by:%A}, {decision.respond_by.day} {decision.respond_by:%b %Y}: it closes when they accept or when that day has passed."
        )
    return f"{case.reference} is in alternative dispute resolution: record the ADR outcome to close it."
