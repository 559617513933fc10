"""Reading the market rules: sections and revision requests (searchable), and what cites a section or an object."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.models import Case
from notices.models import Notice, NoticeStatus

from ..models import Article, Citation, RevisionRequest, RuleSection


def rule_sections(*, q: str = "", document: str = "") -> QuerySet[RuleSection]:
    sections = RuleSection.objects.annotate(citations_count=Count("citations", distinct=True))
    if document:
        sections = sections.filter(document=document)
    for word in (q or "").split()[:8]:
        sections = sections.filter(Q(number__icontains=word) | Q(title__icontains=word))
    return sections.order_by("document", "number")


def revision_requests(*, q: str = "", status: str = "") -> QuerySet[RevisionRequest]:
    revisions = RevisionRequest.objects.all()
    if status:
        revisions = revisions.filter(status=status)
    for word in (q or "").split()[:8]:
        condition = Q(title__icontains=word) | Q(kind__iexact=word)
        if word.isdigit():
            condition |= Q(number=int(word))
        revisions = revisions.filter(condition)
    return revisions.order_by("kind", "-number")


def citing(rule: RuleSection | RevisionRequest, *, user) -> dict:
    """What cites ``rule``: published articles the user may read, published notices, and (staff only) cases."""
    field = "section" if isinstance(rule, RuleSection) else "revision_request"
    citations = Citation.objects.filter(**{field: rule})
    articles = Article.objects.visible_to(user).filter(pk__in=citations.values("article_id")).order_by("title")
    notices = Notice.objects.filter(pk__in=citations.values("notice_id"), status=NoticeStatus.PUBLISHED).order_by(
        "-published_at"
    )
    cases = []
    if user.is_authenticated and user.is_staff:
        cases = Case.objects.filter(pk__in=citations.values("case_id")).select_related("participant")[:50]
    return {"articles": articles[:50], "notices": notices[:50], "cases": cases}


def citations_of(*, case=None, notice=None, article=None) -> list[Citation]:
    lookup = {"case": case} if case is not None else {"notice": notice} if notice is not None else {"article": article}
    return list(Citation.objects.filter(**lookup).select_related("section", "revision_request"))
