"""The staff bar shows exactly the pages a user may open: the pages' own checks decide (core.navigation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import StaffGroup
from ercot_services.core.navigation import STAFF_NAVIGATION, NavMenu
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db

EVERY_LINK = [link for entry in STAFF_NAVIGATION for link in (entry.links if isinstance(entry, NavMenu) else [entry])]


def _shown_urls(response) -> set[str]:
    urls = set()
    for entry in response.context["staff_nav"]:
        urls.update(link.url for link in getattr(entry, "links", [entry]))
    return urls


@pytest.mark.parametrize("group", StaffGroup.ALL)
def test_every_link_in_a_groups_bar_opens_and_every_page_it_hides_refuses(client, group):
    client.force_login(StaffFactory(groups=[group]))
    response = client.get(reverse("workspace:home"))
    shown = _shown_urls(response)
    assert shown, "every staff group has a bar"
    content = response.content.decode()
    for link in EVERY_LINK:
        url = reverse(link.url_name)
        status = client.get(url).status_code
        if url in shown:
            assert status == 200, f"{group}: {link.label} is in the bar but answers {status}"
            assert f'href="{url}"' in content
        else:
            assert status == 403, f"{group}: {link.label} is hidden but answers {status}"
            assert f'href="{url}"' not in content


@pytest.mark.parametrize(
    ("group", "sees_metrics"),
    [
        (StaffGroup.ACCOUNT_MANAGER, True),
        (StaffGroup.CLIENT_SERVICES_LEAD, True),
        (StaffGroup.RETAIL_OPERATIONS, False),
        (StaffGroup.FLIGHT_ADMINISTRATOR, False),
        (StaffGroup.SERVICE_DESK, False),
        (StaffGroup.NOTICE_PUBLISHER, False),
    ],
)
def test_metrics_is_in_the_bar_only_of_the_groups_it_opens_for(client, group, sees_metrics):
    client.force_login(StaffFactory(groups=[group]))
    response = client.get(reverse("workspace:cases"))
    assert (reverse("workspace:metrics") in _shown_urls(response)) is sees_metrics


def test_the_current_section_is_marked(client):
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    response = client.get(reverse("workspace:cases"))
    cases = next(entry for entry in response.context["staff_nav"] if entry.label == "Cases")
    assert cases.active and cases.current
    assert 'aria-current="page" href="/workspace/cases/"' in response.content.decode()


def test_a_portal_user_has_no_staff_bar(client, mp_user):
    client.force_login(mp_user)
    response = client.get(reverse("portal:home"))
    assert response.context["staff_nav"] == []
    assert reverse("workspace:metrics") not in response.content.decode()
