"""The public contact form for potential Market Participants."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import MarketRole
from accounts.roles import StaffGroup
from cases.models import Case, CaseKind, CaseNotification, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _form(**overrides):
    data = {
        "name": "Dana Prospect",
        "company": "Lone Star Newco LLC",
        "email": "dana@newco.example",
        "phone": "512-555-0101",
        "subject": "Becoming a REP",
        "message": "We plan to serve residential customers in Oncor territory next year.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_form_is_public_and_has_a_hidden_honeypot(client):
    response = client.get(reverse("contact"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-hidden="true"' in html
    assert "Leave this empty" in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html


def test_a_message_opens_a_service_desk_case_and_emails_one_receipt(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    roles = list(MarketRole.objects.filter(code__in=["REP", "LSE"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), _form(market_roles=[role.pk for role in roles]))
    assert response.status_code == 302
    assert response["Location"] == reverse("contact-thanks")

    case = Case.objects.get()
    assert case.kind == CaseKind.POTENTIAL_MP
    assert case.channel == Channel.WEB_FORM
    assert case.category.code == "registration"
    assert case.queue.name == StaffGroup.SERVICE_DESK
    assert case.assignee is None and case.participant is None and case.submitted_by is None
    assert (case.contact_name, case.contact_email, case.contact_company, case.contact_phone) == (
        "Dana Prospect",
        "dana@newco.example",
        "Lone Star Newco LLC",
        "512-555-0101",
    )
    assert "Oncor territory" in case.description
    assert "Market roles of interest:" in case.description
    assert all(role.code in case.description for role in roles)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dana@newco.example"]
    assert case.reference in mailoutbox[0].subject
    assert case.reference in mailoutbox[0].body
    assert CaseNotification.objects.get(case=case).status == CaseNotification.Status.SENT

    thanks = client.get(reverse("contact-thanks")).content.decode()
    assert case.reference in thanks
    assert "dana@newco.example" in thanks


def test_a_filled_honeypot_pretends_success_and_creates_nothing(client, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact"), _form(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("contact-thanks")
    assert Case.objects.count() == 0
    assert mailoutbox == []
    thanks = client.get(reverse("contact-thanks"))
    assert thanks.status_code == 200
    assert "PMP-" not in thanks.content.decode()


def test_the_rate_limit_returns_429_and_keeps_what_was_typed(client):
    for i in range(5):
        assert client.post(reverse("contact"), _form(subject=f"Question {i}")).status_code == 302
    response = client.post(reverse("contact"), _form(subject="One too many", message="Kept message text"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "try again later" in html
    assert 'value="One too many"' in html
    assert "Kept message text</textarea>" in html
    assert 'value="dana@newco.example"' in html
    assert Case.objects.count() == 5


def test_the_rate_limit_is_per_client_ip(client):
    for _ in range(6):
        client.post(reverse("contact"), _form(), REMOTE_ADDR="10.0.0.1")
    assert client.post(reverse("contact"), _form(), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_an_invalid_email_keeps_the_other_fields(client):
    role = MarketRole.objects.get(code="QSE")
    response = client.post(reverse("contact"), _form(email="not-an-email", market_roles=[role.pk]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert 'value="not-an-email"' in html
    assert 'value="Dana Prospect"' in html
    assert 'value="Lone Star Newco LLC"' in html
    assert 'value="Becoming a REP"' in html
    assert "Oncor territory next year.</textarea>" in html
    assert f'value="{role.pk}"' in html and "checked" in html
    assert Case.objects.count() == 0


def test_missing_required_fields_are_explained(client):
    response = client.post(reverse("contact"), {"name": "Only a name"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the subject." in html
    assert 'value="Only a name"' in html
    assert Case.objects.count() == 0


def test_thanks_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("contact-thanks"))
    assert response.status_code == 302
    assert response["Location"] == reverse("contact")


def test_landing_page_links_to_the_contact_form(client):
    assert reverse("contact") in client.get(reverse("landing")).content.decode()
