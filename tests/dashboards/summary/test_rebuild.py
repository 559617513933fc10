"""The rebuild command, the nightly task and the midnight roll of the participant summaries."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ParticipantSummary
from accounts.services import ParticipantInput, participant_create, participant_summaries_roll
from accounts.tasks import rebuild_participant_summaries
from cases.models import Case, CaseStatus
from plans.services import ActionItemInput, action_item_create
from tests.accounts.factories import ParticipantFactory, StaffFactory
from tests.cases.factories import CaseFactory


def test_a_new_participant_gets_its_summary_row(db):
    participant = participant_create(actor=None, data=ParticipantInput(legal_name="Acme Power LLC", short_name="ACME"))
    assert ParticipantSummary.objects.get(pk=participant.pk).open_cases == 0


def test_check_reports_drift_without_fixing_it_and_exits_non_zero(db, capsys):
    participant = ParticipantFactory()
    CaseFactory.create_batch(2, participant=participant, status=CaseStatus.NEW)  # rows written around the services

    with pytest.raises(CommandError, match="1 participant summary row"):
        call_command("rebuild_participant_summaries", "--check")

    assert f"participant {participant.pk}: open_cases: 0 → 2" in capsys.readouterr().out
    assert ParticipantSummary.objects.get(pk=participant.pk).open_cases == 0


def test_rebuild_fixes_drift_and_then_check_passes(db, capsys):
    participant = ParticipantFactory()
    CaseFactory(participant=participant, status=CaseStatus.NEW)
    ParticipantSummary.objects.filter(pk=ParticipantFactory().pk).delete()  # a missing row is drift too

    call_command("rebuild_participant_summaries")
    call_command("rebuild_participant_summaries", "--check")

    assert "0 participant summary row(s) differ." in capsys.readouterr().out
    assert ParticipantSummary.objects.get(pk=participant.pk).open_cases == 1
    assert ParticipantSummary.objects.count() == 2


def test_a_bulk_update_that_skips_the_services_is_found_and_logged_by_the_nightly_task(db, caplog):
    participant = ParticipantFactory()
    CaseFactory(participant=participant, status=CaseStatus.NEW)
    call_command("rebuild_participant_summaries")
    Case.objects.filter(participant=participant).update(status=CaseStatus.CLOSED)

    with caplog.at_level(logging.WARNING, logger="accounts.tasks"):
        assert rebuild_participant_summaries() == 1

    assert f"participant {participant.pk}: open_cases: 1 → 0" in caplog.text
    assert ParticipantSummary.objects.get(pk=participant.pk).open_cases == 0


def test_the_midnight_roll_counts_items_that_became_overdue(db):
    staff = StaffFactory(groups=["Account Manager"])
    participant = ParticipantFactory()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        due = timezone.localdate()
        action_item_create(
            actor=staff, participant=participant, data=ActionItemInput(title="Call back", owner=staff, due_date=due)
        )
        summary = ParticipantSummary.objects.get(pk=participant.pk)
        assert (summary.open_items, summary.overdue_items) == (1, 0)

        traveller.shift(datetime.timedelta(days=1))
        participant_summaries_roll()

    assert ParticipantSummary.objects.get(pk=participant.pk).overdue_items == 1


def test_the_beat_rolls_and_rebuilds_the_summaries(settings):
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    roll = tasks["accounts.roll_participant_summaries"]
    assert (roll.hour, roll.minute) == ({0}, {5})
    assert "accounts.rebuild_participant_summaries" in tasks
