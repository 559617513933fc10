"""factory_boy factories for cases: categories with SLA targets, cases and their messages.

Two ways to get a case, as the tests need:

* ``CaseFactory`` writes the row straight to the table (no routing, SLA clock, email or audit event), for the pages
  and selectors that only read cases; its traits set the state a workflow would have left (``dispute``,
  ``in_progress``, ``waiting``, ``resolved``, ``closed``, ``at_risk``, ``breached``, ``overdue``).
* ``SubmittedCaseFactory`` opens the case through the service of its kind (``inquiry_submit``, ``dispute_submit``,
  ...: a case's reference, routing and SLA only come from them), by way of ``tests/case_inputs.py::submit_case``,
  with the same fields the portal form gives it; ``disputed=True`` files a dispute.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cases.models import (
    KIND_PREFIX,
    Case,
    CaseCategory,
    CaseKind,
    CaseMessage,
    CaseStatus,
    CaseSurvey,
    DisputeDetail,
    NextAction,
    Priority,
    SlaState,
    SlaTarget,
    StatementType,
)
from tests.accounts.factories import ParticipantFactory


def dispute_fields(**overrides) -> dict:
    """Valid dispute fields: a DAM statement issued today (so the filing window is open)."""
    today = timezone.localdate()
    fields = {
        "operating_day": today - datetime.timedelta(days=3),
        "statement_type": StatementType.DAM,
        "statement_date": today,
        "charge_type": "DA Energy Imbalance",
        "disputed_amount": Decimal("1250.75"),
        "statement_reference": "DAM-STMT-0001",
    }
    fields.update(overrides)
    return fields


def seeded_category(code: str) -> CaseCategory:
    """A category the data migrations seed (``registration``, ``settlements``, ...)."""
    return CaseCategory.objects.get(code=code)


class CaseCategoryFactory(factory.django.DjangoModelFactory):
    """A category of its own (the seeded ones are found with ``seeded_category``)."""

    class Meta:
        model = CaseCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    default_priority = Priority.NORMAL


class SlaTargetFactory(factory.django.DjangoModelFactory):
    """Business-hour targets for one category and priority (defaults: 4 h to first response, 10 h to resolve)."""

    class Meta:
        model = SlaTarget

    category = factory.SubFactory(CaseCategoryFactory)
    priority = Priority.NORMAL
    first_response_hours = Decimal("4")
    resolution_hours = Decimal("10")


class CaseFactory(factory.django.DjangoModelFactory):
    """A case row as the workflow would have left it (written directly: see the module docstring)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    class Params:
        dispute = factory.Trait(
            kind=CaseKind.DISPUTE,
            dispute_detail=factory.RelatedFactory(
                "tests.cases.factories.DisputeDetailFactory", factory_related_name="case"
            ),
        )
        in_progress = factory.Trait(status=CaseStatus.IN_PROGRESS)
        waiting = factory.Trait(
            status=CaseStatus.WAITING,
            next_action_by=NextAction.PARTICIPANT,
            paused_at=factory.LazyFunction(timezone.now),
        )
        resolved = factory.Trait(
            status=CaseStatus.RESOLVED,
            next_action_by=NextAction.NOBODY,
            resolved_at=factory.LazyFunction(timezone.now),
            resolution_summary="Answered.",
        )
        closed = factory.Trait(
            status=CaseStatus.CLOSED,
            next_action_by=NextAction.NOBODY,
            resolved_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
            resolution_summary="Answered.",
        )
        at_risk = factory.Trait(sla_state=SlaState.AT_RISK)
        breached = factory.Trait(sla_state=SlaState.BREACHED)
        # Breached, and its resolution was due hours ago.
        overdue = factory.Trait(
            sla_state=SlaState.BREACHED,
            resolution_due_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=4)),
        )

    # Far from the year the services number in, so a test may mix both kinds of case.
    reference = factory.LazyAttributeSequence(lambda o, n: f"{KIND_PREFIX[o.kind]}-2099-{n:06d}")
    kind = CaseKind.INQUIRY
    participant = factory.SubFactory(ParticipantFactory)
    category = factory.LazyFunction(lambda: CaseCategory.objects.order_by("pk").first())
    subject = "A question"
    description = "Details"
    resolution_due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=4))


class DisputeDetailFactory(factory.django.DjangoModelFactory):
    """The dispute fields of a case (``dispute_fields``: a DAM statement issued today)."""

    class Meta:
        model = DisputeDetail

    case = factory.SubFactory(CaseFactory, kind=CaseKind.DISPUTE)
    operating_day = factory.LazyFunction(lambda: dispute_fields()["operating_day"])
    statement_type = StatementType.DAM
    statement_date = factory.LazyFunction(timezone.localdate)
    charge_type = "DA Energy Imbalance"
    disputed_amount = Decimal("1250.75")
    statement_reference = "DAM-STMT-0001"
    filing_deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class CaseMessageFactory(factory.django.DjangoModelFactory):
    """A public reply on a case (``internal=True``: a staff-only note)."""

    class Meta:
        model = CaseMessage

    class Params:
        internal = factory.Trait(is_internal=True, body="Internal")

    case = factory.SubFactory(CaseFactory)
    body = "Public reply"


class SubmittedCaseFactory(factory.django.DjangoModelFactory):
    """A case opened through the services by ``actor`` (the MP's contact in the portal, or staff logging it).

    Every declaration and keyword is an argument of ``submit_case`` (``dispute``: its dict of dispute fields);
    ``disputed=True`` files an on-time DAM dispute in Settlements.
    """

    class Meta:
        model = Case

    class Params:
        disputed = factory.Trait(
            kind=CaseKind.DISPUTE,
            category=factory.LazyFunction(lambda: seeded_category("settlements")),
            subject="DAM charge looks wrong",
            description="The DA energy imbalance charge doubles our award.",
            dispute=factory.LazyFunction(dispute_fields),
        )

    actor = None
    kind = CaseKind.INQUIRY
    category = factory.LazyFunction(lambda: seeded_category("registration"))
    subject = "Where is our registration?"
    description = "We filed Form B last week and have heard nothing."
    participant = None
    dispute = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from tests.case_inputs import submit_case

        return submit_case(**kwargs)


class CaseSurveyFactory(factory.django.DjangoModelFactory):
    """A satisfaction survey row as ``survey_send`` leaves it (``answered=True``: with a score of ``score``)."""

    class Meta:
        model = CaseSurvey

    class Params:
        answered = factory.Trait(answered_at=factory.LazyAttribute(lambda o: o.sent_at), score=4)

    case = factory.SubFactory(CaseFactory, resolved=True)
    resolution_number = factory.Sequence(lambda n: n + 1)
    requester_email = factory.Sequence(lambda n: f"requester{n}@mp.example")
    token_id = factory.Sequence(lambda n: f"token{n:027d}")
    account_manager = factory.LazyAttribute(lambda o: o.case.assignee)
    category = factory.LazyAttribute(lambda o: o.case.category)
    resolved_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyAttribute(lambda o: o.resolved_at)
