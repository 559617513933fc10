"""The registration section of ``seed_demo``: applications in every status, for several roles, and the facts.

Built through :mod:`registration.services` with submission and upload times in
the past (``now=``), so review clocks, pauses and audit timelines are what they
would be. Emails of the demo history are not queued (:func:`outbox_suppressed`).
Idempotent: skipped when any application exists.

What it makes:

* initial registrations: SUNDANCE drafting (some documents), CYPRESS submitted
  (it becomes *registering* and gets an AM), PRAIRIEWIND under review (due
  soon), LANTANA answering an information request, and CAPROCK and SABINE
  approved (they are *qualifying*);
* revisions (Notices of Change of Information) of active MPs in every status,
  among them an approved territory addition that requires market testing, an
  approved name change, role addition and AR change;
* the registration facts qualification reads: SFA for every active MP, PUCT
  certification and QSE Acknowledgement for every REP/LSE. SABINE's SFA is
  signed but not yet processed by Legal: a missing criterion for qualification.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import (
    AccountManagerAssignment,
    ContactRank,
    ContactRole,
    MarketParticipant,
    Membership,
    ParticipantStatus,
    User,
)
from accounts.services import account_manager_assign, participant_set_status
from ercot_services.core.calendar import business_calendar
from ercot_services.core.outbox import outbox_suppressed
from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload
from registration.models import Application, ApplicationKind, ChangeType, RequirementStatus
from registration.services import (
    application_approve,
    application_reject,
    application_request_info,
    application_start,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    contact_change_add,
    document_review,
    document_upload,
    puct_record,
    qse_acknowledgement_record,
    qse_load_qualification_record,
    sfa_record,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MAX_BYTES = 10 * 1024 * 1024
REVIEWER_EMAIL = "retailops@ercot.example"
QSES = ["BBES", "PERMIANGEN", "WTXWIND", "GCSS"]  # the demo QSEs, qualified to serve load
QSE_OF = {"BLUEBONNET": "BBES"}  # the Bluebonnet REP schedules through its affiliate

# The revisions (Notices of Change of Information) filed by active MPs:
# (short, final status, change types, extra fields, roles to add)
REVISIONS = [
    ("ALAMO", "draft", [ChangeType.NAME], {"new_legal_name": "Alamo City Electric & Gas LLC"}, []),
    ("ONCOR", "submitted", [ChangeType.CONTACTS], {"notes": "New EDI technical contact."}, []),
    ("LSRE", "under_review", [ChangeType.AUTHORIZED_REPS], {}, []),
    (
        "WTXWIND",
        "under_review_late",
        [ChangeType.NEW_FUNCTIONALITY],
        {"notes": "Adding an Energy Storage Resource to the portfolio."},
        [],
    ),
    (
        "PECOS",
        "info_requested",
        [ChangeType.BANKING],
        {"banking_note": "Settlement account moves to Frost Bank (letter attached)."},
        [],
    ),
    (
        "GCSS",
        "resubmitted",
        [ChangeType.SERVICE_PROVIDER],
        {"service_provider_name": "Lonestar EDI Services LLC"},
        [],
    ),
    ("HILLCOUNTRY", "approved", [ChangeType.ADD_TERRITORY], {}, []),
    ("BRAZOS", "approved", [ChangeType.NAME], {"new_legal_name": "Brazos Home Power & Light LLC"}, []),
    ("PERMIANGEN", "approved", [ChangeType.ADD_ROLE], {}, ["CRRAH"]),
    ("GULFSTREAM", "approved", [ChangeType.AUTHORIZED_REPS], {}, []),
    ("TRINITY", "rejected", [ChangeType.ADD_ROLE], {}, ["QSE"]),
    ("REDOAK", "withdrawn_late", [ChangeType.BANKING], {"banking_note": "New collateral account."}, []),
    ("MESQUITE", "withdrawn", [ChangeType.CONTACTS], {}, []),
]

# How many Business Days ago a revision reached its final status (an approved one: drawn between 20 and 60).
REVISION_DAYS_AGO = {
    "draft": 3,
    "submitted": 1,
    "under_review": 6,
    "under_review_late": 12,
    "info_requested": 7,
    "resubmitted": 10,
    "rejected": 30,
    "withdrawn": 15,
    "withdrawn_late": 18,
}


def _pdf(name: str):
    return check_upload(
        SimpleUploadedFile(name, PDF, content_type="application/pdf"), max_bytes=MAX_BYTES, allowed=PDF_AND_IMAGES
    )


class _Seeder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.section_rng("registration")
        self.calendar = business_calendar()
        self.today = timezone.localdate()
        self.tz = timezone.get_default_timezone()
        self.reviewer = ctx.users.get(REVIEWER_EMAIL) or User.objects.get(email=REVIEWER_EMAIL)
        self.mps = {mp.short_name: mp for mp in MarketParticipant.objects.all()}
        self.made = 0

    # --- time and people ---------------------------------------------------------------------

    def at(self, business_days_ago: int, hour: int = 10) -> datetime.datetime:
        """A moment on the Business Day ``business_days_ago`` before today, operator time."""
        day = self.calendar.add_business_days(self.calendar.next_business_day(self.today), -business_days_ago)
        moment = datetime.datetime.combine(day, datetime.time(hour, self.rng.choice([0, 15, 30, 45])), tzinfo=self.tz)
        return min(moment, timezone.now() - datetime.timedelta(minutes=30))

    def mp(self, short: str) -> MarketParticipant:
        return MarketParticipant.objects.get(pk=self.mps[short].pk)

    def ar(self, short: str) -> User:
        membership = (
            Membership.objects.active()
            .filter(participant=self.mps[short], contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
            .select_related("user")
            .order_by("rank", "pk")
            .first()
        )
        return membership.user

    # --- building blocks -------------------------------------------------------------------------

    def start(self, short, *, kind, days_ago, roles=(), changes=(), **fields) -> Application:
        actor = self.ar(short)
        application = application_start(
            actor=actor,
            participant=self.mp(short),
            kind=kind,
            role_codes=roles,
            change_types=changes,
            now=self.at(days_ago, 9),
        )
        if fields:
            application_update(actor=actor, application=application, **fields)
        self.made += 1
        return application

    def upload(self, application, *, days_ago, only=None):
        actor = self.ar(application.participant.short_name)
        for line in application.requirements.select_related("requirement"):
            if only is not None and line.requirement.code not in only:
                continue
            if line.status in (RequirementStatus.MISSING, RequirementStatus.REJECTED):
                name = f"{application.participant.short_name} {line.requirement.name}.pdf"
                document_upload(actor=actor, line=line, upload=_pdf(name), now=self.at(days_ago, 9))

    def submit(self, application, *, days_ago) -> Application:
        self.upload(application, days_ago=days_ago)
        actor = self.ar(application.participant.short_name)
        return application_submit(actor=actor, application=application, attest=True, now=self.at(days_ago, 11))

    def review(self, application, *, accept=None, reject=None) -> Application:
        """Start the review; accept the documents of the codes in ``accept`` (all when None), reject ``reject``."""
        application = application_start_review(actor=self.reviewer, application=application)
        reject = reject or {}
        for line in application.requirements.select_related("requirement"):
            latest = line.documents.order_by("-version").first()
            if latest is None or line.status == RequirementStatus.ACCEPTED:
                continue
            code = line.requirement.code
            if code in reject:
                document_review(actor=self.reviewer, document=latest, accept=False, reason=reject[code])
            elif accept is None or code in accept:
                document_review(actor=self.reviewer, document=latest, accept=True)
        return application

    def request_info(self, application, *, days_ago, message) -> Application:
        return application_request_info(
            actor=self.reviewer, application=application, message=message, now=self.at(days_ago, 14)
        )

    def approve(self, application, *, reason="Complete and correct.") -> Application:
        return application_approve(actor=self.reviewer, application=application, reason=reason)

    # --- the scenarios ---------------------------------------------------------------------------------

    def initial_registrations(self):
        self.drafting_prospect()
        self.submitted_prospect()
        self.under_review()
        self.answering_information_request()
        for short in ("CAPROCK", "SABINE"):
            if short in self.mps:
                self.approved_new_lse(short)

    def drafting_prospect(self):
        """A potential MP drafting: two of four documents uploaded."""
        if "SUNDANCE" not in self.mps:
            return
        draft = self.start(
            "SUNDANCE",
            kind=ApplicationKind.INITIAL,
            roles=["REP", "LSE"],
            days_ago=6,
            notes="Residential solar retail product in the Oncor and CenterPoint territories.",
        )
        self.upload(draft, days_ago=4, only={"form-b", "sfa"})

    def submitted_prospect(self):
        """A potential MP that submitted: it is registering now, and gets its AM."""
        if "CYPRESS" not in self.mps:
            return
        application = self.start(
            "CYPRESS",
            kind=ApplicationKind.INITIAL,
            roles=["RE"],
            days_ago=5,
            notes="Two battery energy storage resources near Houston.",
        )
        self.submit(application, days_ago=2)
        self.assign_account_manager(self.mp("CYPRESS"))

    def under_review(self):
        """A registering MP under review (due soon); its SFA is signed, not yet processed."""
        if "PRAIRIEWIND" not in self.mps:
            return
        application = self.start("PRAIRIEWIND", kind=ApplicationKind.INITIAL, roles=["REP", "LSE"], days_ago=11)
        self.submit(application, days_ago=8)
        self.review(application, accept={"form-b", "sfa"})
        sfa_record(
            actor=self.reviewer,
            participant=self.mp("PRAIRIEWIND"),
            signed_on=self.at(11).date(),
            processed_by_legal=False,
        )

    def answering_information_request(self):
        """A registering MP answering an information request about its PUCT certificate."""
        if "LANTANA" not in self.mps:
            return
        application = self.start("LANTANA", kind=ApplicationKind.INITIAL, roles=["REP", "LSE"], days_ago=12)
        self.submit(application, days_ago=9)
        self.review(
            application, reject={"puct-certification": "The certificate number does not match the PUCT register."}
        )
        self.request_info(
            application,
            days_ago=3,
            message=(
                "The PUCT certificate you uploaded shows number 10321, the PUCT register lists 10312. "
                "Upload the certificate as issued, or explain the difference."
            ),
        )

    def approved_new_lse(self, short):
        """A qualifying MP: its initial registration was approved (the facts follow below)."""
        participant = self.mp(short)
        if participant.status == ParticipantStatus.QUALIFYING:
            # The demo MP was created qualifying; file its registration history on the record.
            participant_set_status(
                actor=self.reviewer,
                participant=participant,
                status=ParticipantStatus.REGISTERING,
                reason="Registration history recorded from the paper file",
            )
        application = self.start(short, kind=ApplicationKind.INITIAL, roles=["REP", "LSE"], days_ago=45)
        self.submit(application, days_ago=40)
        self.review(application)
        self.approve(application, reason="All registration documents are in order. Qualification follows.")

    def revisions(self):
        for short, outcome, changes, fields, roles in REVISIONS:
            if short in self.mps:
                self.revision(short, outcome, changes, fields, roles)

    def revision(self, short, outcome, changes, fields, roles):
        """One Notice of Change of Information, filed and taken to ``outcome``."""
        participant = self.mp(short)
        if outcome == "approved" and ChangeType.ADD_TERRITORY in changes:
            served = set(participant.service_territories.values_list("code", flat=True))
            new = [code for code in ("TNMP", "AEP-TNC", "AEP-TCC", "CNP", "ONCOR") if code not in served][:1]
            fields = {**fields, "territory_codes": new}
        # Drawn for every revision, approved or not: the later draws (and so the demo data) depend on it.
        approved_days_ago = self.rng.randint(20, 60)
        days = approved_days_ago if outcome == "approved" else REVISION_DAYS_AGO[outcome]
        application = self.start(
            short, kind=ApplicationKind.REVISION, changes=changes, roles=roles, days_ago=days + 2, **fields
        )
        self.contact_changes(application, short, changes)
        self.take_to(application, short, outcome, days)

    def take_to(self, application, short, outcome, days):
        """Move a drafted revision to ``outcome``: withdrawn, submitted, under review, an answered or open
        information request, or decided."""
        if outcome == "draft":
            return
        if outcome == "withdrawn":
            application_withdraw(
                actor=self.ar(short),
                application=application,
                reason="Filed by mistake; the contact change went through the AM.",
            )
            return
        self.submit(application, days_ago=days)
        if outcome == "submitted":
            return
        if outcome in ("under_review", "under_review_late"):
            self.review(application, accept=set() if outcome == "under_review" else None)
            return
        if outcome in ("info_requested", "resubmitted", "withdrawn_late"):
            self.request_signed_form_e(application, short, outcome, days)
            return
        self.review(application)
        if outcome == "rejected":
            application_reject(
                actor=self.reviewer,
                application=application,
                reason=(
                    "A QSE registration needs its own Standard Form Agreement and a QSE application signed by "
                    "the Authorized Representative; file a new Notice of Change with both."
                ),
            )
        else:
            self.approve(application)

    def request_signed_form_e(self, application, short, outcome, days):
        """The reviewer rejects the unsigned Form E and asks for it; the MP resubmits, withdraws or has not yet
        answered."""
        self.review(application, reject={"form-e": "The form is not signed by an Authorized Representative."})
        self.request_info(
            application,
            days_ago=days - 3,
            message="Form E must be signed by your Authorized Representative. Upload the signed form, please.",
        )
        if outcome == "withdrawn_late":
            application_withdraw(
                actor=self.ar(short), application=application, reason="The collateral account stays as it is."
            )
        elif outcome == "resubmitted":
            self.submit(application, days_ago=days - 6)

    def contact_changes(self, application, short, changes):
        domain = self.ar(short).email.split("@", 1)[1]
        if ChangeType.CONTACTS in changes:
            contact_change_add(
                actor=self.ar(short),
                application=application,
                action="add",
                contact_role=ContactRole.TECHNICAL,
                rank=ContactRank.SECONDARY,
                full_name="Jordan Pruitt",
                email=f"jordan.pruitt@{domain}",
                phone="(214) 555-0190",
            )
        if ChangeType.AUTHORIZED_REPS in changes:
            # The new AR gets the demo password, so they can sign in once the change is approved.
            new_ar = self.ctx.get_or_create_user(
                f"morgan.ellison@{domain}",
                "Morgan Ellison",
                job_title="Vice President, Regulatory Affairs",
                phone="(409) 555-0117",
            )
            contact_change_add(
                actor=self.ar(short),
                application=application,
                action="add",
                contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
                full_name=new_ar.full_name,
                email=new_ar.email,
                phone=new_ar.phone,
            )

    def assign_account_manager(self, participant):
        if AccountManagerAssignment.objects.current().filter(participant=participant).exists():
            return
        managers = [m for m in self.ctx.account_managers.values() if m.is_active]
        if not managers:
            return
        books = Counter(AccountManagerAssignment.objects.current().values_list("account_manager_id", flat=True))
        manager = min(managers, key=lambda m: (books[m.pk], m.email))
        account_manager_assign(
            actor=self.ctx.lead,
            participant=participant,
            account_manager=manager,
            reason="Registration submitted; the AM assists with registration and qualification",
        )
        self.ctx.created["assignments"] += 1

    # --- facts ---------------------------------------------------------------------------------------------

    def facts(self):
        qses = [self.mps[s] for s in QSES if s in self.mps]
        for qse in qses:  # "qualified to serve load" is the QSE's own fact, read by every LSE naming it
            qse_load_qualification_record(
                actor=self.reviewer, qse=qse, qualified=True, reason="QSE qualification completed (demo data)."
            )
        active = (
            MarketParticipant.objects.filter(status=ParticipantStatus.ACTIVE)
            .prefetch_related("roles")
            .order_by("short_name")
        )
        qualifying = MarketParticipant.objects.filter(short_name__in=["CAPROCK", "SABINE"]).prefetch_related("roles")
        for index, participant in enumerate([*active, *qualifying]):
            codes = set(participant.role_codes())
            signed = self.today - datetime.timedelta(days=self.rng.randint(60, 6 * 365))
            processed = participant.short_name != "SABINE"  # SABINE: signed, not yet processed by Legal
            sfa_record(actor=self.reviewer, participant=participant, signed_on=signed, processed_by_legal=processed)
            if not codes & {"REP", "LSE"}:
                continue
            issued = signed + datetime.timedelta(days=self.rng.randint(10, 40))
            puct_record(
                actor=self.reviewer,
                participant=participant,
                certificate_number=str(self.rng.randint(10000, 10999)),
                issued_on=issued,
                expires_on=issued + datetime.timedelta(days=5 * 365) if self.rng.random() < 0.3 else None,
            )
            if qses:
                qse = self.mps.get(QSE_OF.get(participant.short_name, "")) or qses[index % len(qses)]
                qse_acknowledgement_record(
                    actor=self.reviewer, participant=participant, qse=qse, processed_by_legal=True
                )


def seed_registration(ctx) -> None:
    if Application.objects.exists():
        return
    if REVIEWER_EMAIL not in ctx.users and not User.objects.filter(email=REVIEWER_EMAIL).exists():
        return
    seeder = _Seeder(ctx)
    if not seeder.mps:
        return
    with outbox_suppressed():
        seeder.initial_registrations()
        seeder.revisions()
        seeder.facts()
    ctx.created["applications"] += seeder.made
