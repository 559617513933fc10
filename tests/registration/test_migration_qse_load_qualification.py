"""Migration 0004: the answers recorded on each LSE's QSE Acknowledgement move onto the QSE (issue 11, item 10)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("registration", "0003_action_permissions")]
VERB = "registration.qse_load_qualification_recorded"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_answers_move_to_the_qse_and_when_they_disagree_the_most_recent_wins_and_says_so():
    graph = MigrationExecutor(connection).loader.graph
    after = graph.leaf_nodes()
    # Every other app stays at its latest migration, except those that need the later registration migrations
    # (plans' models point at registration's latest state): going back unapplies them too.
    later = ("registration", "0004_qse_load_qualification")
    others = [node for node in after if node[0] != "registration" and later not in graph.forwards_plan(node)]
    apps = _migrate(others + BEFORE)
    try:
        Participant = apps.get_model("accounts", "MarketParticipant")
        Ack = apps.get_model("registration", "QseAcknowledgement")
        gcss, bbes = (Participant.objects.create(legal_name=f"{n} LLC", short_name=n) for n in ("GCSS", "BBES"))
        caprock, sabine, pecos = (
            Participant.objects.create(legal_name=f"{n} LLC", short_name=n) for n in ("CAPROCK", "SABINE", "PECOS")
        )
        now = timezone.now()
        for lse, qse, answer, days_ago in ((caprock, gcss, True, 30), (sabine, gcss, False, 2), (pecos, bbes, True, 5)):
            ack = Ack.objects.create(
                participant=lse, qse=qse, processed_by_legal=True, qse_qualified_to_serve_load=answer
            )
            Ack.objects.filter(pk=ack.pk).update(updated_at=now - datetime.timedelta(days=days_ago))
    finally:
        apps = _migrate(after)

    Load = apps.get_model("registration", "QseLoadQualification")
    AuditEvent = apps.get_model("core", "AuditEvent")
    answers = {record.qse.short_name: record for record in Load.objects.select_related("qse")}
    assert {name: record.qualified for name, record in answers.items()} == {"GCSS": False, "BBES": True}
    disagreement = "disagreed (CAPROCK: qualified; SABINE: not qualified): the most recent one was kept"
    assert disagreement in answers["GCSS"].reason
    assert "SABINE" in answers["GCSS"].reason and "disagreed" not in answers["BBES"].reason
    events = AuditEvent.objects.filter(verb=VERB).order_by("participant__short_name")
    assert [(e.participant.short_name, e.changes["qualified_to_serve_load"]) for e in events] == [
        ("BBES", [None, True]),
        ("GCSS", [None, False]),
    ]
