"""The queue and the portal list cost the same number of queries with 10 and with 1,000 cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _grow_to(total: int) -> None:
    """Copy the existing cases (same MP, requester, assignee) until there are ``total``."""
    template = list(Case.objects.all())
    existing = len(template)
    copies = []
    for n in range(total - existing):
        source = template[n % existing]
        copies.append(
            Case(
                reference=f"INQ-2099-{n + 1:06d}",
                kind=source.kind,
                participant_id=source.participant_id,
                category_id=source.category_id,
                priority=source.priority,
                channel=source.channel,
                subject=f"{source.subject} #{n}",
                description=source.description,
                status=source.status,
                submitted_by_id=source.submitted_by_id,
                assignee_id=source.assignee_id,
                first_response_due_at=source.first_response_due_at,
                resolution_due_at=source.resolution_due_at,
            )
        )
    Case.objects.bulk_create(copies, batch_size=500)
    assert Case.objects.count() == total


@pytest.mark.parametrize(
    ("who", "url_name", "query"),
    [
        ("am", "workspace:cases", "?view=all"),
        ("am", "workspace:cases", ""),
        ("participant", "portal:cases", "?status=all"),
    ],
)
def test_list_pages_do_not_grow_with_the_number_of_cases(client, submit, am_user, mp_user, who, url_name, query):
    for n in range(10):
        submit(subject=f"Question {n}")
    client.force_login(am_user if who == "am" else mp_user)
    url = reverse(url_name) + query
    client.get(url)  # warm per-session caches
    small = _count(client, url)
    _grow_to(1000)
    large = _count(client, url)
    assert small == large, f"{url}: {small} queries with 10 cases, {large} with 1,000"


# The case and its dispute, its days, its decision loop and its surveys, the conversation (bounded), the timeline, the
# forms' choices: a fixed number whatever the conversation's length.
LEAN_CEILING = 16


def _add_messages(case, author, total: int) -> None:
    from cases.models import CaseMessage

    CaseMessage.objects.bulk_create(
        [
            CaseMessage(case=case, author=author, body=f"Message {n}", is_internal=bool(n % 5 == 0))
            for n in range(total)
        ],
        batch_size=500,
    )


@pytest.mark.usefixtures("no_queries_while_rendering")
@pytest.mark.parametrize("messages", [10, 1000])
def test_dispute_page_is_lean_whatever_the_conversation(
    client, am_user, dispute, messages, django_assert_max_num_queries
):
    """A dispute with 10 or 1,000 messages: at most 16 queries, none while rendering, and a bounded conversation."""
    _add_messages(dispute, am_user, messages)
    client.force_login(am_user)
    url = reverse("workspace:case-detail", args=[dispute.reference])

    with django_assert_max_num_queries(LEAN_CEILING):
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    last = messages - 1
    assert f">Message {last}</div>" in html
    assert (">Message 0</div>" in html) == (messages <= 50)  # a long conversation opens on its latest 50
    assert ("Show earlier messages" in html) == (messages > 50)


def test_show_earlier_messages_loads_the_whole_conversation(client, am_user, dispute):
    _add_messages(dispute, am_user, 60)
    client.force_login(am_user)
    url = reverse("workspace:case-detail", args=[dispute.reference])

    html = client.get(url, {"conversation": "all"}).content.decode()

    assert ">Message 0</div>" in html and ">Message 59</div>" in html
    assert "Show earlier messages" not in html


@pytest.mark.usefixtures("no_queries_while_rendering")
@pytest.mark.parametrize("total", [10, 1000])
def test_case_queue_is_lean(client, submit, am_user, registration, total, django_assert_max_num_queries):
    for n in range(10):
        submit(subject=f"Question {n}")
    _grow_to(total)
    client.force_login(am_user)

    with django_assert_max_num_queries(LEAN_CEILING):
        response = client.get(reverse("workspace:cases") + "?view=all")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{registration.pk}">{registration.name}</option>' in html  # choices read in the view
    assert html.count("<tr") <= 26  # one page of cases and the header
