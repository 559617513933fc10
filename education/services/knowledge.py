"""Knowledge base services: write an article (or draft one from a resolved case), the four-eyes review, votes,
and the deflections of the portal's inquiry form."""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from cases.models import Case, CaseCategory, CaseStatus
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.review import check_four_eyes
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import EducationErrorCode
from ..events import EducationEvent
from ..models import (
    ARTICLE_TRANSITIONS,
    Article,
    ArticleStatus,
    ArticleVisibility,
    ArticleVote,
    Deflection,
    DeflectionOutcome,
)

EDITABLE_FIELDS = ("title", "summary", "body", "category", "visibility", "review_by")


@dataclasses.dataclass
class ArticleInput:
    title: str
    body: str
    category: CaseCategory
    summary: str = ""
    visibility: str = ArticleVisibility.PUBLIC
    review_by: datetime.date | None = None


def _move(article: Article, to_status: str) -> str:
    return move_status(
        article, to_status, transitions=ARTICLE_TRANSITIONS, statuses=ArticleStatus, subject="The article"
    )


def _validate(article: Article) -> None:
    try:
        article.full_clean(exclude=["search_document"])
    except ValidationError as error:
        raise DomainError(
            "Correct the article's details.", code=EducationErrorCode.INVALID, fields=error.message_dict
        ) from error


def _unique_slug(title: str, pk: int | None = None) -> str:
    base = slugify(title)[:100] or "article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_index(article: Article) -> None:
    """Write the article's full-text document (PostgreSQL only; SQLite searches with icontains)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    Article.objects.filter(pk=article.pk).update(
        search_document=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


@transaction.atomic
def article_create(*, actor: User, data: ArticleInput, source_case: Case | None = None) -> Article:
    policies.check_write_article(actor)
    today = timezone.localdate()
    article = Article(
        title=data.title.strip(),
        summary=data.summary.strip(),
        body=data.body,
        category=data.category,
        visibility=data.visibility,
        review_by=data.review_by or today + datetime.timedelta(days=settings.KB_REVIEW_AFTER_DAYS),
        author=actor,
        source_case=source_case,
    )
    article.slug = _unique_slug(article.title)
    _validate(article)
    article.save()
    article_index(article)
    audit_record(
        actor=actor,
        verb=EducationEvent.ARTICLE_DRAFTED,
        target=article,
        changes={"title": (None, article.title), "source_case": (None, source_case.reference if source_case else None)},
    )
    return article


@transaction.atomic
def article_update(*, actor: User, article: Article, data: ArticleInput) -> Article:
    policies.check_write_article(actor)
    if article.status != ArticleStatus.DRAFT:
        raise DomainError(
            "Only a draft can be edited: return the article to draft first.", code=EducationErrorCode.NOT_EDITABLE
        )
    changes = {}
    new = {
        "title": data.title.strip(),
        "summary": data.summary.strip(),
        "body": data.body,
        "category": data.category,
        "visibility": data.visibility,
        "review_by": data.review_by or article.review_by,
    }
    for field, value in new.items():
        if getattr(article, field) != value:
            changes[field] = (getattr(article, field), value) if field != "body" else ("…", "…")
            setattr(article, field, value)
    _validate(article)
    article.save()
    article_index(article)
    if changes:
        audit_record(actor=actor, verb=EducationEvent.ARTICLE_EDITED, target=article, changes=changes)
    return article


@transaction.atomic
def article_submit_for_review(*, actor: User, article: Article) -> Article:
    policies.check_write_article(actor)
    old = _move(article, ArticleStatus.IN_REVIEW)
    article.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, verb=EducationEvent.ARTICLE_SUBMITTED, target=article, changes={"status": (old, article.status)}
    )
    return article


@transaction.atomic
def article_return_to_draft(*, actor: User, article: Article, reason: str) -> Article:
    policies.check_write_article(actor)
    if not reason.strip():
        raise DomainError("Say what needs to change.", code=EducationErrorCode.INVALID)
    old = _move(article, ArticleStatus.DRAFT)
    article.approver, article.approved_at = None, None
    article.save()
    audit_record(
        actor=actor,
        verb=EducationEvent.ARTICLE_RETURNED,
        target=article,
        changes={"status": (old, article.status)},
        reason=reason,
    )
    return article


@transaction.atomic
def article_approve(*, actor: User, article: Article) -> Article:
    """Four eyes, as notices: a publisher other than the author approves, and the article is published."""
    policies.check_publish_article(actor)
    check_four_eyes(
        actor=actor,
        author_id=article.author_id,
        message="An article must be approved by someone other than its author.",
        code=EducationErrorCode.SAME_APPROVER,
    )
    old = _move(article, ArticleStatus.PUBLISHED)
    now = timezone.now()
    article.approver, article.approved_at, article.published_at = actor, now, now
    article.save()
    audit_record(
        actor=actor, verb=EducationEvent.ARTICLE_PUBLISHED, target=article, changes={"status": (old, article.status)}
    )
    return article


@transaction.atomic
def article_archive(*, actor: User, article: Article) -> Article:
    policies.check_publish_article(actor)
    old = _move(article, ArticleStatus.ARCHIVED)
    article.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, verb=EducationEvent.ARTICLE_ARCHIVED, target=article, changes={"status": (old, article.status)}
    )
    return article


# --- an article from a resolved case ------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
CASE_REFERENCE = re.compile(r"\b(INQ|DSP|SRQ|PMC|[A-Z]{2,4})-\d{4}-\d{4,6}\b")
AMOUNT = re.compile(r"\$\s?\d[\d,]*(\.\d+)?")


def _redact(text: str, names: list[str]) -> str:
    text = EMAIL.sub("[email]", text)
    text = CASE_REFERENCE.sub("[case]", text)
    text = AMOUNT.sub("[amount]", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[the Market Participant]", text, flags=re.IGNORECASE)
    return text


def article_draft_from_case(*, case: Case) -> ArticleInput:
    """What a staff member starts from: the case's last public staff reply, with the MP's name, its people's names
    and emails, the case reference and amounts left out. Nothing is saved: the person edits it first."""
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise DomainError("Draft an article from a resolved case.", code=EducationErrorCode.CASE_NOT_RESOLVED)
    reply = case.messages.filter(is_internal=False, author__is_staff=True).order_by("-created_at", "-pk").first()
    if reply is None:
        raise DomainError(
            "The case has no public reply from Client Services to start from.", code=EducationErrorCode.NO_PUBLIC_REPLY
        )
    names = [case.contact_name, case.contact_company, case.contact_email]
    participant = case.participant
    if participant is not None:
        names += [participant.legal_name, participant.short_name, participant.dba_name]
    if case.submitted_by is not None:
        names += [case.submitted_by.full_name, *case.submitted_by.full_name.split()[:1]]
    names += list(case.messages.exclude(author_name="").values_list("author_name", flat=True).distinct())
    if participant is not None:
        names += [
            name
            for full in participant.memberships.values_list("user__full_name", flat=True)
            for name in (full, *full.split()[:1])
        ]
    subject = _redact(case.subject, names)
    return ArticleInput(title=subject[:200], body=_redact(reply.body, names), category=case.category)


# --- "Was this helpful?" ------------------------------------------------------------------------------------------


@transaction.atomic
def article_vote(
    *, actor: User | None, article: Article, helpful: bool, comment: str = "", session_key: str = ""
) -> ArticleVote:
    """One answer per signed-in user, or per browser session; a second answer changes the first."""
    user = actor if actor is not None and actor.is_authenticated else None
    if user is None and not session_key:
        raise DomainError(
            "Your browser did not keep a session: enable cookies to answer.", code=EducationErrorCode.INVALID
        )
    lookup = (
        {"article": article, "user": user} if user else {"article": article, "user": None, "session_key": session_key}
    )
    vote = ArticleVote.objects.filter(**lookup).first() or ArticleVote(**lookup)
    vote.helpful, vote.comment = helpful, comment.strip()
    try:
        vote.full_clean(exclude=["user", "article"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError("Shorten the comment.", code=EducationErrorCode.INVALID, fields=error.message_dict) from error
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as error:  # a double click racing itself
        raise DomainError("Your answer was already recorded.", code=EducationErrorCode.ALREADY_VOTED) from error
    return vote


# --- deflection ----------------------------------------------------------------------------------------------------


def _shown_ids(raw) -> list[int]:
    ids = []
    for value in raw or []:
        for part in str(value).split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return ids[:20]


@transaction.atomic
def deflection_record(
    *,
    actor: User,
    participant,
    outcome: str,
    subject: str = "",
    category: CaseCategory | None = None,
    article: Article | None = None,
    shown: list | None = None,
    case: Case | None = None,
) -> Deflection:
    """Record what the suggestions did: ``answered`` (an article answered, no case) or ``filed`` (filed anyway)."""
    visible = Article.objects.visible_to(actor)
    shown_articles = list(visible.filter(pk__in=_shown_ids(shown)))
    if article is not None and article not in shown_articles:
        shown_articles.append(article)
    deflection = Deflection.objects.create(
        participant=participant,
        user=actor,
        category=category,
        subject=(subject or "")[:200],
        outcome=outcome,
        article=article if outcome == DeflectionOutcome.ANSWERED else None,
        case=case,
    )
    deflection.articles_shown.set(shown_articles)
    return deflection


def record_inquiry_filed(sender, *, case: Case, actor: User, data, **kwargs) -> None:
    """Receiver of ``cases.signals.inquiry_filed``: the inquiry was filed although articles were suggested."""
    shown = data.getlist("kb_suggested") if hasattr(data, "getlist") else data.get("kb_suggested", [])
    if not _shown_ids(shown):
        return
    deflection_record(
        actor=actor,
        participant=case.participant,
        outcome=DeflectionOutcome.FILED,
        subject=case.subject,
        category=case.category,
        shown=shown,
        case=case,
    )
