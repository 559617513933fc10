"""Registration facts qualification reads: the SFA, the PUCT certification and the QSE Acknowledgement."""

import datetime

import pytest

from ercot_services.core.models import AuditEvent, DomainError
from registration.models import PuctCertification, QseAcknowledgement, SfaRecord
from registration.services import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record
from tests.accounts.factories import ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def legal(db):
    return StaffFactory(full_name="Lena Legal", groups=["Retail Operations"])


def _events(participant, verb):
    return list(AuditEvent.objects.filter(participant=participant, verb=verb).order_by("created_at", "id"))


def test_the_sfa_is_signed_then_processed_by_legal(participant, legal):
    signed = sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=False)
    assert (signed.signed_on, signed.processed_by_legal, signed.processed_at, signed.processed_by) == (
        D(2026, 2, 3),
        False,
        None,
        None,
    )

    processed = sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=True)

    assert processed.pk == signed.pk
    assert processed.processed_by_legal is True
    assert processed.processed_by == legal and processed.processed_at is not None
    assert SfaRecord.objects.get(participant=participant).processed_by_legal is True
    events = _events(participant, "registration.sfa_recorded")
    assert [e.changes for e in events] == [
        {"signed_on": [None, "2026-02-03"]},
        {"processed_by_legal": [False, True]},
    ]
    assert all(e.actor == legal for e in events)


def test_recording_the_same_sfa_again_adds_no_event(participant, legal):
    sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=True)
    sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=True)

    assert len(_events(participant, "registration.sfa_recorded")) == 1


def test_unprocessing_the_sfa_clears_who_processed_it(participant, legal):
    sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=True)
    record = sfa_record(actor=legal, participant=participant, signed_on=D(2026, 2, 3), processed_by_legal=False)

    assert (record.processed_by_legal, record.processed_at, record.processed_by) == (False, None, None)


def test_puct_certification_records_number_and_dates(participant, legal):
    record = puct_record(
        actor=legal,
        participant=participant,
        certificate_number=" 10234 ",
        issued_on=D(2025, 6, 1),
        expires_on=D(2027, 5, 31),
    )

    assert record.certificate_number == "10234"
    assert record.received_at is not None
    assert PuctCertification.objects.get(participant=participant).issued_on == D(2025, 6, 1)
    [event] = _events(participant, "registration.puct_recorded")
    assert event.changes["certification"] == [["", None, None], ["10234", "2025-06-01", "2027-05-31"]]


def test_a_certification_cannot_expire_before_it_was_issued(participant, legal):
    with pytest.raises(DomainError, match="cannot expire before it was issued"):
        puct_record(
            actor=legal,
            participant=participant,
            certificate_number="10234",
            issued_on=D(2026, 6, 1),
            expires_on=D(2026, 5, 31),
        )
    assert not PuctCertification.objects.exists()
    assert not _events(participant, "registration.puct_recorded")


def test_is_valid_on(participant, legal):
    record = puct_record(
        actor=legal,
        participant=participant,
        certificate_number="10234",
        issued_on=D(2025, 6, 1),
        expires_on=D(2026, 5, 31),
    )

    assert not record.is_valid_on(D(2025, 5, 31))
    assert record.is_valid_on(D(2025, 6, 1))
    assert record.is_valid_on(D(2026, 5, 31))
    assert not record.is_valid_on(D(2026, 6, 1))

    open_ended = puct_record(actor=legal, participant=participant, certificate_number="10234", issued_on=D(2025, 6, 1))
    assert open_ended.pk == record.pk
    assert open_ended.is_valid_on(D(2040, 1, 1))

    not_received = puct_record(
        actor=legal, participant=participant, certificate_number="10234", issued_on=D(2025, 6, 1), received=False
    )
    assert not_received.received_at is None
    assert not not_received.is_valid_on(D(2025, 7, 1))


def test_the_qse_acknowledgement_names_another_mp_that_is_a_qse(participant, qse_mp, legal):
    record = qse_acknowledgement_record(actor=legal, participant=participant, qse=qse_mp, processed_by_legal=True)

    record.refresh_from_db()
    assert record.qse == qse_mp
    assert (record.processed_by_legal, record.processed_by) == (True, legal)
    assert record.processed_at is not None
    assert list(qse_mp.acknowledged_by.all()) == [record]
    [event] = _events(participant, "registration.qse_acknowledgement_recorded")
    assert event.changes["acknowledgement"] == [[None, False], ["GCSS", True]]
    assert event.actor == legal


def test_the_acknowledgement_can_move_to_another_qse(participant, qse_mp, legal):
    qse_acknowledgement_record(actor=legal, participant=participant, qse=qse_mp, processed_by_legal=True)
    other_qse = ParticipantFactory(short_name="PERMIANGEN", role_codes=["QSE", "RE"])

    record = qse_acknowledgement_record(actor=legal, participant=participant, qse=other_qse, processed_by_legal=False)

    assert QseAcknowledgement.objects.get(participant=participant).qse == other_qse
    assert (record.processed_by_legal, record.processed_at, record.processed_by) == (False, None, None)
    assert len(_events(participant, "registration.qse_acknowledgement_recorded")) == 2


def test_the_acknowledgement_cannot_name_the_mp_itself_or_a_non_qse(participant, other_participant, legal):
    participant.roles.add(*other_participant.roles.all())  # even an LSE that is also a QSE names another MP
    with pytest.raises(DomainError, match="must name another Market Participant"):
        qse_acknowledgement_record(actor=legal, participant=participant, qse=participant, processed_by_legal=True)
    tdsp = ParticipantFactory(short_name="ONCOR", role_codes=["TDSP"])
    with pytest.raises(DomainError, match="ONCOR is not a registered QSE"):
        qse_acknowledgement_record(actor=legal, participant=participant, qse=tdsp, processed_by_legal=True)

    assert not QseAcknowledgement.objects.exists()
    assert not _events(participant, "registration.qse_acknowledgement_recorded")


# --- "qualified to serve load" is a fact about the QSE (issue 11, item 10) ----------------------------------------


def test_qualified_to_serve_load_is_recorded_on_the_qse_with_who_when_and_why(qse_mp, legal):
    record = qse_load_qualification_record(
        actor=legal, qse=qse_mp, qualified=True, reason="QSE qualification complete."
    )
    assert (record.qse, record.qualified, record.recorded_by) == (qse_mp, True, legal)
    assert record.recorded_at is not None

    qse_load_qualification_record(actor=legal, qse=qse_mp, qualified=False, reason="Credit limit suspended.")

    events = _events(qse_mp, "registration.qse_load_qualification_recorded")
    assert [e.changes["qualified_to_serve_load"] for e in events] == [[None, True], [True, False]]
    assert [e.reason for e in events] == ["QSE qualification complete.", "Credit limit suspended."]
    assert all(e.actor == legal for e in events)


def test_two_lses_naming_the_same_qse_read_the_same_answer(participant, qse_mp, legal):
    other_participant = ParticipantFactory(short_name="PECOS", role_codes=["LSE"])
    first = qse_acknowledgement_record(actor=legal, participant=participant, qse=qse_mp, processed_by_legal=True)
    second = qse_acknowledgement_record(actor=legal, participant=other_participant, qse=qse_mp, processed_by_legal=True)
    assert not first.qse_qualified_to_serve_load and not second.qse_qualified_to_serve_load  # nothing recorded yet

    qse_load_qualification_record(actor=legal, qse=qse_mp, qualified=True, reason="Qualified.")

    answers = {
        ack.participant_id: ack.qse_qualified_to_serve_load
        for ack in QseAcknowledgement.objects.select_related("qse__load_qualification")
    }
    assert answers == {participant.pk: True, other_participant.pk: True}


def test_only_a_qse_is_qualified_to_serve_load(participant, legal):
    with pytest.raises(DomainError, match="is not a registered QSE"):
        qse_load_qualification_record(actor=legal, qse=participant, qualified=True, reason="")
