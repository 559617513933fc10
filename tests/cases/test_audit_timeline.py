"""The one timeline language (``core.timeline``, ``{% audit_timeline %}``), read from events the services write."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cases.events import CaseEvent
from cases.models import Case, CaseStatus, DisputeOutcome
from cases.services import case_assign, case_start_work, dispute_resolve
from ercot_services.core.audit import audit_record
from ercot_services.core.models import AuditEvent
from ercot_services.core.timeline import format_value, timeline_entries, verb_label

pytestmark = pytest.mark.django_db


def _events(case):
    return AuditEvent.objects.for_object(case).select_related("actor", "target_content_type")


def _render(events) -> str:
    return Template("{% load audit %}{% audit_timeline events %}").render(Context({"events": events}))


def test_a_resolved_dispute_reads_with_labels_choices_and_the_operator_time(dispute, am_user):
    case_start_work(actor=am_user, case=dispute)
    dispute_resolve(
        actor=am_user,
        case=dispute,
        outcome=DisputeOutcome.GRANTED,
        outcome_explanation="The charge was doubled.",
        granted_amount=Decimal("100.00"),
    )
    resolved = _events(dispute).filter(changes__status__1=CaseStatus.RESOLVED).get()
    html = _render(_events(dispute))

    assert "Case status changed" in html
    assert '<span class="text-muted">Status:</span> In Progress → <strong>Resolved</strong>' in html
    assert '<span class="text-muted">Outcome:</span> — → <strong>Granted</strong>' in html
    assert "in_progress" not in html and "status_changed" not in html
    shown = timezone.localtime(resolved.created_at, datetime.timezone(datetime.timedelta(hours=-6)))
    assert f"{shown:%b} {shown.day}, {shown:%Y %H:%M}" in html  # December: Chicago is UTC-6
    assert str(am_user) in html


def test_the_events_of_one_request_are_one_entry_and_other_people_start_a_new_one(dispute, am_user, sme, mp_user):
    case_start_work(actor=am_user, case=dispute)
    audit_record(actor=am_user, verb=CaseEvent.CASE_NOTE_ADDED, target=dispute)
    case_assign(actor=am_user, case=dispute, assignee=sme, reason="Settlements question")

    entries = timeline_entries(_events(dispute))

    # Newest first: the AM's three changes within one second are one entry; the MP user's submission is its own.
    assert [len(entry.items) for entry in entries] == [3, 1]
    assert entries[0].actor == am_user and entries[1].actor == mp_user
    assert [item.label for item in entries[0].items] == ["Case assigned", "Case note added", "Case status changed"]
    assignment = entries[0].items[0]
    assert [(c.label, c.new) for c in assignment.changes] == [("Assignee", str(sme))]
    assert assignment.reason == "Settlements question"
    html = _render(_events(dispute))
    assert html.count('class="timeline-entry"') == 2


def test_events_a_second_apart_are_separate_entries(dispute, am_user):
    first = Case.objects.get(pk=dispute.pk)
    later = timezone.now() + datetime.timedelta(seconds=5)
    audit_record(actor=am_user, verb=CaseEvent.CASE_NOTE_ADDED, target=first, at=later)
    audit_record(actor=am_user, verb=CaseEvent.CASE_NOTE_ADDED, target=first, at=later + datetime.timedelta(seconds=2))
    entries = timeline_entries(_events(dispute).filter(verb=CaseEvent.CASE_NOTE_ADDED))
    assert [len(entry.items) for entry in entries] == [1, 1]


def test_a_field_without_a_verbose_name_and_a_fact_of_the_event_read_for_people(dispute):
    audit_record(
        actor=None,
        verb=CaseEvent.CASE_SLA_CHANGED,
        target=dispute,
        changes={"sla_state": ("on_track", "breached"), "paused_at": (None, "2026-12-01T16:30:00+00:00")},
    )
    item = timeline_entries(_events(dispute).filter(verb=CaseEvent.CASE_SLA_CHANGED))[0].items[0]
    assert item.label == "Case SLA changed"
    lines = {change.label: change for change in item.changes}  # jsonb keeps no key order
    sla, paused = lines["SLA state"], lines["Paused at"]
    assert (sla.label, sla.old, sla.new, sla.is_fact) == ("SLA state", "On track", "Breached", False)
    assert (paused.label, paused.new, paused.is_fact) == ("Paused at", "Dec 1, 2026 10:30", True)
    html = _render(_events(dispute).filter(verb=CaseEvent.CASE_SLA_CHANGED))
    assert "System" in html and "sla state" not in html and "on_track" not in html


def test_values_are_formatted_for_people():
    assert format_value(None) == format_value("") == format_value([]) == "—"
    assert (format_value(True), format_value(False)) == ("Yes", "No")
    assert format_value("2026-07-04") == "Jul 4, 2026"
    assert format_value("2026-07-04T05:00:00+00:00") == "Jul 4, 2026 00:00"  # CDT is UTC-5
    assert format_value("208866.00", Case._meta.get_field("sla_state")) == "208866.00"
    assert format_value(Decimal("208866.00")) == "208,866.00"
    assert format_value(["a", None]) == "a, —"
    assert format_value("breached", Case._meta.get_field("sla_state")) == "Breached"


def test_every_verb_the_apps_write_has_its_enum_label_and_an_unknown_one_reads_as_words():
    assert verb_label("notice.returned") == "Notice returned to draft"
    assert verb_label("registration.puct_recorded") == "PUCT registration recorded"
    assert verb_label("api_key.revoked") == "API key revoked"
    assert verb_label("legacy.thing_done") == "Thing done"


def test_the_case_page_shows_the_timeline_in_the_shared_language(
    dispute, am_user, client, django_assert_max_num_queries
):
    case_start_work(actor=am_user, case=dispute)
    client.force_login(am_user)
    url = reverse("workspace:case-detail", args=[dispute.reference])
    client.get(url)
    with django_assert_max_num_queries(60):
        page = client.get(url).content.decode()
    timeline = page.split('id="timeline-heading"')[1]
    assert "Case status changed" in timeline and "New → <strong>In Progress</strong>" in timeline
