"""The criteria gate for a new MP (an LSE), seed 004: each criterion read from the registration facts (#4),
met or missing with the reason, and no letter while any is missing."""

from __future__ import annotations

import pytest

from ercot_services.core.models import DomainError
from qualification.models import ChangeKind, EnrollmentStatus, ParticipantKind, QualificationLetter
from qualification.services import criteria_applies, criteria_evaluate, letter_blockers
from tests.accounts.factories import ParticipantFactory

from .conftest import add_contacts

pytestmark = pytest.mark.django_db

SFA_LABEL = "Signed SFA processed by Legal"
PUCT_LABEL = "PUCT certification received and valid"
ACK_LABEL = "QSE Acknowledgement processed, with a QSE qualified to serve load"


def criterion(participant, key):
    found = {c.key: c for c in criteria_evaluate(participant)}
    assert list(found) == ["sfa", "puct", "qse_ack"]
    return found[key]


# --- each criterion from the registration facts ---------------------------------------------------


@pytest.mark.parametrize(
    "record, met, detail",
    [
        pytest.param(None, False, "No signed Standard Form Agreement is on file.", id="no-sfa"),
        pytest.param(
            {"signed": False, "processed": False}, False, "No signed Standard Form Agreement is on file.", id="unsigned"
        ),
        pytest.param(
            {"signed": True, "processed": False}, False, "but not yet processed by Legal", id="signed-not-processed"
        ),
        pytest.param({"signed": True, "processed": True}, True, "processed by Legal", id="processed"),
    ],
)
def test_the_sfa_criterion(new_lse, facts, record, met, detail):
    if record is not None:
        facts.sfa(new_lse, **record)

    c = criterion(new_lse, "sfa")

    assert (c.label, c.met, c.source) == (SFA_LABEL, met, "Registration: SFA")
    assert detail in c.detail
    if record and record["signed"]:
        assert f"Signed {new_lse.sfa.signed_on:%b %d, %Y}" in c.detail


@pytest.mark.parametrize(
    "record, met, detail",
    [
        pytest.param(None, False, "No PUCT certification has been received.", id="no-puct"),
        pytest.param({"received": False}, False, "No PUCT certification has been received.", id="not-received"),
        pytest.param({"expired": True}, False, "Certificate 10234 is not valid today", id="expired"),
        pytest.param({}, True, "Certificate 10234, issued", id="valid"),
    ],
)
def test_the_puct_criterion(new_lse, facts, record, met, detail):
    if record is not None:
        facts.puct(new_lse, **record)

    c = criterion(new_lse, "puct")

    assert (c.label, c.met, c.source) == (PUCT_LABEL, met, "Registration: PUCT certification")
    assert detail in c.detail
    if record and record.get("expired"):
        assert f"expires {new_lse.puct_certification.expires_on:%b %d, %Y}" in c.detail


@pytest.mark.parametrize(
    "record, met, detail",
    [
        pytest.param(None, False, "No QSE Acknowledgement (Form H) is on file.", id="no-ack"),
        pytest.param(
            {"processed": False, "qualified": True},
            False,
            "Names GCSS but is not yet processed by Legal.",
            id="not-processed",
        ),
        pytest.param(
            {"processed": True, "qualified": False},
            False,
            "GCSS is not qualified to serve load.",
            id="qse-not-qualified",
        ),
        pytest.param(
            {"processed": True, "qualified": True},
            True,
            "Processed; QSE GCSS is qualified to serve load.",
            id="complete",
        ),
    ],
)
def test_the_qse_acknowledgement_criterion(new_lse, facts, record, met, detail):
    if record is not None:
        facts.qse_ack(new_lse, **record)

    c = criterion(new_lse, "qse_ack")

    assert (c.label, c.met, c.source) == (ACK_LABEL, met, "Registration: Form H")
    assert c.detail == detail


def test_all_three_met(ready_lse):
    assert all(c.met for c in criteria_evaluate(ready_lse))


def test_criteria_are_read_per_participant(ready_lse, new_lse, facts, qualification_reference_data):
    """Another LSE's facts do not count for this one."""
    other = ParticipantFactory(short_name="OTHERLSE", role_codes=["REP", "LSE"])
    assert [c.met for c in criteria_evaluate(other)] == [False, False, False]
    assert all(c.met for c in criteria_evaluate(ready_lse))


# --- the gate on the letter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing, expected",
    [
        pytest.param("sfa", f"{SFA_LABEL}: Signed", id="sfa-not-processed"),
        pytest.param("puct", f"{PUCT_LABEL}: Certificate 10234 is not valid today", id="puct-expired"),
        pytest.param("qse_ack", f"{ACK_LABEL}: GCSS is not qualified to serve load.", id="qse-not-qualified"),
    ],
)
def test_no_letter_while_a_criterion_is_missing_and_the_refusal_names_it(q, new_lse, facts, oncor, missing, expected):
    facts.sfa(new_lse, processed=missing != "sfa")
    facts.puct(new_lse, expired=missing == "puct")
    facts.qse_ack(new_lse, qualified=missing != "qse_ack")
    enrollment = q.ready(new_lse, [oncor], change=ChangeKind.NEW_ENTITY)
    assert criteria_applies(enrollment)

    blockers = letter_blockers(enrollment)
    assert len(blockers) == 1 and blockers[0].startswith(expected)
    with pytest.raises(DomainError) as refused:
        q.issue(enrollment)

    assert str(refused.value).startswith("No letter can be generated: ")
    assert expected in str(refused.value)
    assert not QualificationLetter.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.HANDED_OVER

    # Once the fact is put right, the letter is issued.
    {"sfa": lambda: facts.sfa(new_lse), "puct": lambda: facts.puct(new_lse), "qse_ack": lambda: facts.qse_ack(new_lse)}[
        missing
    ]()
    assert letter_blockers(enrollment) == []
    assert q.issue(enrollment).enrollment == enrollment


def test_every_missing_criterion_is_named(q, new_lse, oncor):
    enrollment = q.ready(new_lse, [oncor], change=ChangeKind.NEW_ENTITY)

    with pytest.raises(DomainError) as refused:
        q.issue(enrollment)

    message = str(refused.value)
    assert f"{SFA_LABEL}: No signed Standard Form Agreement is on file." in message
    assert f"{PUCT_LABEL}: No PUCT certification has been received." in message
    assert f"{ACK_LABEL}: No QSE Acknowledgement (Form H) is on file." in message
    assert not QualificationLetter.objects.exists()


def test_the_criteria_do_not_apply_to_a_current_mp(q, rep, oncor):
    """A current REP + LSE with no registration facts on file gets its letter."""
    enrollment = q.ready(rep, [oncor])
    assert enrollment.participant_kind == ParticipantKind.CURRENT
    assert not criteria_applies(enrollment)
    assert letter_blockers(enrollment) == []
    assert q.issue(enrollment).number.startswith("QL-")


def test_the_criteria_apply_to_a_new_lse_only(q, qualification_reference_data, oncor):
    new_qse = add_contacts(
        ParticipantFactory(
            legal_name="Llano Scheduling LLC", short_name="LLANO", role_codes=["QSE"], status="qualifying"
        ),
        "llano.example",
        ar="Lena Lopez",
        bar="Luis Lara",
    )
    enrollment = q.ready(new_qse, [oncor], change=ChangeKind.NEW_ENTITY)
    assert enrollment.participant_kind == ParticipantKind.NEW
    assert not criteria_applies(enrollment)
    assert letter_blockers(enrollment) == []


# --- every new MP that serves load (issue 11, item 8) ------------------------------------------------------


@pytest.fixture
def new_rep(qualification_reference_data):
    """A new REP registered without the separate LSE role: it serves load all the same."""
    mp = ParticipantFactory(
        legal_name="Pecan Street Power LLC", short_name="PECANST", role_codes=["REP"], status="qualifying"
    )
    return add_contacts(mp, "pecanst.example", ar="Paula Price", bar="Pete Park")


def test_a_new_rep_without_the_lse_role_is_held_to_the_criteria_and_each_missing_item_is_named(q, new_rep, oncor):
    enrollment = q.ready(new_rep, [oncor], change=ChangeKind.NEW_ENTITY)

    assert criteria_applies(enrollment)
    blockers = letter_blockers(enrollment)
    assert blockers == [
        f"{SFA_LABEL}: No signed Standard Form Agreement is on file.",
        f"{PUCT_LABEL}: No PUCT certification has been received.",
        f"{ACK_LABEL}: No QSE Acknowledgement (Form H) is on file.",
    ]
    with pytest.raises(DomainError):
        q.issue(enrollment)
    assert not QualificationLetter.objects.exists()


def test_a_new_rep_with_all_three_facts_gets_its_letter(q, new_rep, facts, oncor):
    facts.all(new_rep)
    enrollment = q.ready(new_rep, [oncor], change=ChangeKind.NEW_ENTITY)

    assert letter_blockers(enrollment) == []
    assert q.issue(enrollment).enrollment == enrollment


# --- the QSE's own "qualified to serve load" (issue 11, item 10) --------------------------------------------------------


def test_changing_the_qse_changes_the_criteria_of_every_lse_that_names_it(new_lse, new_rep, facts, retail_ops, qse):
    from registration.services import qse_load_qualification_record

    facts.all(new_lse)
    facts.all(new_rep)
    assert criterion(new_lse, "qse_ack").met and criterion(new_rep, "qse_ack").met

    qse_load_qualification_record(actor=retail_ops, qse=qse, qualified=False, reason="Suspended by Credit.")

    for participant in (new_lse, new_rep):
        c = criterion(participant, "qse_ack")
        assert (c.met, c.detail) == (False, "GCSS is not qualified to serve load.")
