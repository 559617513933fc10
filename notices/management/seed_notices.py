"""The notices section of ``seed_demo``: ~50 published market notices over the last months, on threads with an
update and a cancellation, seed 003's notice exactly (imported, old-style ID ``M-042424-01``), a few drafts,
notices in review and scheduled ones, the NOTICE_* lists with a few hundred public subscribers (MP contacts
belong to the lists by role), and acknowledgements of ACTION REQUIRED notices.

Notices go through the real services (draft → review → approval by the other publisher → ``notice_publish``
with an explicit ``now=`` in the past), so IDs, threads, audit events and the outbox are what they would be.

No email is sent while seeding. ``notice_publish`` writes the delivery rows and registers the fan-out for when
the transaction commits; this section runs inside seed_demo's transaction and, before it ends, marks every
delivery row of the seeded notices ``sent`` in one bulk update. When the fan-out task then runs (eagerly or on a
worker) it finds no pending row and queues nothing. Idempotent: skipped when M-042424-01 exists.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from accounts.models import Membership, ParticipantStatus, User
from notices.models import (
    Acknowledgement,
    DistributionList,
    Notice,
    NoticeDelivery,
    NoticeStatus,
    NoticeThread,
    NoticeType,
    Subscription,
)
from notices.services import (
    NoticeInput,
    default_contact,
    notice_acknowledge,
    notice_approve,
    notice_create,
    notice_follow_up,
    notice_publish,
    notice_schedule,
    notice_submit_for_review,
)

PUBLISHERS = ("publisher1@ercot.example", "publisher2@ercot.example")
PUBLISHED = 49  # plus seed 003's imported notice: 50

# Seed 003, verbatim (the contact is the default contact: the same sentence, with the Client Services address
# where the list archive printed "[log in to unmask]").
SEED_003 = {
    "notice_id": "M-042424-01",
    "notice_date": datetime.date(2024, 4, 24),
    "type": "Financial/Credit",
    "scope": "M",
    "short_description": "Total potential exposure (TPE) calculations affected by ERS resettlements",
    "days_affected": "April 23, 2024",
    "long_description": (
        "On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements: Resettlement for the ERS Standard "
        "Contract Term of June 01, 2023 \u2013 September 30, 2023.\u00a0 The respective true-up statements issued on "
        "April 22, 2024 included the ERS resettlements described in the above Market Notice for the Operating Day "
        "October 24, 2023. These ERS resettlement amounts flowed into the Unbilled True Up Amounts (UTA) component of "
        "Estimated Aggregate Liability (EAL), as reflected on the reports posted on April 23, 2024. Protocol Section, "
        "Determination of Counter-Party Estimated Aggregate Liability, allows exclusion of specific Operating Days to "
        "calculate Outstanding Unpaid Transactions (OUT). ERCOT\u2019s practice has been to remove ERS final "
        "settlements from EAL due to it being captured in Unbilled Final Amounts (UFA), which is a result of "
        "extrapolation of these amounts over 55 days. Since the subject ERS settlement error is reported under UTA "
        "rather than UFA, it is causing even larger than normal impact on EAL due to it being extrapolated over 180 "
        "days instead of 55 days. Both UFA and UTA are components of OUT. Therefore, per Section ERCOT has removed the "
        "affected Operating Day from the UTA/EAL calculations. This change took effect on reports published today, "
        "April 24, 2024."
    ),
    "action_required": (
        "Counter-Parties should review their revised ACL Summary and TPE Summary reports published in the ERCOT MIS."
    ),
}

# notice type → (scope, audience codes, [(short description, long description, action required)])
CATALOGUE = {
    "Financial/Credit": (
        "M",
        [],
        [
            (
                "Collateral requirements updated for the upcoming holiday period",
                "ERCOT will apply the holiday-period **Estimated Aggregate Liability** multipliers to Operating Days in the "
                "affected window. Counter-Parties may see higher Total Potential Exposure (TPE).",
                "Counter-Parties should review their TPE Summary reports and post additional collateral if needed.",
            ),
            (
                "Credit exposure reports delayed",
                "The daily credit exposure reports for the Operating Day were posted late due to a processing delay. "
                "The reports are now available in the MIS.",
                "",
            ),
            (
                "Change to the Independent Amount calculation",
                "As approved by the Board, the Independent Amount calculation changes for Counter-Parties with Resource "
                "Entities. See the attached methodology.",
                "Counter-Parties should review the revised methodology.",
            ),
        ],
    ),
    "Settlements": (
        "W",
        ["QSE", "RE"],
        [
            (
                "Resettlement of Real-Time Market statements",
                "ERCOT will resettle the Real-Time Market statements for the Operating Days listed under DAYS AFFECTED due "
                "to a data error in the Settlement Point Prices.",
                "",
            ),
            (
                "Day-Ahead Market statement posting delayed",
                "The Day-Ahead Market statements for the Operating Day will post later than usual. Invoices are not "
                "affected.",
                "",
            ),
            (
                "True-up statements include ERS resettlements",
                "The true-up statements include the ERS resettlements for the Standard Contract Term.",
                "QSEs should review their true-up statements in the MIS.",
            ),
        ],
    ),
    "Settlements/Legal": (
        "M",
        [],
        [
            (
                "Settlement of an alternative dispute resolution",
                "ERCOT will settle the amounts of a resolved alternative dispute resolution (ADR) proceeding on the next "
                "Resettlement Statement.",
                "",
            ),
        ],
    ),
    "Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Mass transition event: customer drop to Providers of Last Resort",
                "ERCOT initiated a mass transition of Electric Service Identifiers from a REP that exited the market. "
                "Transactions will be sent to the Providers of Last Resort.",
                "Receiving REPs should process the 814_14 transactions and contact the transitioned customers.",
            ),
            (
                "Retail transaction processing delayed",
                "Retail transaction processing was delayed on the day affected. All transactions have since been "
                "processed in order.",
                "",
            ),
            (
                "Change to switch-hold processing",
                "Following the approved Retail Market Guide revision, switch-hold removal requests are processed the same "
                "Business Day.",
                "",
            ),
        ],
    ),
    "Release-Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Retail release: Texas SET version upgrade",
                "ERCOT will implement the Texas SET version upgrade in the retail systems. Market Participants must be "
                "ready to send and receive the new version.",
                "REPs and TDSPs should confirm readiness with their AM.",
            ),
        ],
    ),
    "Testing": (
        "R",
        ["REP"],
        [
            (
                "Retail market testing flight registration open",
                "Registration for the next Retail Market Testing flight is open. New REPs and those changing service "
                "providers must register before the deadline.",
                "Register for the flight in the portal.",
            ),
            (
                "Flight test script changes",
                "The test scripts for the upcoming flight have been revised. See the Retail Market Testing page.",
                "",
            ),
        ],
    ),
    "Operations": (
        "W",
        ["QSE", "RE"],
        [
            (
                "Weather watch issued",
                "ERCOT issued a Weather Watch for the days affected due to forecast cold temperatures and higher demand.",
                "Resource Entities should review their fuel supplies and report changes in availability.",
            ),
            ("Conservation appeal lifted", "The conservation appeal is lifted: reserves have recovered.", ""),
            (
                "Generation resource outage coordination",
                "ERCOT requests that planned resource outages in the affected days be coordinated with Outage "
                "Coordination.",
                "",
            ),
        ],
    ),
    "Outage\u2013Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Planned outage of the retail transaction systems",
                "The retail transaction systems (NAESB EDM) will be unavailable during the planned maintenance window.",
                "",
            ),
        ],
    ),
    "Outage\u2013Wholesale": (
        "W",
        ["QSE"],
        [
            (
                "Planned outage of the MIS and API",
                "The MIS and the External Web Services will be unavailable during the planned maintenance window.",
                "",
            ),
        ],
    ),
    "Informational": (
        "M",
        [],
        [
            (
                "Market Participant survey open",
                "ERCOT invites Market Participants to take the annual client satisfaction survey.",
                "",
            ),
            (
                "New Client Services phone hours",
                "Client Services phone hours change to 8:00 a.m. to 5:00 p.m. Central on Business Days.",
                "",
            ),
            (
                "Holiday schedule for the coming year",
                "The ERCOT holiday schedule for the coming year is posted. Settlement calendars reflect it.",
                "",
            ),
        ],
    ),
    "Training": (
        "M",
        [],
        [
            (
                "Settlements 101 course: registration open",
                "Registration is open for the Settlements 101 instructor-led course.",
                "",
            ),
            (
                "Credit and collateral webinar",
                "ERCOT hosts a webinar on credit exposure and collateral. Slides will be posted afterwards.",
                "",
            ),
        ],
    ),
}

PUBLIC_DOMAINS = [
    "gmail.example",
    "consultancy.example",
    "energyadvisors.example",
    "lawfirm.example",
    "pucdata.example",
]
PUBLIC_NAMES = ["analyst", "trader", "counsel", "reporter", "research", "ops", "desk", "info"]


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 16), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=tz
    )


def _seed_subscribers(rng: random.Random) -> int:
    """A few hundred confirmed public subscribers spread across the public lists (and a few pending)."""
    lists = list(DistributionList.objects.filter(is_public=True).order_by("name"))
    rows = []
    now = timezone.now()
    for n in range(320):
        email = f"{rng.choice(PUBLIC_NAMES)}{n:03d}@{rng.choice(PUBLIC_DOMAINS)}"
        for dl in rng.sample(lists, k=rng.choice([1, 1, 2, 3])):
            pending = rng.random() < 0.04
            rows.append(
                Subscription(
                    distribution_list=dl,
                    email=email,
                    status=Subscription.Status.PENDING if pending else Subscription.Status.CONFIRMED,
                    confirmed_at=None if pending else now - datetime.timedelta(days=rng.randint(1, 400)),
                )
            )
    Subscription.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _import_seed_003(author: User, credit: NoticeType) -> Notice:
    """Seed 003's notice as imported from the old archive: its ID has no thread letter."""
    data = SEED_003
    thread = NoticeThread.objects.create(scope=data["scope"], opened_on=data["notice_date"], letter="", last_number=1)
    published = _moment(random.Random(3), data["notice_date"])
    notice = Notice.objects.create(
        notice_id=data["notice_id"],
        thread=thread,
        number=1,
        imported=True,
        status=NoticeStatus.PUBLISHED,
        notice_date=data["notice_date"],
        published_at=published,
        notice_type=credit,
        scope=data["scope"],
        short_description=data["short_description"],
        days_affected=data["days_affected"],
        long_description=data["long_description"],
        action_required=data["action_required"],
        contact=default_contact(),
        author=author,
    )
    notice.lists.set(DistributionList.objects.filter(name="NOTICE_CREDIT"))
    return notice


def seed_notices(ctx) -> None:
    if Notice.objects.filter(notice_id=SEED_003["notice_id"]).exists():
        return
    rng = ctx.section_rng("notices")
    authors = [User.objects.get(email=email) for email in PUBLISHERS]
    types = {t.name: t for t in NoticeType.objects.all()}
    lists = {dl.name: dl for dl in DistributionList.objects.all()}
    ctx.created["subscriptions"] += _seed_subscribers(rng)

    seeded: list[Notice] = [_import_seed_003(authors[0], types["Financial/Credit"])]
    today = timezone.localdate()
    now = timezone.now()

    def draft(kind_name: str, item=None, author=None, **extra) -> Notice:
        scope, audience, items = CATALOGUE[kind_name]
        short, long, action = item or rng.choice(items)
        author = author or rng.choice(authors)
        day = extra.pop("day", None)
        days_affected = f"{day:%B} {day.day}, {day:%Y}" if day else ""
        extra_lists = [lists["NOTICE_GENERAL"]] if rng.random() < 0.25 else []
        return notice_create(
            actor=author,
            data=NoticeInput(
                notice_type=types[kind_name],
                scope=scope,
                audience_codes=audience,
                short_description=short,
                long_description=long,
                action_required=action,
                days_affected=days_affected,
                lists=extra_lists,
                **extra,
            ),
        )

    def publish(notice: Notice, when: datetime.datetime) -> Notice:
        author = next(a for a in authors if a.pk == notice.author_id)
        other = authors[1] if author.pk == authors[0].pk else authors[0]
        notice_submit_for_review(actor=author, notice=notice)
        notice_approve(actor=other, notice=notice)
        notice = notice_publish(actor=other, notice=notice, now=when)
        Notice.objects.filter(pk=notice.pk).update(
            created_at=when - datetime.timedelta(hours=3), approved_at=when - datetime.timedelta(minutes=30)
        )
        seeded.append(notice)
        return notice

    # Published notices over the last four months, in order (thread letters are given in publication order;
    # some days carry two or three notices of a scope, so threads B and C exist).
    days = sorted(today - datetime.timedelta(days=int(rng.triangular(1, 120, 20))) for _ in range(PUBLISHED - 4))
    kinds = list(CATALOGUE)
    for day in days:
        kind_name = rng.choice(kinds)
        publish(draft(kind_name, day=day), min(_moment(rng, day), now - datetime.timedelta(minutes=5)))

    # A thread with an update and then a cancellation (-01, -02, -03), and another with an update.
    start = today - datetime.timedelta(days=30)
    outage = publish(draft("Outage\u2013Wholesale", day=start + datetime.timedelta(days=3)), _moment(rng, start))
    update = notice_follow_up(actor=authors[0], previous=outage, kind=Notice.Kind.UPDATE)
    Notice.objects.filter(pk=update.pk).update(
        long_description=f"UPDATE: the maintenance window is extended by two hours.\n\n{outage.long_description}"
    )
    update.refresh_from_db()
    update = publish(update, _moment(rng, start + datetime.timedelta(days=1)))
    cancellation = notice_follow_up(actor=authors[1], previous=update, kind=Notice.Kind.CANCELLATION)
    publish(cancellation, _moment(rng, start + datetime.timedelta(days=2)))
    weather = publish(
        draft("Operations", item=CATALOGUE["Operations"][2][0], day=today - datetime.timedelta(days=9)),
        _moment(rng, today - datetime.timedelta(days=10)),
    )
    publish(
        notice_follow_up(actor=authors[0], previous=weather, kind=Notice.Kind.UPDATE),
        _moment(rng, today - datetime.timedelta(days=9)),
    )

    # No email for the demo history: the fan-out registered for commit finds nothing pending.
    NoticeDelivery.objects.filter(notice__in=seeded, status=NoticeDelivery.Status.PENDING).update(
        status=NoticeDelivery.Status.SENT, attempts=1, sent_at=now, claimed_at=None
    )
    for notice in seeded:
        if notice.published_at:
            NoticeDelivery.objects.filter(notice=notice).update(
                sent_at=notice.published_at + datetime.timedelta(minutes=2)
            )
    ctx.created["notices"] += len(seeded)

    # Not yet published: drafts, notices in review, approved and scheduled.
    for kind_name in ("Retail", "Training"):
        draft(kind_name)
    for kind_name in ("Settlements", "Informational"):
        notice = draft(kind_name)
        notice_submit_for_review(actor=User.objects.get(pk=notice.author_id), notice=notice)
    for offset, kind_name in ((2, "Outage\u2013Retail"), (5, "Testing")):
        notice = draft(kind_name, day=today + datetime.timedelta(days=offset + 1))
        author = User.objects.get(pk=notice.author_id)
        other = authors[1] if author.pk == authors[0].pk else authors[0]
        notice_submit_for_review(actor=author, notice=notice)
        notice_approve(actor=other, notice=notice)
        notice_schedule(actor=other, notice=notice, when=_moment(rng, today + datetime.timedelta(days=offset)))
    ctx.created["notices"] += 6

    # Acknowledgements: some targeted MPs acknowledged the ACTION REQUIRED notices.
    contacts: dict[int, User] = {}
    for membership in (
        Membership.objects.active()
        .filter(participant__status=ParticipantStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    ):
        contacts.setdefault(membership.participant_id, membership.user)
    for notice in seeded:
        if not notice.action_required or notice.kind == Notice.Kind.CANCELLATION:
            continue
        audience = list(notice.audience.values_list("pk", flat=True))
        participants = [pk for pk in contacts]
        if audience:
            from accounts.models import MarketParticipant

            participants = list(
                MarketParticipant.objects.filter(pk__in=participants, roles__in=audience)
                .distinct()
                .values_list("pk", flat=True)
            )
        for participant_pk in rng.sample(participants, k=int(len(participants) * rng.uniform(0.3, 0.7))):
            ack = notice_acknowledge(
                actor=contacts[participant_pk],
                notice=notice,
                participant=next(
                    m.participant
                    for m in Membership.objects.filter(
                        participant_id=participant_pk, user=contacts[participant_pk]
                    ).select_related("participant")[:1]
                ),
            )
            Acknowledgement.objects.filter(pk=ack.pk).update(
                acknowledged_at=min(notice.published_at + datetime.timedelta(hours=rng.randint(1, 72)), now)
            )
            ctx.created["acknowledgements"] += 1
