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

from accounts.models import MarketParticipant, Membership, ParticipantStatus, User
from notices.management.demo_notices import CATALOGUE, SEED_003
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
    _Seeder(ctx).run()


class _Seeder:
    """The notices demo, step by step, through the real services (see the module docstring)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.section_rng("notices")
        self.authors = [User.objects.get(email=email) for email in PUBLISHERS]
        self.types = {t.name: t for t in NoticeType.objects.all()}
        self.lists = {dl.name: dl for dl in DistributionList.objects.all()}
        self.seeded: list[Notice] = []

    def run(self) -> None:
        self.ctx.created["subscriptions"] += _seed_subscribers(self.rng)
        self.seeded.append(_import_seed_003(self.authors[0], self.types["Financial/Credit"]))
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.published_history()
        self.threads()
        self.mark_delivered()
        self.ctx.created["notices"] += len(self.seeded)
        self.not_yet_published()
        self.ctx.created["notices"] += 6
        self.acknowledgements()

    # --- building blocks ------------------------------------------------------------------------------------

    def draft(self, kind_name: str, item=None, author=None, **extra) -> Notice:
        rng = self.rng
        scope, audience, items = CATALOGUE[kind_name]
        short, long, action = item or rng.choice(items)
        author = author or rng.choice(self.authors)
        day = extra.pop("day", None)
        days_affected = f"{day:%B} {day.day}, {day:%Y}" if day else ""
        extra_lists = [self.lists["NOTICE_GENERAL"]] if rng.random() < 0.25 else []
        return notice_create(
            actor=author,
            data=NoticeInput(
                notice_type=self.types[kind_name],
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

    def other_publisher(self, author: User) -> User:
        """Four eyes: the publisher who did not write the notice approves it."""
        return self.authors[1] if author.pk == self.authors[0].pk else self.authors[0]

    def publish(self, notice: Notice, when: datetime.datetime) -> Notice:
        author = next(a for a in self.authors if a.pk == notice.author_id)
        other = self.other_publisher(author)
        notice_submit_for_review(actor=author, notice=notice)
        notice_approve(actor=other, notice=notice)
        notice = notice_publish(actor=other, notice=notice, now=when)
        Notice.objects.filter(pk=notice.pk).update(
            created_at=when - datetime.timedelta(hours=3), approved_at=when - datetime.timedelta(minutes=30)
        )
        self.seeded.append(notice)
        return notice

    # --- the steps ----------------------------------------------------------------------------------------------

    def published_history(self) -> None:
        """Published notices over the last four months, in order (thread letters are given in publication order;
        some days carry two or three notices of a scope, so threads B and C exist)."""
        rng, today = self.rng, self.today
        days = sorted(today - datetime.timedelta(days=int(rng.triangular(1, 120, 20))) for _ in range(PUBLISHED - 4))
        kinds = list(CATALOGUE)
        for day in days:
            kind_name = rng.choice(kinds)
            self.publish(
                self.draft(kind_name, day=day), min(_moment(rng, day), self.now - datetime.timedelta(minutes=5))
            )

    def threads(self) -> None:
        """A thread with an update and then a cancellation (-01, -02, -03), and another with an update."""
        rng, today, authors, publish = self.rng, self.today, self.authors, self.publish
        start = today - datetime.timedelta(days=30)
        outage = publish(
            self.draft("Outage\u2013Wholesale", day=start + datetime.timedelta(days=3)), _moment(rng, start)
        )
        update = notice_follow_up(actor=authors[0], previous=outage, kind=Notice.Kind.UPDATE)
        Notice.objects.filter(pk=update.pk).update(
            long_description=f"UPDATE: the maintenance window is extended by two hours.\n\n{outage.long_description}"
        )
        update.refresh_from_db()
        update = publish(update, _moment(rng, start + datetime.timedelta(days=1)))
        cancellation = notice_follow_up(actor=authors[1], previous=update, kind=Notice.Kind.CANCELLATION)
        publish(cancellation, _moment(rng, start + datetime.timedelta(days=2)))
        weather = publish(
            self.draft("Operations", item=CATALOGUE["Operations"][2][0], day=today - datetime.timedelta(days=9)),
            _moment(rng, today - datetime.timedelta(days=10)),
        )
        publish(
            notice_follow_up(actor=authors[0], previous=weather, kind=Notice.Kind.UPDATE),
            _moment(rng, today - datetime.timedelta(days=9)),
        )

    def mark_delivered(self) -> None:
        """No email for the demo history: the fan-out registered for commit finds nothing pending."""
        NoticeDelivery.objects.filter(notice__in=self.seeded, status=NoticeDelivery.Status.PENDING).update(
            status=NoticeDelivery.Status.SENT, attempts=1, sent_at=self.now, claimed_at=None
        )
        for notice in self.seeded:
            if notice.published_at:
                NoticeDelivery.objects.filter(notice=notice).update(
                    sent_at=notice.published_at + datetime.timedelta(minutes=2)
                )

    def not_yet_published(self) -> None:
        """Drafts, notices in review, approved and scheduled ones."""
        for kind_name in ("Retail", "Training"):
            self.draft(kind_name)
        for kind_name in ("Settlements", "Informational"):
            notice = self.draft(kind_name)
            notice_submit_for_review(actor=User.objects.get(pk=notice.author_id), notice=notice)
        for offset, kind_name in ((2, "Outage\u2013Retail"), (5, "Testing")):
            notice = self.draft(kind_name, day=self.today + datetime.timedelta(days=offset + 1))
            author = User.objects.get(pk=notice.author_id)
            other = self.other_publisher(author)
            notice_submit_for_review(actor=author, notice=notice)
            notice_approve(actor=other, notice=notice)
            notice_schedule(
                actor=other, notice=notice, when=_moment(self.rng, self.today + datetime.timedelta(days=offset))
            )

    def acknowledgements(self) -> None:
        """Some targeted MPs acknowledged the ACTION REQUIRED notices (through the first contact of each)."""
        rng = self.rng
        contacts = _first_contacts()
        for notice in self.seeded:
            if not notice.action_required or notice.kind == Notice.Kind.CANCELLATION:
                continue
            participants = _targeted(notice, list(contacts))
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
                    acknowledged_at=min(notice.published_at + datetime.timedelta(hours=rng.randint(1, 72)), self.now)
                )
                self.ctx.created["acknowledgements"] += 1


def _first_contacts() -> dict[int, User]:
    """The first active contact of every active MP, by MP id."""
    contacts: dict[int, User] = {}
    for membership in (
        Membership.objects.active()
        .filter(participant__status=ParticipantStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    ):
        contacts.setdefault(membership.participant_id, membership.user)
    return contacts


def _targeted(notice: Notice, participants: list[int]) -> list[int]:
    """Of ``participants``, those the notice's audience (market roles) targets; all of them when it has none."""
    audience = list(notice.audience.values_list("pk", flat=True))
    if not audience:
        return participants
    return list(
        MarketParticipant.objects.filter(pk__in=participants, roles__in=audience)
        .distinct()
        .values_list("pk", flat=True)
    )
