"""The knowledge base's pages: public search and articles, votes, the inquiry form's suggestions and deflections,
the staff list and review, and who may do what."""

import pytest
from django.urls import reverse

from cases.models import Case
from education.models import Article, ArticleStatus, ArticleVote, Deflection, DeflectionOutcome
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseFactory, CaseMessageFactory, seeded_category

from .factories import ArticleFactory, ArticleVoteFactory

pytestmark = pytest.mark.django_db


def test_the_public_knowledge_base_lists_public_articles_only_to_anonymous_readers(client):
    ArticleFactory(title="Public answer")
    ArticleFactory(portal=True, title="Members answer")
    page = client.get(reverse("education:kb")).content.decode()
    assert "Public answer" in page and "Members answer" not in page


def test_a_portal_only_article_is_a_404_for_anonymous_readers_and_readable_by_mp_users(client, mp_user):
    article = ArticleFactory(portal=True)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(mp_user)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_draft_is_not_public(client):
    assert client.get(ArticleFactory(draft=True).get_absolute_url()).status_code == 404


def test_the_knowledge_base_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        ArticleFactory()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("education:kb"), {"q": "thing"})
    assert response.status_code == 200


def test_an_anonymous_vote_is_recorded_once_per_session(client):
    article = ArticleFactory()
    client.post(article.get_absolute_url(), {"helpful": "no", "comment": "Missing the form"})
    client.post(article.get_absolute_url(), {"helpful": "yes"})
    vote = ArticleVote.objects.get()
    assert vote.helpful is True and vote.user is None


def test_anonymous_votes_are_rate_limited(client, settings):
    settings.KB_ANONYMOUS_VOTES_PER_HOUR = 1
    article = ArticleFactory()
    assert client.post(article.get_absolute_url(), {"helpful": "yes"}).status_code == 302
    assert client.post(article.get_absolute_url(), {"helpful": "yes"}).status_code == 429


def test_a_vote_without_an_answer_keeps_the_comment_and_says_what_to_do(client):
    article = ArticleFactory()
    response = client.post(article.get_absolute_url(), {"comment": "Hmm"})
    assert response.status_code == 400
    assert "Hmm" in response.content.decode() and not ArticleVote.objects.exists()


# --- deflection -------------------------------------------------------------------------------------------------


def test_suggestions_show_matching_articles_to_an_mp_user(client, mp_user):
    ArticleFactory(title="Removing a switch hold", body="switch hold")
    client.force_login(mp_user)
    page = client.get(reverse("portal:kb-suggest"), {"subject": "switch hold on my customer"}).content.decode()
    assert "Removing a switch hold" in page and "This answered my question" in page


def test_suggestions_are_for_mp_users_not_staff(client):
    client.force_login(StaffFactory(groups=["Account Manager"]))
    assert client.get(reverse("portal:kb-suggest"), {"subject": "switch hold"}).status_code == 403


def test_this_answered_my_question_records_a_deflection_and_files_no_case(client, mp_user, participant):
    article = ArticleFactory(title="Removing a switch hold")
    shown = ArticleFactory()
    client.force_login(mp_user)
    category = seeded_category("settlements")
    response = client.post(
        reverse("portal:kb-answered"),
        {
            "answered": article.pk,
            "kb_suggested": [article.pk, shown.pk],
            "subject": "Switch hold",
            "category": category.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.article, deflection.participant, deflection.category) == (
        DeflectionOutcome.ANSWERED,
        article,
        participant,
        category,
    )
    assert set(deflection.articles_shown.all()) == {article, shown}
    assert not Case.objects.exists()


def test_filing_anyway_records_the_articles_shown_as_not_answering(client, mp_user, participant):
    article = ArticleFactory()
    client.force_login(mp_user)
    category = seeded_category("settlements")
    response = client.post(
        reverse("portal:case-new-inquiry"),
        {"category": category.pk, "subject": "Switch hold", "description": "Still stuck", "kb_suggested": [article.pk]},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.case, list(deflection.articles_shown.all())) == (
        DeflectionOutcome.FILED,
        case,
        [article],
    )


def test_an_inquiry_without_suggestions_records_no_deflection(client, mp_user):
    client.force_login(mp_user)
    client.post(
        reverse("portal:case-new-inquiry"),
        {"category": seeded_category("settlements").pk, "subject": "A question", "description": "Details"},
    )
    assert Case.objects.count() == 1 and not Deflection.objects.exists()


def test_the_inquiry_form_loads_the_suggestions_and_links_the_knowledge_base_without_javascript(client, mp_user):
    client.force_login(mp_user)
    page = client.get(reverse("portal:case-new-inquiry")).content.decode()
    assert reverse("portal:kb-suggest") in page and reverse("education:kb") in page


# --- staff ------------------------------------------------------------------------------------------------------


def test_staff_see_articles_in_review_due_for_review_and_to_improve(client, django_assert_max_num_queries):
    lead = StaffFactory(groups=["Client Services Lead"])
    unhelpful = ArticleFactory(title="Unhelpful one")
    for _ in range(3):
        ArticleVoteFactory(article=unhelpful, helpful=False)
    ArticleFactory(overdue=True, title="Old one")
    ArticleFactory(title="Fine one")
    for _ in range(20):
        ArticleFactory(in_review=True)
    client.force_login(lead)
    page = client.get(reverse("workspace:kb-articles"), {"show": "improve"}).content.decode()
    assert "Unhelpful one" in page and "Old one" in page and "Fine one" not in page
    assert "Old one" in client.get(reverse("workspace:kb-articles"), {"show": "due"}).content.decode()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("workspace:kb-articles"), {"show": "in_review"}).status_code == 200


def test_a_participant_user_cannot_open_the_staff_knowledge_base(client, mp_user):
    client.force_login(mp_user)
    assert client.get(reverse("workspace:kb-articles")).status_code == 403


def test_a_group_that_does_not_write_articles_is_refused_the_new_article_page(client):
    client.force_login(StaffFactory(groups=["Flight Administrator"]))
    assert client.get(reverse("workspace:kb-article-new")).status_code == 403


def test_a_resolved_case_prefills_a_new_article_without_the_mp(client, participant, mp_user):
    am = StaffFactory(groups=["Account Manager"])
    case = CaseFactory(resolved=True, participant=participant, subject="Switch hold")
    CaseMessageFactory(case=case, author=am, body=f"{participant.legal_name}: remove the hold in MarkeTrak.")
    client.force_login(am)
    page = client.get(reverse("workspace:kb-article-new"), {"case": case.reference}).content.decode()
    assert "remove the hold in MarkeTrak." in page and participant.legal_name not in page
    assert all(f'name="{field}"' in page for field in ("title", "category", "visibility", "review_by", "body"))
    response = client.post(
        reverse("workspace:kb-article-new") + f"?case={case.reference}",
        {
            "title": "Switch hold removal",
            "category": case.category.pk,
            "visibility": "public",
            "body": "Remove the hold in MarkeTrak.",
            "case": case.reference,
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and article.source_case == case and article.status == ArticleStatus.DRAFT


def test_the_author_sees_why_they_cannot_approve_and_a_second_lead_approves(client):
    author, reviewer = StaffFactory(groups=["Client Services Lead"]), StaffFactory(groups=["Client Services Lead"])
    article = ArticleFactory(in_review=True, author=author)
    client.force_login(author)
    assert "four eyes" in client.get(article.get_staff_url()).content.decode()
    response = client.post(reverse("workspace:kb-article-action", args=[article.pk, "approve"]))
    assert response.status_code == 400
    client.force_login(reviewer)
    client.post(reverse("workspace:kb-article-action", args=[article.pk, "approve"]))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.approver == reviewer


def test_the_case_page_offers_drafting_an_article_from_a_resolved_case_and_citing_rules(client):
    am = StaffFactory(groups=["Account Manager"])
    case = CaseFactory(resolved=True)
    client.force_login(am)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{reverse('workspace:kb-article-new')}?case={case.reference}" in page
    block = reverse("workspace:citations-block", args=["case", case.pk])
    assert block in page  # loaded by htmx: the case page itself sends no query for it
    assert reverse("workspace:citation-add") in client.get(block).content.decode()


def test_the_portal_endpoints_turn_away_anonymous_readers_and_unpublished_articles(client, mp_user, participant):
    draft = ArticleFactory(draft=True)
    assert client.get(reverse("portal:kb-suggest"), {"subject": "x"}).status_code == 302  # to sign-in
    client.force_login(mp_user)
    assert client.post(reverse("portal:kb-answered"), {"answered": draft.pk}).status_code == 404
    assert not Deflection.objects.exists()


def test_a_deflection_is_recorded_for_the_users_own_mp_only(client, mp_user, participant, other_participant):
    article = ArticleFactory()
    client.force_login(mp_user)
    client.post(reverse("portal:kb-answered"), {"answered": article.pk, "participant": other_participant.pk})
    assert Deflection.objects.get().participant == participant


def test_the_metrics_page_counts_deflections_by_category(client, mp_user, participant):
    from education.services.knowledge import deflection_record

    lead = StaffFactory(groups=["Client Services Lead"])
    article = ArticleFactory()
    for outcome in (DeflectionOutcome.ANSWERED, DeflectionOutcome.ANSWERED, DeflectionOutcome.FILED):
        deflection_record(
            actor=mp_user,
            participant=participant,
            outcome=outcome,
            category=article.category,
            article=article if outcome == DeflectionOutcome.ANSWERED else None,
            shown=[article.pk],
        )
    client.force_login(lead)
    page = client.get(reverse("workspace:metrics")).content.decode()
    assert "Knowledge base deflection" in page and "67% (2/3)" in page
