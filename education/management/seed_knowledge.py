"""The knowledge base and market rules section of ``seed_demo``: the sample Protocol and Guide sections and revision
requests, a handful of articles (published public and portal-only, one in review, one due for review) written and
approved through the services (four eyes), citations from a few demo cases and a notice, votes, and a few
deflections for the metrics. Idempotent: skipped when the first article exists."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import AccountManager, Membership, User
from cases.models import OPEN_STATUSES, Case, CaseCategory
from education.models import Article, ArticleVisibility, ArticleVote, DeflectionOutcome, RevisionRequest, RuleSection
from education.services.knowledge import (
    ArticleInput,
    article_approve,
    article_create,
    article_submit_for_review,
    deflection_record,
)
from education.services.rules import citation_add
from education.services.rules_import import market_rules_load
from notices.models import Notice, NoticeStatus

FIRST_SLUG = "removing-a-switch-hold"

ARTICLES = [
    # (title, category code, visibility, summary, body, cited section (document, number))
    (
        "Removing a switch hold",
        "retail-market",
        ArticleVisibility.PUBLIC,
        "A switch hold stops a move-in or switch on a premise; the TDSP removes it once the new occupant proves "
        "their right to the premise.",
        "## When a switch hold applies\n\nA TDSP places a switch hold on a premise for meter tampering or at the "
        "request of a REP. A move-in or switch is then rejected.\n\n## How to have it removed\n\n1. Collect the "
        "documentation the Retail Market Guide lists (a lease, a deed or a certificate of occupancy).\n"
        "2. Open a MarkeTrak issue of subtype *Switch Hold Removal* with the documentation attached.\n"
        "3. The TDSP answers within the timeline in the guide.\n\n| Document | Accepted for |\n| --- | --- |\n"
        "| Signed lease | Residential and commercial |\n| Deed or closing documents | Owners |\n",
        ("retail_market_guide", "7.11.1"),
    ),
    (
        "When is the deadline to dispute a settlement statement?",
        "settlements",
        ArticleVisibility.PUBLIC,
        "Dispute windows run in Business Days from the statement, and the portal's dispute form checks them for you.",
        "Invoice and Day-Ahead statement disputes are due about **10 Business Days** after the statement; Real-Time "
        "disputes up to about **20 Business Days before the True-Up statement**. ERCOT holidays do not count.\n\n"
        "Use the [dispute form](/portal/cases/new/dispute/): it shows the deadline before you submit.",
        ("nodal_protocols", "9.14"),
    ),
    (
        "Missing 867_03 usage after a move-in",
        "retail-market",
        ArticleVisibility.PORTAL,
        "What to check before asking: the TDSP's send date, the MarkeTrak issue, and the ESI ID's status.",
        "Check that the move-in completed, then ask the TDSP through MarkeTrak (*Usage/Billing Missing*). If it is "
        "still missing after the TDSP's answer, ask your Account Manager.",
        ("retail_market_guide", "7.2"),
    ),
    (
        "Updating your QSE acknowledgement",
        "registration",
        ArticleVisibility.PUBLIC,
        "An LSE names its QSE with Form H; the QSE must itself be qualified to serve load.",
        "File a Notice of Change of Information (Form E) with a new Form H signed by your Authorized "
        "Representative. Your registration page in the portal lists what is still missing.",
        ("nodal_protocols", "16.2"),
    ),
]


def _category(code: str) -> CaseCategory:
    return CaseCategory.objects.filter(code=code).first() or CaseCategory.objects.order_by("pk").first()


def _people() -> tuple[User | None, User | None]:
    """The author (the first Account Manager) and the second pair of eyes (a Notice Publisher, else the Lead)."""
    manager = AccountManager.objects.select_related("user").order_by("pk").first()
    author = manager.user if manager else None
    reviewers = User.objects.filter(email__in=["publisher1@ercot.example", "lead@ercot.example"]).order_by("email")
    reviewer = next((user for user in reversed(list(reviewers)) if user != author), None)
    return author, reviewer


def _write_articles(author: User, reviewer: User) -> list[Article]:
    articles = []
    for title, code, visibility, summary, body, (document, number) in ARTICLES:
        article = article_create(
            actor=author,
            data=ArticleInput(title=title, body=body, category=_category(code), summary=summary, visibility=visibility),
        )
        article_submit_for_review(actor=author, article=article)
        article_approve(actor=reviewer, article=article)
        citation_add(actor=author, rule=RuleSection.objects.get(document=document, number=number), article=article)
        articles.append(article)
    # One past its review date, one waiting for a second pair of eyes.
    today = timezone.localdate()
    Article.objects.filter(pk=articles[-1].pk).update(review_by=today - datetime.timedelta(days=10))
    waiting = article_create(
        actor=author,
        data=ArticleInput(
            title="Reading your Real-Time settlement statement",
            body="Each charge type has a bill determinant; the statement lists them by Operating Day.",
            category=_category("settlements"),
        ),
    )
    article_submit_for_review(actor=author, article=waiting)
    return articles


def _cite(author: User, reviewer: User) -> None:
    """A few open demo cases cite the switch hold RMGRR; a published notice cites the dispute NPRR."""
    switch_hold = RevisionRequest.objects.get(kind="RMGRR", number=178)
    for case in Case.objects.filter(status__in=OPEN_STATUSES, participant__isnull=False).order_by("reference")[:3]:
        citation_add(actor=author, rule=switch_hold, case=case)
    notice = Notice.objects.filter(status=NoticeStatus.PUBLISHED).order_by("notice_id").first()
    if notice is not None:
        citation_add(actor=reviewer, rule=RevisionRequest.objects.get(kind="NPRR", number=1247), notice=notice)


def _answers(articles: list[Article]) -> None:
    """Readers' "Was this helpful?" answers and what the inquiry form's suggestions did (the metrics)."""
    for n, helpful in enumerate((True, True, False, True, False, False)):
        ArticleVote.objects.create(article=articles[n % 2], session_key=f"demo-{n}", helpful=helpful)
    membership = Membership.objects.filter(is_active=True).select_related("user", "participant").order_by("pk").first()
    if membership is None:
        return
    for outcome, article in (
        (DeflectionOutcome.ANSWERED, articles[0]),
        (DeflectionOutcome.ANSWERED, articles[1]),
        (DeflectionOutcome.FILED, None),
    ):
        deflection_record(
            actor=membership.user,
            participant=membership.participant,
            outcome=outcome,
            subject=article.title if article else "Missing usage after a move-in",
            category=(article or articles[2]).category,
            article=article,
            shown=[articles[0].pk, articles[2].pk],
        )


def seed_knowledge(ctx) -> None:
    market_rules_load()
    author, reviewer = _people()
    if author is None or reviewer is None or Article.objects.filter(slug=FIRST_SLUG).exists():
        return
    articles = _write_articles(author, reviewer)
    ctx.created["knowledge base articles"] += len(articles) + 1
    _cite(author, reviewer)
    _answers(articles)
