"""The qualification section of ``seed_demo`` (seed 004): flights, enrollments, results, letters and tasks.

Three flights relative to today: a past one (started about four months ago, completed), the current one
(testing since the 1st of this month, or of last month early in a month) and a future one still open for
applications. Enrollments cover every :class:`EnrollmentStatus`:

* past flight: TRINITY (current REP, new territory, tested with TDSPs → letter with TDSP copies),
  BLUEBONNET (new functionality → letter), PECOS (new entity → letter, certificate installed, connectivity
  passed, its AR's ticket resolved), MESQUITE (banking change → recorded, no letter), GULFSTREAM (withdrawn);
* current flight: CAPROCK (a new LSE with every criterion met → letter, certificate requested, connectivity
  specifications requested; its AR submits the Service Desk ticket once they are
  updated), SABINE (a new LSE whose SFA is
  signed but not processed by Legal → handed over, blocked), COASTALBEND (handed over, ready for a letter),
  BIGSKY (service provider change → recorded, updated connectivity specifications requested), BLUEBONNET (new
  territory, testing), LONGHORN (testing, no result yet), ALAMO (enrolled late by override, failed),
  PINEYWOODS (enrolled, not started);
* future flight: REDRIVER (new territory), LANTANA (a new LSE still registering) and, from an approved
  Notice of Change that needs testing (the registration section's territory addition), HILLCOUNTRY: enrolled.

A new MP's enrollment links its approved initial registration when the registration section made one.

Everything goes through the services with explicit dates (deadlines, test dates, letter dates). Services
stamp some times with "now" (hand-over, delivery sent); those are moved back to the day they stand for,
like the cases section does. Emails of this demo history are not sent: see :func:`_send_quietly`.
Idempotent: skipped when any flight exists.
"""

from __future__ import annotations

import datetime

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import ContactRank, ContactRole, MarketParticipant, Membership
from accounts.services import membership_add
from cases.services import case_resolve
from ercot_services.core.outbox import outbox_suppressed
from registration.models import Application, ApplicationKind, ApplicationStatus, QseAcknowledgement, SfaRecord
from registration.services import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record

from ..models import (
    BusinessFunction,
    CertificateRequest,
    CertificateStatus,
    ChangeKind,
    ConnectivitySpec,
    ConnectivityTest,
    Enrollment,
    Flight,
    FlightResult,
    FlightStatus,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from ..services import (
    CHANGE_FROM_REGISTRATION,
    certificate_advance,
    connectivity_spec_update,
    connectivity_test_record,
    connectivity_ticket_draft,
    connectivity_ticket_submit,
    enrollment_create,
    enrollment_from_application,
    enrollment_record_without_letter,
    enrollment_start_testing,
    enrollment_withdraw,
    flight_create,
    letter_issue,
    result_hand_over,
    result_record,
)
from ..tasks import send_letter_deliveries

FLIGHT_ADMIN = "flightadmin@ercot.example"
RETAIL_OPS = "retailops@ercot.example"
DAY = datetime.timedelta(days=1)


def _first_of_month(day: datetime.date, months_back: int = 0) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


def _send_quietly(letter: QualificationLetter, sent_on: datetime.date) -> None:
    """Mark the demo letter's deliveries sent without emailing anyone.

    ``letter_issue`` queues the send with ``transaction.on_commit``, and ``seed_demo`` runs in one
    transaction, so that callback would fire after the command's commit with the real email backend.
    Instead the real task runs here, now, against Django's in-memory (locmem) backend: every delivery
    row goes through the real code path (attempts, Message-ID, status "sent") but no message leaves
    the process. When the on-commit callback fires later it finds nothing pending and sends nothing
    (the task never sends a delivery twice). ``sent_at`` is then moved to the letter's date.
    """
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        send_letter_deliveries.run(letter_id=letter.pk)
    LetterDelivery.objects.filter(letter=letter, status=LetterDelivery.Status.SENT).update(sent_at=_moment(sent_on, 11))


def seed_qualification(ctx) -> None:
    by_short = {p.short_name: p for p in MarketParticipant.objects.prefetch_related("roles")}
    sabine_ar = _authorized_rep(by_short.get("SABINE"))
    if sabine_ar is not None:
        ctx.signins.append(("MP Authorized Rep (new LSE, letter blocked by a criterion)", sabine_ar.email, "/portal/"))
    if Flight.objects.exists():
        return
    needed = [
        "TRINITY",
        "BLUEBONNET",
        "PECOS",
        "MESQUITE",
        "GULFSTREAM",
        "CAPROCK",
        "SABINE",
        "COASTALBEND",
        "BIGSKY",
        "LONGHORN",
        "ALAMO",
        "PINEYWOODS",
        "REDRIVER",
        "LANTANA",
        "ONCOR",
        "CNP",
        "AEP-TCC",
        "TNMP",
        "GCSS",
        "BBES",
    ]
    if any(name not in by_short for name in needed) or FLIGHT_ADMIN not in ctx.users or RETAIL_OPS not in ctx.users:
        return
    with outbox_suppressed():
        _Seeder(ctx, by_short).run()


def _authorized_rep(participant):
    if participant is None:
        return None
    membership = (
        Membership.objects.active()
        .filter(participant=participant, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


class _Seeder:
    """The qualification demo, step by step: flights, the new LSEs' registration facts, then each flight's MPs."""

    def __init__(self, ctx, mp: dict):
        self.ctx = ctx
        self.mp = mp
        self.admin = ctx.users[FLIGHT_ADMIN]
        self.ops = ctx.users[RETAIL_OPS]
        self.legal = ctx.lead
        self.today = timezone.localdate()
        self.functions = {f.code: f for f in BusinessFunction.objects.all()}
        self.core = self.fns("enrollment-switch", "move-in", "move-out", "usage-invoicing")
        self.full = self.fns(
            "enrollment-switch",
            "move-in",
            "move-out",
            "usage-invoicing",
            "historical-usage",
            "reinstatement",
            "switch-hold",
        )

    def fns(self, *codes) -> list[BusinessFunction]:
        return [self.functions[c] for c in codes if c in self.functions]

    def run(self) -> None:
        today = self.today
        past = self.make_flight(_first_of_month(today, 4), 6, FlightStatus.COMPLETED, "Summer retail market testing.")
        current_start = _first_of_month(today, 0 if today.day >= 15 else 1)
        current = self.make_flight(current_start, 10, FlightStatus.TESTING, "Includes two new LSEs.")
        future = self.make_flight(_first_of_month(today, -2), 8, FlightStatus.OPEN, "Open for applications.")
        self.registration_facts()
        self.past_flight(past)
        self.current_flight(current)
        self.future_flight(future)
        self.ctx.created["enrollments"] += Enrollment.objects.count()

    # --- building blocks ---------------------------------------------------------------------------------

    def make_flight(self, start: datetime.date, weeks: int, status: str, notes: str) -> Flight:
        flight = flight_create(
            actor=self.admin,
            start_date=start,
            end_date=start + datetime.timedelta(weeks=weeks),
            application_deadline=start - datetime.timedelta(days=30),
            registration_deadline=start - datetime.timedelta(days=14),
            notes=notes,
        )
        # No service moves a flight's status (the Flight Administrator sets it on the board); the demo
        # writes the status the dates imply.
        Flight.objects.filter(pk=flight.pk).update(status=status)
        flight.status = status
        self.ctx.created["flights"] += 1
        return flight

    def enroll(self, flight, short, kind, change, *, on=None, override="") -> Enrollment:
        # A new MP's enrollment comes from its approved initial registration when the registration section made one.
        application = None
        if kind == ParticipantKind.NEW:
            application = Application.objects.filter(
                participant=self.mp[short], kind=ApplicationKind.INITIAL, status=ApplicationStatus.APPROVED
            ).first()
        return enrollment_create(
            actor=self.admin,
            flight=flight,
            participant=self.mp[short],
            participant_kind=kind,
            change_kind=change,
            application=application,
            override_reason=override,
            today=on or flight.application_deadline - 5 * DAY,
        )

    def test(self, enrollment, *, completed, partners, functions_tested, tested_on, notes="") -> None:
        enrollment_start_testing(actor=self.admin, enrollment=enrollment)
        result_record(
            actor=self.admin,
            enrollment=enrollment,
            completed=completed,
            trading_partners=[self.mp[p] for p in partners],
            business_functions=functions_tested,
            tested_on=tested_on,
            notes=notes,
        )

    def hand_over(self, enrollment, on) -> Enrollment:
        enrollment = result_hand_over(actor=self.admin, enrollment=enrollment)
        FlightResult.objects.filter(enrollment=enrollment).update(handed_over_at=_moment(on, 15))
        return enrollment

    def issue(self, enrollment, on, effective=None) -> QualificationLetter:
        letter = letter_issue(actor=self.ops, enrollment=enrollment, today=on, effective_date=effective or on)
        _send_quietly(letter, on)
        # A new MP's certificate is requested with its letter (the service stamps the time of this run).
        CertificateRequest.objects.filter(enrollment=enrollment).update(requested_at=_moment(on, 15))
        self.ctx.created["letters"] += 1
        return letter

    # --- the registration facts of the new LSEs (read by the criteria gate) ------------------------------------

    def registration_facts(self) -> None:
        legal, mp, today = self.legal, self.mp, self.today
        for short, signed_back, processed in [("CAPROCK", 120, True), ("PECOS", 230, True), ("SABINE", 40, False)]:
            sfa_record(
                actor=legal, participant=mp[short], signed_on=today - signed_back * DAY, processed_by_legal=processed
            )
        for short, number, issued_back in [
            ("CAPROCK", "PUCT-10482", 100),
            ("PECOS", "PUCT-10317", 210),
            ("SABINE", "PUCT-10511", 35),
        ]:
            puct_record(
                actor=legal, participant=mp[short], certificate_number=number, issued_on=today - issued_back * DAY
            )
        for short in ("GCSS", "BBES"):  # the demo QSEs: qualified to serve load (a fact about the QSE)
            qse_load_qualification_record(
                actor=legal, qse=mp[short], qualified=True, reason="QSE qualification completed (demo data)."
            )
        qse_acknowledgement_record(actor=legal, participant=mp["CAPROCK"], qse=mp["GCSS"], processed_by_legal=True)
        qse_acknowledgement_record(actor=legal, participant=mp["PECOS"], qse=mp["BBES"], processed_by_legal=True)
        qse_acknowledgement_record(actor=legal, participant=mp["SABINE"], qse=mp["GCSS"], processed_by_legal=True)
        # The services stamp "processed" with the time of this run; Legal processed them soon after signing.
        for short, processed_back in (("CAPROCK", 110), ("PECOS", 220), ("SABINE", 30)):
            SfaRecord.objects.filter(participant=mp[short], processed_by_legal=True).update(
                processed_at=_moment(today - processed_back * DAY, 14)
            )
            QseAcknowledgement.objects.filter(participant=mp[short], processed_by_legal=True).update(
                processed_at=_moment(today - (processed_back - 5) * DAY, 14)
            )
        for short, name in (("CAPROCK", "Jordan Whitley"), ("PECOS", "Renee Castillo")):
            _ensure_security_administrator(self.ctx, mp[short], name)

    # --- the flights ----------------------------------------------------------------------------------------------

    def past_flight(self, past: Flight) -> None:
        enroll, test, hand_over, issue = self.enroll, self.test, self.hand_over, self.issue
        done = past.end_date - 10 * DAY
        trinity = enroll(past, "TRINITY", ParticipantKind.CURRENT, ChangeKind.NEW_TERRITORY)
        test(
            trinity,
            completed=True,
            partners=["ONCOR", "CNP"],
            functions_tested=self.core,
            tested_on=done,
            notes="New territory: CenterPoint. Retested move-ins after a 814_16 mapping fix.",
        )
        bluebonnet_past = enroll(past, "BLUEBONNET", ParticipantKind.CURRENT, ChangeKind.NEW_FUNCTIONALITY)
        test(
            bluebonnet_past,
            completed=True,
            partners=["ONCOR", "TNMP"],
            functions_tested=self.fns("historical-usage", "reinstatement"),
            tested_on=done - 4 * DAY,
        )
        pecos = enroll(past, "PECOS", ParticipantKind.NEW, ChangeKind.NEW_ENTITY)
        test(pecos, completed=True, partners=["ONCOR", "AEP-TCC"], functions_tested=self.full, tested_on=done - 2 * DAY)
        # Letters are issued in date order, so their numbers follow the calendar.
        issue(hand_over(bluebonnet_past, done - 3 * DAY), done - DAY)
        issue(hand_over(pecos, done - DAY), done + 2 * DAY)
        issue(hand_over(trinity, done + DAY), done + 3 * DAY)
        _complete_onboarding(self.ctx, self.mp["PECOS"], on=done + 20 * DAY)

        mesquite = enroll(past, "MESQUITE", ParticipantKind.CURRENT, ChangeKind.BANKING)
        test(mesquite, completed=True, partners=["ONCOR"], functions_tested=self.fns("usage-invoicing"), tested_on=done)
        enrollment_record_without_letter(actor=self.ops, enrollment=hand_over(mesquite, done + DAY))

        gulfstream = enroll(past, "GULFSTREAM", ParticipantKind.CURRENT, ChangeKind.NEW_TERRITORY)
        enrollment_withdraw(
            actor=self.admin, enrollment=gulfstream, reason="The MP postponed its entry into the TNMP territory."
        )

    def current_flight(self, current: Flight) -> None:
        enroll, test, hand_over = self.enroll, self.test, self.hand_over
        early = min(current.start_date + 7 * DAY, self.today - 6 * DAY)
        caprock = enroll(current, "CAPROCK", ParticipantKind.NEW, ChangeKind.NEW_ENTITY)
        test(caprock, completed=True, partners=["ONCOR", "TNMP"], functions_tested=self.full, tested_on=early)
        self.issue(hand_over(caprock, early + DAY), early + 3 * DAY)  # certificate, specs task and request follow

        sabine = enroll(current, "SABINE", ParticipantKind.NEW, ChangeKind.NEW_ENTITY)
        test(sabine, completed=True, partners=["CNP"], functions_tested=self.core, tested_on=early + DAY)
        hand_over(sabine, early + 2 * DAY)  # blocked: the SFA is signed but not processed by Legal

        coastal = enroll(current, "COASTALBEND", ParticipantKind.CURRENT, ChangeKind.NEW_TERRITORY)
        test(coastal, completed=True, partners=["AEP-TCC"], functions_tested=self.core, tested_on=early + 2 * DAY)
        hand_over(coastal, early + 3 * DAY)  # ready for a letter

        bigsky = enroll(current, "BIGSKY", ParticipantKind.CURRENT, ChangeKind.SERVICE_PROVIDER)
        test(
            bigsky,
            completed=True,
            partners=["ONCOR"],
            functions_tested=self.fns("enrollment-switch", "usage-invoicing"),
            tested_on=early,
            notes="New EDI service provider; transactions re-verified end to end.",
        )
        enrollment_record_without_letter(actor=self.ops, enrollment=hand_over(bigsky, early + DAY))

        bluebonnet = enroll(current, "BLUEBONNET", ParticipantKind.CURRENT, ChangeKind.NEW_TERRITORY)
        enrollment_start_testing(actor=self.admin, enrollment=bluebonnet)
        longhorn = enroll(current, "LONGHORN", ParticipantKind.CURRENT, ChangeKind.NEW_FUNCTIONALITY)
        enrollment_start_testing(actor=self.admin, enrollment=longhorn)

        alamo = enroll(
            current,
            "ALAMO",
            ParticipantKind.CURRENT,
            ChangeKind.NEW_FUNCTIONALITY,
            on=current.application_deadline + 3 * DAY,
            override="Application arrived three days late; the MP's test scripts were ready and a TDSP slot was free.",
        )
        test(
            alamo,
            completed=False,
            partners=["ONCOR"],
            functions_tested=self.fns("switch-hold"),
            tested_on=early + 2 * DAY,
            notes="Switch-hold removal transactions rejected by the TDSP; retest after the fix.",
        )

        enroll(current, "PINEYWOODS", ParticipantKind.CURRENT, ChangeKind.NEW_FUNCTIONALITY)

    def future_flight(self, future: Flight) -> None:
        self.enroll(future, "REDRIVER", ParticipantKind.CURRENT, ChangeKind.NEW_TERRITORY, on=self.today)
        self.enroll(future, "LANTANA", ParticipantKind.NEW, ChangeKind.NEW_ENTITY, on=self.today)
        # An approved Notice of Change that needs testing (the registration section's territory addition).
        revision = (
            Application.objects.filter(kind=ApplicationKind.REVISION, status=ApplicationStatus.APPROVED)
            .exclude(participant__enrollments__flight=future)
            .order_by("pk")
        )
        for application in revision:
            if any(value in CHANGE_FROM_REGISTRATION for value in application.change_types):
                enrollment_from_application(actor=self.admin, application=application, flight=future)
                break


def _ensure_security_administrator(ctx, participant, full_name: str) -> None:
    """The production certificate goes to the MP's User Security Administrator: name one if none is on file."""
    if (
        Membership.objects.active()
        .filter(participant=participant, contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR)
        .exists()
    ):
        return
    ar = _authorized_rep(participant)
    domain = ar.email.split("@", 1)[1] if ar else f"{participant.short_name.lower()}.example"
    user = ctx.get_or_create_user(
        f"{full_name.lower().replace(' ', '.')}@{domain}",
        full_name,
        job_title="IT Security Administrator",
        phone=ar.phone if ar else "",
    )
    membership_add(
        actor=ctx.lead,
        participant=participant,
        user=user,
        contact_role=ContactRole.USER_SECURITY_ADMINISTRATOR,
        rank=ContactRank.PRIMARY,
        reason="Named on the registration forms",
    )
    ctx.created["memberships"] += 1


def _complete_onboarding(ctx, participant, *, on: datetime.date) -> None:
    """A new MP that went all the way: certificate installed, specifications in, connectivity test passed."""
    ops = ctx.users[RETAIL_OPS]
    certificate = participant.certificate_requests.get()
    certificate = certificate_advance(actor=ops, request=certificate, to_status=CertificateStatus.ISSUED)
    certificate_advance(actor=ops, request=certificate, to_status=CertificateStatus.INSTALLED)
    CertificateRequest.objects.filter(pk=certificate.pk).update(
        issued_at=_moment(on - 12 * DAY), installed_at=_moment(on - 9 * DAY)
    )
    ar = _authorized_rep(participant)
    domain = ar.email.split("@", 1)[1]
    connectivity_spec_update(
        actor=ar,
        participant=participant,
        endpoint_url=f"https://edi.{domain}/naesb/edm",
        protocol="NAESB EDM",
        certificate_fingerprint=":".join(f"{(index * 37 + len(domain)) % 256:02X}" for index in range(32)),
        contact_name=ar.full_name,
        contact_email=ar.email,
        contact_phone=ar.phone,
    )
    ConnectivitySpec.objects.filter(participant=participant).update(updated_at=_moment(on - 8 * DAY, 16))
    test = ConnectivityTest.objects.get(participant=participant)
    subject, description = connectivity_ticket_draft(test, ConnectivitySpec.objects.get(participant=participant))
    connectivity_ticket_submit(actor=ar, test=test, subject=subject, description=description)
    test.refresh_from_db()
    connectivity_test_record(
        actor=ctx.service_desk,
        test=test,
        passed=True,
        scheduled_for=_moment(on - 2 * DAY, 9),
        notes="Production NAESB EDM round trip with ERCOT succeeded; certificate validated.",
    )
    ConnectivityTest.objects.filter(pk=test.pk).update(completed_at=_moment(on - 2 * DAY, 11))
    if test.service_request_id:
        case_resolve(
            actor=ctx.service_desk,
            case=test.service_request,
            resolution_summary="Production connectivity testing passed.",
        )
