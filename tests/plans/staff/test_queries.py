"""The plan page and the list pages run a bounded number of queries: the same with a few rows as with many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.services import plan_get_or_create

from .conftest import grow

pytestmark = pytest.mark.django_db

# Absolute ceilings; the small-versus-large comparison catches N+1 regressions below them.
MAX_QUERIES = {
    "plan": 24,
    "action-items": 14,
    "meetings": 12,
    "feedback": 14,
    "improvements": 12,
}


def _urls(participant) -> dict[str, str]:
    return {
        "plan": reverse("workspace:participant-plan", args=[participant.pk]),
        "action-items": reverse("workspace:action-items") + "?owner=all&status=all",
        "meetings": reverse("workspace:meetings") + "?when=all&mine=1",
        "feedback": reverse("workspace:feedback") + "?follow_up=all",
        "improvements": reverse("workspace:improvements") + "?status=all",
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", list(MAX_QUERIES))
def test_pages_do_not_grow_with_the_data(
    am_client, participant, am_user, mp_user, plan_data, page, django_assert_max_num_queries
):
    plan_get_or_create(participant)
    participant.refresh_from_db()
    url = _urls(participant)[page]
    grow(participant, am_user, mp_user, 3)
    small = _count(am_client, url)
    grow(participant, am_user, mp_user, 60)
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = am_client.get(url)
    assert response.status_code == 200
    large = _count(am_client, url)
    assert large == small, f"{page}: {small} queries with a few rows, {large} with many"


PLAN_PAGE_CEILING = 15


@pytest.mark.usefixtures("no_queries_while_rendering")
@pytest.mark.parametrize("rows", [10, 1000])
def test_plan_page_is_lean_at_any_size(am_client, participant, am_user, mp_user, rows, django_assert_max_num_queries):
    """The plan page stays within 15 queries at 10 and at 1,000 rows of each kind, its templates run none, and it
    draws no edit form up front (each row's forms load on demand)."""
    plan_get_or_create(participant)
    participant.refresh_from_db()
    grow(participant, am_user, mp_user, rows)
    url = reverse("workspace:participant-plan", args=[participant.pk])

    with django_assert_max_num_queries(PLAN_PAGE_CEILING):
        response = am_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<textarea") == 0
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the page's one row-action form, and sign-out
    assert 'data-opens-editor="editor-item-' in html
