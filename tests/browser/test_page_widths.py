"""Pages that fit any screen (issue 17, point 5): at 390 px and at 1366 px no main page is wider than the window,
and a list table fits its card (stacked rows on a phone) instead of scrolling sideways. One session per role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseCategory, CaseKind
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.case_inputs import submit_case
from tests.qualification.factories import EnrollmentFactory, FlightFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
STAFF_PAGES = [
    "/workspace/",
    "/workspace/cases/?view=all",
    "/workspace/participants/",
    "/workspace/registration/",
    "/workspace/qualification/flights/",
    "/workspace/notices/",
    "/workspace/education/kb/",
    "/workspace/action-items/",
    "/workspace/meetings/",
    "/workspace/incidents/",
    "/workspace/education/sessions/",
]
PORTAL_PAGES = [
    "/portal/",
    "/portal/cases/",
    "/portal/notices/",
    "/portal/qualification/",
    "/portal/cases/new/dispute/",
    "/portal/cases/deadlines/",
    "/portal/education/",
    "/portal/cases/new/disputes-file/",
]

# Wider than the window, and list tables (.table-stack) wider than their scrolling box.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('.table-responsive')]
    .filter((box) => box.querySelector(':scope > table.table-stack') && box.scrollWidth > box.clientWidth + 1)
    .map((box) => box.querySelector('table').className + ': ' + box.scrollWidth + ' > ' + box.clientWidth),
})"""


@pytest.fixture
def long_cases(participant, mp_user):
    """Cases with the long words and names that widened the queue."""
    category = CaseCategory.objects.get(code="settlements")
    return [
        submit_case(
            actor=mp_user,
            kind=CaseKind.INQUIRY,
            category=category,
            subject=f"Missing usage on the True-Up statement for ESI IDs batch {number} of Operating Day "
            f"{timezone.localdate():%B %d}",
            description="The statement lists fewer ESI IDs than we serve.",
            participant=participant,
        )
        for number in range(3)
    ]


def _too_wide(page, paths) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")  # the home's htmx cards are in
            measured = page.evaluate(MEASURE)
            if measured["page"] > width:
                problems.append(f"{path} at {width}: page {measured['page']} px")
            problems += [f"{path} at {width}: {table}" for table in measured["tables"]]
    return problems


def test_staff_pages_fit_a_phone_and_a_laptop(page, participant, long_cases):
    """The lists, and the pages they lead to: a case, an MP (the 360° page), a flight's board and an enrollment; seen
    by the fullest bar there is (a superuser: every menu and Admin) with a long name."""
    enrollment = EnrollmentFactory.create_batch(3, flight=FlightFactory(), testing=True)[0]
    widest = StaffFactory(
        groups=["Client Services Lead"], is_superuser=True, full_name="Maximiliana Featherstonehaugh-Worthington"
    )
    sign_in(page, widest.email, PASSWORD)
    details = [
        long_cases[0].get_absolute_url(),
        f"/workspace/participants/{participant.pk}/",
        reverse("workspace:flight-detail", args=[enrollment.flight.name]),
        reverse("workspace:enrollment-detail", args=[enrollment.pk]),
    ]

    assert _too_wide(page, STAFF_PAGES + details) == []


def test_portal_pages_fit_a_phone_and_a_laptop(page, mp_user, long_cases):
    sign_in(page, mp_user.email, PASSWORD)

    assert _too_wide(page, PORTAL_PAGES + [long_cases[0].get_portal_url()]) == []


def test_a_stacked_row_names_each_cell_by_its_column_on_a_phone(page, lead, long_cases):
    sign_in(page, lead.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/workspace/cases/?view=all")

    reference = page.locator("table.case-queue tbody tr").first.locator("td").nth(1)

    assert reference.get_attribute("data-label") == "Reference"
    assert reference.evaluate("cell => getComputedStyle(cell).display") == "block"
