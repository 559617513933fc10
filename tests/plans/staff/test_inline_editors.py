"""The plan page's forms load on demand: an htmx GET of an action view answers with its form alone, a plain GET
with its page, and both keep the view's permissions (participants 403, staff without the permission 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _editors(participant, data) -> dict[str, str]:
    plan = reverse("workspace:participant-plan", args=[participant.pk])
    return {
        "action-item-edit": reverse("workspace:action-item-edit", args=[data["open_item"].pk]) + f"?next={plan}",
        "action-item-done": reverse("workspace:action-item-transition", args=[data["open_item"].pk]) + "?to=done",
        "objective-edit": reverse("workspace:objective-edit", args=[data["issue"].pk]),
        "plan-edit": reverse("workspace:plan-edit", args=[participant.pk]),
        "objective-new": reverse("workspace:objective-new", args=[participant.pk]),
    }


@pytest.mark.parametrize(
    "name", ["action-item-edit", "action-item-done", "objective-edit", "plan-edit", "objective-new"]
)
def test_an_htmx_get_answers_with_the_form_alone(am_client, participant, plan_data, name):
    url = _editors(participant, plan_data)[name]

    response = am_client.get(url, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert html.lstrip().startswith("<form") and f'action="{url}"'.replace("&", "&amp;") in html
    assert 'name="csrfmiddlewaretoken"' in html and "data-dismiss-editor" in html


@pytest.mark.parametrize("name", ["action-item-edit", "objective-edit", "plan-edit", "objective-new"])
def test_without_javascript_the_link_opens_a_full_page_with_the_form(am_client, participant, plan_data, name):
    response = am_client.get(_editors(participant, plan_data)[name])

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "<textarea" in html


@pytest.mark.parametrize(
    "name", ["action-item-edit", "action-item-done", "objective-edit", "plan-edit", "objective-new"]
)
def test_participant_users_get_no_fragment(client, mp_user, participant, plan_data, name):
    client.force_login(mp_user)
    assert client.get(_editors(participant, plan_data)[name], **HTMX).status_code == 403


@pytest.mark.parametrize(
    "name", ["action-item-edit", "action-item-done", "objective-edit", "plan-edit", "objective-new"]
)
def test_staff_without_the_permission_get_no_fragment(client, viewer, participant, plan_data, name):
    """Service Desk may read the plan, not change it."""
    client.force_login(viewer)
    assert client.get(_editors(participant, plan_data)[name], **HTMX).status_code == 403


def test_a_fragment_of_an_unknown_row_is_404(am_client):
    assert am_client.get(reverse("workspace:action-item-edit", args=[999999]), **HTMX).status_code == 404


def test_a_row_button_posts_through_the_page_wide_form(am_client, participant, plan_data):
    """Objective and improvement buttons submit the one form holding the CSRF token (form= and formaction=)."""
    html = am_client.get(reverse("workspace:participant-plan", args=[participant.pk])).content.decode()
    status_url = reverse("workspace:objective-status", args=[plan_data["issue"].pk])

    assert '<form method="post" id="plan-row-action" hidden>' in html
    assert f'form="plan-row-action" formaction="{status_url}" name="status" value="achieved"' in html
    response = am_client.post(status_url, {"status": "achieved"})
    assert response.status_code == 302
    plan_data["issue"].refresh_from_db()
    assert plan_data["issue"].status == "achieved"
