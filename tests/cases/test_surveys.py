"""Satisfaction surveys: one per resolution, emailed once after commit, answered once by a signed link without
signing in; changed, made-up and expired links get a clear page; the staff case page shows the answer."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.error_codes import CaseErrorCode
from cases.events import CaseEvent
from cases.models import CaseNotification, CaseSurvey
from cases.services import case_reopen, case_resolve
from cases.services.surveys import SALT, survey_answer, survey_from_token, survey_token
from cases.tasks import send_case_notifications
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolve(am_user, django_capture_on_commit_callbacks):
    """``resolve(case)``: resolve as the AM and run what is queued on commit (the emails)."""

    def _resolve(case, summary="Form B was approved on Monday."):
        with django_capture_on_commit_callbacks(execute=True):
            case_resolve(actor=am_user, case=case, resolution_summary=summary)
        return case.surveys.order_by("-resolution_number").first()

    return _resolve


@pytest.fixture
def survey(inquiry, resolve):
    return resolve(inquiry)


def survey_mails(mailoutbox):
    return [m for m in mailoutbox if "How did we do?" in m.subject]


def url(survey_or_token) -> str:
    token = survey_or_token if isinstance(survey_or_token, str) else survey_token(survey_or_token)
    return reverse("case-survey", args=[token])


# --- sending -----------------------------------------------------------------------------------------------------


def test_resolving_a_case_emails_one_survey_to_the_requester_after_commit(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_resolve(actor=am_user, case=inquiry, resolution_summary="Approved.")
        assert mailoutbox == []  # nothing leaves before the commit
    [survey] = CaseSurvey.objects.filter(case=inquiry)
    assert (survey.resolution_number, survey.requester_email) == (1, mp_user.email)
    assert survey.account_manager == am_user and survey.category == inquiry.category
    assert survey.answered_at is None and survey.score is None
    [mail] = survey_mails(mailoutbox)
    assert mail.to == [mp_user.email]
    assert mail.subject == f"[{inquiry.reference}] How did we do? {inquiry.subject}"
    assert f"How satisfied are you with how we handled {inquiry.reference}?" in mail.body
    links = re.findall(r"https?://\S+/survey/([^/\s]+)/(\?score=\d)?", mail.body)
    assert [score for _, score in links] == ["", "?score=1", "?score=2", "?score=3", "?score=4", "?score=5"]
    assert {survey_from_token(token) for token, _ in links} == {survey}
    assert AuditEvent.objects.filter(verb=CaseEvent.CASE_SURVEY_SENT, target_object_id=str(inquiry.pk)).count() == 1


def test_the_survey_email_goes_out_once_when_its_task_is_retried(survey, mailoutbox):
    assert len(survey_mails(mailoutbox)) == 1
    assert send_case_notifications(case_id=survey.case_id, event_key=f"survey-{survey.pk}") == 0
    assert send_case_notifications.delay(case_id=survey.case_id, event_key=f"survey-{survey.pk}").get() == 0
    assert len(survey_mails(mailoutbox)) == 1
    row = CaseNotification.objects.get(case=survey.case, event=CaseNotification.Event.SURVEY)
    assert (row.status, row.attempts) == (CaseNotification.Status.SENT, 1)


def test_never_two_surveys_for_the_same_resolution(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseSurvey.objects.create(
            case=survey.case,
            resolution_number=survey.resolution_number,
            requester_email=survey.requester_email,
            token_id="another",
            category=survey.category,
            resolved_at=survey.resolved_at,
        )


def test_a_case_reopened_and_resolved_again_gets_a_survey_for_its_second_resolution(
    survey, mp_user, resolve, mailoutbox
):
    case_reopen(actor=mp_user, case=survey.case, reason="The answer misses our second question.")
    second = resolve(survey.case, summary="Both questions answered.")
    assert [s.resolution_number for s in survey.case.surveys.order_by("resolution_number")] == [1, 2]
    assert second.pk != survey.pk
    assert len(survey_mails(mailoutbox)) == 2
    # The first resolution's link still answers the first survey, and only it.
    survey_answer(actor=None, token=survey_token(survey), score=2)
    second.refresh_from_db()
    assert second.answered_at is None


def test_a_case_without_a_requester_email_gets_no_survey(inquiry, resolve, mailoutbox):
    staff = StaffFactory()
    type(inquiry).objects.filter(pk=inquiry.pk).update(submitted_by=staff, contact_email="")
    inquiry.refresh_from_db()
    assert resolve(inquiry) is None
    assert survey_mails(mailoutbox) == []


# --- answering: the service -----------------------------------------------------------------------------------


def test_an_answer_is_recorded_once_and_a_second_is_refused(survey):
    survey_answer(actor=None, token=survey_token(survey), score=4, comment="Quick and clear.")
    with pytest.raises(DomainError) as refused:
        survey_answer(actor=None, token=survey_token(survey), score=1, comment="Changed my mind.")
    assert refused.value.code == CaseErrorCode.SURVEY_ALREADY_ANSWERED
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick and clear.")
    assert AuditEvent.objects.filter(verb=CaseEvent.CASE_SURVEY_ANSWERED).count() == 1


@pytest.mark.parametrize("score", [None, 0, 6, "5"])
def test_a_score_outside_one_to_five_is_refused(survey, score):
    with pytest.raises(DomainError) as refused:
        survey_answer(actor=None, token=survey_token(survey), score=score)
    assert refused.value.code == CaseErrorCode.SURVEY_SCORE_REQUIRED
    survey.refresh_from_db()
    assert survey.answered_at is None


# --- the public page ------------------------------------------------------------------------------------------


def test_the_page_opens_without_signing_in_and_shows_only_reference_and_subject(client, survey):
    case = survey.case
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html and case.subject in html
    assert case.description not in html
    assert case.participant.legal_name not in html
    assert survey.requester_email not in html
    assert f"How satisfied are you with how we handled {case.reference}?" in html
    flat = re.sub(r"\s+", " ", html)
    assert re.search(r"<fieldset> <legend[^>]*> How satisfied are you with how we handled", flat)
    for index, label in enumerate(
        ["1 – Very dissatisfied", "3 – Neither satisfied nor dissatisfied", "5 – Very satisfied"]
    ):
        value = (1, 3, 5)[index]
        radio = re.search(rf'<input type="radio"[^>]*name="score" value="{value}"[^>]*id="(id_score_\d)"', flat)
        assert radio, value
        assert f'<label for="{radio.group(1)}" class="form-check-label"> {label} </label>' in flat


def test_answering_without_signing_in_records_the_score_and_thanks(client, survey):
    response = client.post(url(survey), {"score": "5", "comment": "Thank you!"})
    assert response.status_code == 302
    assert response["Location"] == reverse("case-survey-thanks")
    assert survey.case.reference in client.get(response["Location"]).content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Thank you!")
    assert survey.answered_at is not None


def test_a_second_use_of_the_link_says_already_answered_and_keeps_the_first_answer(client, survey):
    client.post(url(survey), {"score": "4"})
    again = client.post(url(survey), {"score": "1", "comment": "Different"})
    assert again.status_code == 200
    assert "already answered" in again.content.decode()
    page = client.get(url(survey))
    html = page.content.decode()
    assert "already answered" in html
    assert survey.case.subject not in html and survey.case.reference not in html
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "")


def test_a_changed_token_gets_a_clear_page_not_the_survey(client, survey):
    token = survey_token(survey)
    changed = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for response in (client.get(url(changed)), client.post(url(changed), {"score": "1"})):
        assert response.status_code == 400
        html = response.content.decode()
        assert "This survey link does not work" in html
        assert survey.case.reference not in html
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_changed_score_in_the_link_is_ignored_and_a_posted_one_refused(client, survey):
    page = client.get(url(survey) + "?score=9")
    assert page.status_code == 200
    assert page.context["form"].initial["score"] is None
    assert client.get(url(survey) + "?score=2").context["form"].initial["score"] == 2
    response = client.post(url(survey), {"score": "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_link_for_another_case_or_token_is_refused(client, survey, submit, resolve):
    other = resolve(submit(subject="Another question"))
    signer = signing.TimestampSigner(salt=SALT)
    wrong_case = signer.sign_object({"s": survey.pk, "c": other.case_id, "t": survey.token_id})
    wrong_token_id = signer.sign_object({"s": survey.pk, "c": survey.case_id, "t": other.token_id})
    other_salt = signing.TimestampSigner(salt="something.else").sign_object(
        {"s": survey.pk, "c": survey.case_id, "t": survey.token_id}
    )
    for token in (wrong_case, wrong_token_id, other_salt, "not-a-token", ":"):
        response = client.post(url(token), {"score": "1"})
        assert response.status_code == 400, token
        assert "This survey link does not work" in response.content.decode()
    assert CaseSurvey.objects.filter(answered_at__isnull=False).count() == 0


def test_an_expired_link_says_the_survey_has_closed(client, survey, settings):
    settings.CASE_SURVEY_MAX_AGE_DAYS = 30
    token = survey_token(survey)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29, hours=23)):
        assert client.get(url(token)).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, minutes=1)):
        response = client.post(url(token), {"score": "3"})
    assert response.status_code == 410
    assert "This survey has closed" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_form_needs_its_csrf_token(survey):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(survey), {"score": "5"}).status_code == 403
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_no_score_is_a_specific_error_and_keeps_the_comment(client, survey):
    response = client.post(url(survey), {"comment": "Slow to answer"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose how satisfied you are, from 1 to 5." in html
    assert "Slow to answer" in html


def test_answers_are_rate_limited_per_client(client, settings, survey, submit, resolve):
    settings.CASE_SURVEY_RATE_LIMIT = 1
    other = resolve(submit(subject="Another question"))
    assert client.post(url(survey), {"score": "5"}).status_code == 302
    limited = client.post(url(other), {"score": "5", "comment": "kept"})
    assert limited.status_code == 429
    assert "kept" in limited.content.decode()
    other.refresh_from_db()
    assert other.answered_at is None


def test_another_mp_user_signed_in_sees_no_more_than_the_link_shows(client, survey, other_mp_user):
    client.force_login(other_mp_user)
    html = client.get(url(survey)).content.decode()
    assert survey.case.participant.legal_name not in html
    assert survey.case.description not in html


# --- the staff case page ---------------------------------------------------------------------------------------


def test_the_staff_case_page_shows_the_answer(client, survey, am_user):
    survey_answer(actor=None, token=survey_token(survey), score=2, comment="Took three calls.")
    client.force_login(am_user)
    html = client.get(survey.case.get_absolute_url()).content.decode()
    assert 'id="survey-heading"' in html
    assert "<strong>2 / 5</strong>" in html
    assert "Took three calls." in html


def test_the_staff_case_page_says_a_survey_is_not_answered_yet(client, survey, am_user):
    client.force_login(am_user)
    html = client.get(survey.case.get_absolute_url()).content.decode()
    assert "not answered yet" in html


def test_the_survey_result_is_not_on_the_portal_case_page(client, survey, mp_user):
    survey_answer(actor=None, token=survey_token(survey), score=2, comment="Took three calls.")
    client.force_login(mp_user)
    response = client.get(survey.case.get_portal_url())
    assert response.status_code == 200
    assert "Took three calls." not in response.content.decode()


def test_the_admin_lists_surveys_read_only_without_their_token(client, survey):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:cases_casesurvey_changelist")).status_code == 200
    page = client.get(reverse("admin:cases_casesurvey_change", args=[survey.pk]))
    assert page.status_code == 200
    assert survey.token_id not in page.content.decode()
    assert client.get(reverse("admin:cases_casesurvey_add")).status_code == 403
