"""Market rules: the reference pages, citations from cases, notices and articles, and a revision request's status
change reaching the MPs whose cases cite it (once, and no other MP)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Citation, RevisionRequest, RevisionStatus, RevisionStatusChange
from education.services.rules import revision_request_update_status
from education.services.rules_import import market_rules_load
from ercot_services.core.models import DomainError, OutboundEmail
from notices.models import NoticeStatus
from tests.accounts.factories import StaffFactory, UserFactory
from tests.cases.factories import CaseFactory
from tests.notices.factories import NoticeFactory

from .factories import ArticleFactory, CitationFactory, RevisionRequestFactory, RuleSectionFactory

pytestmark = pytest.mark.django_db


def _requester_emails():
    """The emails to case requesters (the Account Managers' have ":am:" in their key)."""
    return OutboundEmail.objects.exclude(key__contains=":am:")


def _case_of(participant, **kwargs):
    requester = UserFactory()
    return CaseFactory(participant=participant, submitted_by=requester, **kwargs), requester


def test_a_status_change_emails_the_requesters_of_open_and_recent_citing_cases_once(
    lead, participant, other_participant, django_capture_on_commit_callbacks
):
    revision = RevisionRequestFactory()
    open_case, open_requester = _case_of(participant)
    recent, recent_requester = _case_of(participant, resolved=True)
    old, old_requester = _case_of(participant, closed=True)
    old.resolved_at = old.closed_at = timezone.now() - datetime.timedelta(days=400)
    old.save()
    _, bystander = _case_of(other_participant)  # cites nothing
    for case in (open_case, recent, old):
        CitationFactory(case=case, revision_request=revision)
    with django_capture_on_commit_callbacks(execute=True):
        change = revision_request_update_status(actor=lead, revision=revision, status=RevisionStatus.APPROVED)
    recipients = sorted(address for email in _requester_emails() for address in email.to)
    assert recipients == sorted([open_requester.email, recent_requester.email])
    assert old_requester.email not in recipients and bystander.email not in recipients
    assert list(change.participants.all()) == [participant]
    # The same status again changes and sends nothing.
    assert revision_request_update_status(actor=lead, revision=revision, status=RevisionStatus.APPROVED) is None
    assert _requester_emails().count() == 2 and OutboundEmail.objects.count() == 3  # and one to their AM


def test_a_case_citing_a_section_the_request_revises_is_told_too(lead, participant):
    section = RuleSectionFactory()
    revision = RevisionRequestFactory()
    revision.sections.add(section)
    case, requester = _case_of(participant)
    CitationFactory(case=case, revision_request=None, section=section)
    revision_request_update_status(actor=lead, revision=revision, status=RevisionStatus.APPROVED)
    assert [e.to for e in _requester_emails()] == [[requester.email]]


def test_only_the_lead_changes_a_revision_status_and_only_along_the_map(staff_user, lead):
    revision = RevisionRequestFactory()
    with pytest.raises(DomainError):
        revision_request_update_status(actor=staff_user, revision=revision, status=RevisionStatus.APPROVED)
    with pytest.raises(DomainError):
        revision_request_update_status(actor=lead, revision=revision, status=RevisionStatus.IMPLEMENTED)
    assert RevisionRequest.objects.get().status == RevisionStatus.PENDING


def test_the_admin_saves_a_status_change_through_the_service(client, participant):
    admin = StaffFactory(is_superuser=True)
    revision = RevisionRequestFactory()
    case, requester = _case_of(participant)
    CitationFactory(case=case, revision_request=revision)
    client.force_login(admin)
    url = reverse("admin:education_revisionrequest_change", args=[revision.pk])
    response = client.post(
        url,
        {"kind": revision.kind, "number": revision.number, "title": revision.title, "status": "approved", "url": ""},
    )
    assert response.status_code == 302
    assert RevisionStatusChange.objects.get().to_status == "approved"
    assert _requester_emails().get().to == [requester.email]


def test_the_account_manager_of_a_touched_mp_is_emailed_once_and_no_other(account_manager, participant, lead):
    revision = RevisionRequestFactory(title="Switch hold evidence")
    for _ in range(2):
        case, _ = _case_of(participant)
        CitationFactory(case=case, revision_request=revision)
    other_manager = StaffFactory(groups=["Account Manager"])
    revision_request_update_status(actor=lead, revision=revision, status=RevisionStatus.APPROVED)
    to_manager = [e for e in OutboundEmail.objects.all() if e.to == [account_manager.user.email]]
    assert len(to_manager) == 1 and "Switch hold evidence" in to_manager[0].body
    assert participant.short_name in to_manager[0].body
    assert not any(other_manager.email in e.to for e in OutboundEmail.objects.all())


# --- citations ---------------------------------------------------------------------------------------------------


def test_staff_cite_a_section_from_the_case_page_and_remove_it(client, staff_user):
    section = RuleSectionFactory()
    case = CaseFactory()
    client.force_login(staff_user)
    data = {"rule": f"s{section.pk}", "target": "case", "target_id": case.pk, "next": case.get_absolute_url()}
    response = client.post(reverse("workspace:citation-add"), data)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    client.post(reverse("workspace:citation-add"), data)  # twice: still one
    citation = Citation.objects.get()
    assert citation.case == case and citation.section == section
    block = client.get(reverse("workspace:citations-block", args=["case", case.pk]), {"next": case.get_absolute_url()})
    assert section.title in block.content.decode() and case.get_absolute_url() in block.content.decode()
    client.post(reverse("workspace:citation-remove", args=[citation.pk]), {"next": case.get_absolute_url()})
    assert not Citation.objects.exists()


def test_a_group_that_does_not_cite_is_refused(client):
    client.force_login(StaffFactory(groups=["Flight Administrator"]))
    section, case = RuleSectionFactory(), CaseFactory()
    response = client.post(
        reverse("workspace:citation-add"), {"rule": f"s{section.pk}", "target": "case", "target_id": case.pk}
    )
    assert response.status_code == 403 and not Citation.objects.exists()


def test_the_notice_page_shows_its_citations(client):
    publisher = StaffFactory(groups=["Notice Publisher"])
    notice = NoticeFactory()
    Citation.objects.create(notice=notice, revision_request=RevisionRequestFactory(title="Credit exposure"))
    client.force_login(publisher)
    page = client.get(reverse("workspace:notice-detail", args=[notice.pk])).content.decode()
    block = reverse("workspace:citations-block", args=["notice", notice.pk])
    assert block in page and "Credit exposure" in client.get(block).content.decode()


def test_the_citations_block_is_for_staff_only(client, mp_user):
    client.force_login(mp_user)
    assert client.get(reverse("workspace:citations-block", args=["case", CaseFactory().pk])).status_code == 403


def test_the_section_page_lists_articles_and_published_notices_for_everyone_and_cases_for_staff_only(client):
    section = RuleSectionFactory()
    article = ArticleFactory(title="Switch holds explained")
    published = NoticeFactory(status=NoticeStatus.PUBLISHED, short_description="Published notice")
    draft = NoticeFactory(short_description="Draft notice")
    case = CaseFactory(subject="Private case subject")
    for citer in ({"article": article}, {"notice": published}, {"notice": draft}, {"case": case}):
        Citation.objects.create(section=section, **citer)
    page = client.get(section.get_absolute_url()).content.decode()
    assert "Switch holds explained" in page and "Published notice" in page
    assert "Draft notice" not in page and "Private case subject" not in page
    client.force_login(StaffFactory(groups=["Account Manager"]))
    assert "Private case subject" in client.get(section.get_absolute_url()).content.decode()


def test_an_mp_user_does_not_see_cases_citing_a_section(client, mp_user, participant):
    section = RuleSectionFactory()
    Citation.objects.create(section=section, case=CaseFactory(participant=participant, subject="Own case subject"))
    client.force_login(mp_user)
    assert "Own case subject" not in client.get(section.get_absolute_url()).content.decode()


def test_the_rules_page_searches_sections_and_revision_requests_in_bounded_queries(
    client, django_assert_max_num_queries
):
    market_rules_load()
    for _ in range(30):
        RuleSectionFactory()
    with django_assert_max_num_queries(6):
        page = client.get(reverse("education:rules"), {"q": "switch"}).content.decode()
    assert "Switch Hold and Switch Hold Removal" in page and "RMGRR 178" in page
    assert "Financial Security" not in page


def test_loading_the_sample_twice_changes_nothing():
    assert market_rules_load() == market_rules_load()
    assert RevisionRequest.objects.get(kind="NPRR", number=1247).sections.count() == 2


def test_the_command_loads_a_csv_and_refuses_a_file_that_is_not_one(tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "rules.csv"
    good.write_text(
        "type,document,number,title,url,kind,status,submitted_on,status_changed_on,sections\n"
        "section,retail_market_guide,7.16,Safety Nets,,,,,,\n"
        "revision,,1300,Safety net timing,,RMGRR,pending,2026-01-05,,retail_market_guide:7.16\n"
    )
    call_command("load_market_rules", str(good), stdout=None)
    revision = RevisionRequest.objects.get(kind="RMGRR", number=1300)
    assert [s.number for s in revision.sections.all()] == ["7.16"]
    bad = tmp_path / "bad.csv"
    bad.write_text("type,number\nrevision,abc\n")
    with pytest.raises(CommandError):
        call_command("load_market_rules", str(bad))
