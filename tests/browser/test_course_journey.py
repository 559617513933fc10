"""A new REP's user finds the course recommended for it, enrols, the instructor marks attendance, and the user
downloads the certificate; axe-core checks each page (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from education.models import CourseSession, Enrolment
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.education.factories import CourseFactory, CourseSessionFactory

from .axe import assert_no_serious_violations
from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_rep_user_finds_a_course_enrols_attends_and_downloads_the_certificate(
    page, browser, live_server, participant, account_manager
):
    expect = pytest.importorskip("playwright.sync_api").expect
    am = account_manager.user
    rep_user = MembershipFactory(secondary=True, participant=participant, user__full_name="Riley Retail").user
    course = CourseFactory(title="Retail market fundamentals", slug="retail-fundamentals", audience_codes=["REP"])
    CourseFactory(title="QSE scheduling", slug="qse-scheduling", audience_codes=["QSE"])
    session = CourseSessionFactory(course=course, instructor=am, capacity=5)

    sign_in(page, rep_user.email, PASSWORD)
    expect(page.locator("#courses-card").get_by_text("Retail market fundamentals")).to_be_visible()
    page.get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", name="Market education")).to_be_visible()
    expect(page.get_by_text("QSE scheduling")).to_have_count(0)
    assert_no_serious_violations(page, label="portal education")
    page.get_by_role("button", name="Enrol in Retail market fundamentals").click()
    expect(page.get_by_text("You are enrolled in Retail market fundamentals")).to_be_visible()
    snap(page, "course-enrolled")
    page.goto("/education/")
    expect(page.get_by_role("heading", name="Market education")).to_be_visible()
    assert_no_serious_violations(page, label="catalogue")
    page.goto(f"/education/courses/{course.slug}/")
    assert_no_serious_violations(page, label="course page")

    # The session is held; its instructor (the AM) records attendance.
    started = timezone.now() - datetime.timedelta(hours=3)
    CourseSession.objects.filter(pk=session.pk).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=2), enrolment_deadline=started
    )
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    staff_page = staff.new_page()
    try:
        sign_in(staff_page, am.email, PASSWORD)
        staff_page.goto(f"/workspace/education/sessions/{session.pk}/")
        assert_no_serious_violations(staff_page, label="staff session page")
        staff_page.get_by_label("Riley Retail", exact=False).check()
        staff_page.get_by_role("button", name="Record attendance").click()
        expect(staff_page.get_by_text("Attendance recorded")).to_be_visible()
    finally:
        staff.close()

    page.goto("/portal/education/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificate").click()
    assert download.value.suggested_filename.startswith("certificate-EDU-")
    assert Enrolment.objects.get(user=rep_user).is_completed
