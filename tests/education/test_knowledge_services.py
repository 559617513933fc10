"""The knowledge base's rules: sanitised Markdown, visibility, search, four eyes, drafts from cases, votes."""

import pytest

from education.error_codes import EducationErrorCode
from education.models import Article, ArticleStatus, ArticleVote
from education.selectors.knowledge import articles_to_improve, kb_articles, kb_suggestions
from education.services.knowledge import (
    ArticleInput,
    article_approve,
    article_create,
    article_draft_from_case,
    article_submit_for_review,
    article_vote,
)
from education.views.public.knowledge import render_article_body
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseFactory, CaseMessageFactory

from .factories import ArticleFactory, ArticleVoteFactory

pytestmark = pytest.mark.django_db


def test_markdown_drops_scripts_handlers_and_javascript_links_but_keeps_tables_and_links():
    article = ArticleFactory.build(
        body=(
            "<script>alert(1)</script>\n\n"
            '<a href="#" onclick="steal()">click</a> [bad](javascript:alert(2)) [good](https://www.ercot.com/)\n\n'
            "| Day | Window |\n| --- | --- |\n| DAM | 10 |\n"
        )
    )
    html = str(render_article_body(article))
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert '<a href="https://www.ercot.com/">good</a>' in html
    assert "<table>" in html and "<td>DAM</td>" in html


def test_portal_only_articles_are_hidden_from_anonymous_readers_and_shown_to_mp_users(mp_user):
    from django.contrib.auth.models import AnonymousUser

    public, portal = ArticleFactory(title="Public switch hold"), ArticleFactory(portal=True, title="Portal switch hold")
    ArticleFactory(draft=True, title="Draft switch hold")
    assert list(kb_articles(user=AnonymousUser())) == [public]
    assert set(kb_articles(user=mp_user)) == {public, portal}


def test_search_ranks_a_title_match_above_a_body_match():
    body_only = ArticleFactory(title="Moving in", body="A switch hold may block it.")
    title = ArticleFactory(title="Removing a switch hold", body="Send the documents.")
    ArticleFactory(title="Invoices", body="Nothing related.")
    found = list(kb_articles(user=StaffFactory(), q="switch hold"))
    assert found == [title, body_only]


def test_suggestions_prefer_the_inquiry_category(mp_user):
    from tests.cases.factories import CaseCategoryFactory

    other = CaseCategoryFactory()
    elsewhere = ArticleFactory(title="Switch hold removal", body="switch hold")
    here = ArticleFactory(title="Switch hold documentation", body="switch hold", category=other)
    assert kb_suggestions(user=mp_user, q="My switch hold question", category=other)[:2] == [here, elsewhere]


def _input(category):
    return ArticleInput(title="Switch holds", body="Send the proof of ownership.", category=category)


def test_the_author_cannot_approve_their_own_article_and_another_publisher_can(lead):
    author = StaffFactory(groups=["Client Services Lead"])
    article = article_create(actor=author, data=_input(ArticleFactory().category))
    article_submit_for_review(actor=author, article=article)
    with pytest.raises(DomainError) as refused:
        article_approve(actor=author, article=article)
    assert refused.value.code == EducationErrorCode.SAME_APPROVER
    article_approve(actor=lead, article=article)
    article.refresh_from_db()
    assert (article.status, article.approver) == (ArticleStatus.PUBLISHED, lead)
    assert AuditEvent.objects.filter(verb="article.published").count() == 1


def test_an_account_manager_cannot_approve_an_article(staff_user):
    author = StaffFactory(groups=["Client Services Lead"])
    article = ArticleFactory(in_review=True, author=author)
    with pytest.raises(DomainError):
        article_approve(actor=staff_user, article=article)


def test_only_a_draft_can_be_submitted():
    lead = StaffFactory(groups=["Client Services Lead"])
    with pytest.raises(DomainError):
        article_submit_for_review(actor=lead, article=ArticleFactory())


def test_a_draft_from_a_resolved_case_leaves_out_the_mp_its_people_and_the_reference(participant, mp_user):
    am = StaffFactory(groups=["Account Manager"], full_name="Alex Manager")
    case = CaseFactory(
        resolved=True,
        participant=participant,
        submitted_by=mp_user,
        subject=f"{participant.legal_name}: switch hold on a move-in",
    )
    CaseMessageFactory(case=case, author=mp_user, author_name=mp_user.full_name, body="Please help")
    CaseMessageFactory(
        case=case,
        author=am,
        author_name=am.full_name,
        body=(
            f"Hi {mp_user.full_name.split()[0]}, for {participant.legal_name} ({case.reference}) send the lease to "
            f"{mp_user.email}; the $1,250.00 fee is waived. Remove the hold with MarkeTrak."
        ),
    )
    CaseMessageFactory(case=case, internal=True, body="Internal: they were late")
    draft = article_draft_from_case(case=case)
    for secret in (participant.legal_name, participant.short_name, mp_user.full_name, mp_user.email, case.reference):
        assert secret not in draft.body and secret not in draft.title
    assert "1,250" not in draft.body and "Internal" not in draft.body
    assert "Remove the hold with MarkeTrak." in draft.body


def test_a_draft_needs_a_resolved_case():
    with pytest.raises(DomainError) as refused:
        article_draft_from_case(case=CaseFactory())
    assert refused.value.code == EducationErrorCode.CASE_NOT_RESOLVED


def test_one_vote_per_user_a_second_answer_changes_the_first(mp_user):
    article = ArticleFactory()
    article_vote(actor=mp_user, article=article, helpful=True)
    article_vote(actor=mp_user, article=article, helpful=False, comment="Missing the form")
    vote = ArticleVote.objects.get()
    assert (vote.helpful, vote.comment) == (False, "Missing the form")


def test_anonymous_votes_are_one_per_session():
    from django.contrib.auth.models import AnonymousUser

    article = ArticleFactory()
    article_vote(actor=AnonymousUser(), article=article, helpful=True, session_key="abc")
    article_vote(actor=AnonymousUser(), article=article, helpful=True, session_key="abc")
    article_vote(actor=AnonymousUser(), article=article, helpful=False, session_key="def")
    assert ArticleVote.objects.count() == 2


def test_articles_to_improve_are_the_unhelpful_and_the_overdue():
    unhelpful, helpful, overdue = ArticleFactory(), ArticleFactory(), ArticleFactory(overdue=True)
    for answer in (False, False, True):
        ArticleVoteFactory(article=unhelpful, helpful=answer)
        ArticleVoteFactory(article=helpful, helpful=True)
    from django.utils import timezone

    assert set(articles_to_improve(today=timezone.localdate())) == {unhelpful, overdue}
    assert Article.objects.count() == 3
