"""One form language (issue 17, point 9): every form's error summary lists each error as a link to its field, and a
required field left empty says what to do, worded from its label in one place (``ercot_services.core.forms``)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from ercot_services.core.forms import LayoutMixin, required_message
from tests.accounts.factories import StaffFactory


class _Everything(LayoutMixin, forms.Form):
    operating_day = forms.DateField(label="Operating Day")
    statement_type = forms.ChoiceField(label="Statement type", choices=[("initial", "Initial")])
    amount = forms.DecimalField(label="Disputed amount (USD)")
    reply = forms.CharField(label="Your reply")
    question = forms.CharField(label="What is wrong, and what should it be?")
    qse = forms.CharField(label="QSE name")
    agreement = forms.FileField(label="Signed agreement")
    roles = forms.MultipleChoiceField(label="Market roles", choices=[("LSE", "LSE")])
    attest = forms.BooleanField(label="I attest that this is true")
    own = forms.CharField(error_messages={"required": "Say why."})
    unlabelled_field = forms.CharField()


def test_a_required_field_left_empty_says_what_to_do_from_its_label_and_kind():
    errors = _Everything(data={}).errors

    assert errors == {
        "operating_day": ["Enter the Operating Day."],
        "statement_type": ["Choose a statement type."],
        "amount": ["Enter the disputed amount."],
        "reply": ["Enter your reply."],
        "question": ["Answer “What is wrong, and what should it be?”."],
        "qse": ["Enter the QSE name."],
        "agreement": ["Choose a file for the signed agreement."],
        "roles": ["Choose at least one: market roles."],
        "attest": ["Tick “I attest that this is true” to go on."],
        "own": ["Say why."],  # a field's own message is kept
        "unlabelled_field": ["Enter the unlabelled field."],
    }


def test_the_wording_does_not_leak_between_forms_or_into_the_field_class():
    _Everything(data={})

    assert forms.CharField().error_messages["required"] == "This field is required."
    assert _Everything.base_fields["reply"].error_messages["required"] == "This field is required."


def test_an_article_follows_the_first_sound():
    assert required_message(forms.ChoiceField(label="Outcome"), "outcome") == "Choose an outcome."


# --- the summary on real forms ---------------------------------------------------------------------------------


def _summary_links(html: str) -> list[tuple[str, str]]:
    [summary] = re.findall(r'<div class="alert alert-danger error-summary".*?</div>', html, flags=re.S)
    assert "There is a problem" in summary
    return re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary)


def _assert_links_reach_fields(html: str, links: list[tuple[str, str]]) -> None:
    for field_id, _text in links:
        assert f'id="{field_id}"' in html, field_id


@pytest.mark.django_db
def test_the_dispute_form_summary_links_each_specific_message_to_its_field(client, mp_user, participant):
    client.force_login(mp_user)

    response = client.post(reverse("portal:case-new-dispute"), {})

    html = response.content.decode()
    assert response.status_code == 400
    links = dict(_summary_links(html))
    assert links["id_operating_day"] == "Enter the Operating Day."
    assert links["id_statement_type"] == "Choose a statement type."
    assert links["id_description"] == "Answer “What is wrong, and what should it be?”."
    assert "This field is required" not in html
    _assert_links_reach_fields(html, links.items())


@pytest.mark.django_db
def test_the_inquiry_form_summary_links_each_specific_message_to_its_field(client, mp_user, participant):
    client.force_login(mp_user)

    response = client.post(reverse("portal:case-new-inquiry"), {})

    html = response.content.decode()
    assert response.status_code == 400
    links = dict(_summary_links(html))
    assert links["id_category"] == "Choose a category."
    assert links["id_subject"] == "Enter the subject."
    assert links["id_description"] == "Enter your question."
    assert "This field is required" not in html
    _assert_links_reach_fields(html, links.items())


@pytest.mark.django_db
def test_the_notice_form_summary_links_each_specific_message_to_its_field(client):
    client.force_login(StaffFactory(groups=["Notice Publisher"]))

    response = client.post(reverse("workspace:notice-new"), {"scope": "M"})

    html = response.content.decode()
    assert response.status_code == 400
    links = dict(_summary_links(html))
    assert links["id_short_description"].startswith("Enter the short description")
    assert links["id_notice_type"] == "Choose a notice type."
    assert "This field is required" not in html
    _assert_links_reach_fields(html, links.items())


@pytest.mark.django_db
def test_a_message_that_does_not_name_its_field_follows_the_label(client, mp_user, participant):
    client.force_login(mp_user)

    response = client.post(reverse("portal:case-new-dispute"), {"disputed_amount": "-5"})

    links = dict(_summary_links(response.content.decode()))
    assert links["id_disputed_amount"] == "Disputed amount (USD): Enter an amount greater than zero."
