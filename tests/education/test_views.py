"""The course pages: the public catalogue, the portal (isolation between MPs), the workspace (groups)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Attendance, Enrolment, EnrolmentStatus
from education.services import enrolment_enrol
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory

from .factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _completed(session, user, participant):
    enrolment = EnrolmentFactory(session=session, user=user, participant=participant)
    enrolment.attendance = Attendance.PRESENT
    enrolment.completed_at = timezone.now()
    enrolment.save()
    return enrolment


# --- public catalogue -----------------------------------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_and_searches_and_filters_them(client, course):
    CourseFactory(
        title="Congestion revenue rights", slug="crr", summary="CRR auctions.", description="", audience_codes=["CRRAH"]
    )
    CourseFactory(title="Draft course", slug="draft", is_published=False)
    page = client.get(reverse("education:catalogue")).content.decode()
    assert "Switch holds and move-ins" in page and "Congestion revenue rights" in page and "Draft course" not in page
    found = client.get(reverse("education:catalogue"), {"q": "switch"}).content.decode()
    assert "Switch holds and move-ins" in found and "Congestion revenue rights" not in found
    by_role = client.get(reverse("education:catalogue"), {"role": "CRRAH"}).content.decode()
    assert "Congestion revenue rights" in by_role and "Switch holds and move-ins" not in by_role
    assert 'href="/education/kb/"' in page


def test_the_catalogue_query_count_does_not_grow_with_the_courses(client, django_assert_max_num_queries, staff_user):
    for _ in range(12):
        course = CourseFactory(audience_codes=["REP", "LSE"])
        CourseSessionFactory(course=course, instructor=staff_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("education:catalogue"))
    assert response.status_code == 200


def test_an_unpublished_course_page_is_a_404(client):
    CourseFactory(slug="hidden", is_published=False)
    assert client.get(reverse("education:course", args=["hidden"])).status_code == 404


# --- portal ---------------------------------------------------------------------------------------------------------


def test_a_reps_users_see_the_retail_course_first_and_enrol(client, mp_user, session):
    CourseFactory(title="QSE scheduling", slug="qse", audience_codes=["QSE"])
    client.force_login(mp_user)
    page = client.get(reverse("portal:education")).content.decode()
    assert "Switch holds and move-ins" in page and "QSE scheduling" not in page
    response = client.post(reverse("portal:education-enrol", args=[session.pk]), follow=True)
    assert "You are enrolled" in response.content.decode()
    assert Enrolment.objects.get(user=mp_user).status == EnrolmentStatus.ENROLLED


def test_the_portal_home_shows_the_courses_card(client, mp_user, course):
    client.force_login(mp_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="courses-card"' in page and course.title in page


def test_another_mps_enrolment_certificate_and_invitation_are_404(client, session, participant, mp_user, other_mp_user):
    mine = _completed(session, mp_user, participant)
    client.force_login(other_mp_user)
    for name in ("portal:education-certificate", "portal:education-enrolment-ics"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    assert client.post(reverse("portal:education-enrolment-cancel", args=[mine.pk])).status_code == 404
    assert mp_user.full_name not in client.get(reverse("portal:education")).content.decode()


def test_the_attendee_and_a_colleague_download_the_certificate(client, session, participant, mp_user, contact):
    mine = _completed(session, mp_user, participant)
    for user in (mp_user, contact):
        client.force_login(user)
        response = client.get(reverse("portal:education-certificate", args=[mine.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_no_certificate_before_attendance(client, session, participant, mp_user):
    enrolment = EnrolmentFactory(session=session, user=mp_user, participant=participant)
    client.force_login(mp_user)
    assert client.get(reverse("portal:education-certificate", args=[enrolment.pk])).status_code == 404


def test_the_portal_page_query_count_is_bounded(
    client, mp_user, participant, staff_user, django_assert_max_num_queries
):
    for _ in range(6):
        course = CourseFactory(audience_codes=["REP"])
        session = CourseSessionFactory(course=course, instructor=staff_user)
        EnrolmentFactory(
            session=session,
            user=MembershipFactory(participant=participant, secondary=True).user,
            participant=participant,
        )
    client.force_login(mp_user)
    client.get(reverse("portal:education"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:education")).status_code == 200


def test_staff_cannot_use_the_portal_pages(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("portal:education")).status_code == 403


# --- workspace ------------------------------------------------------------------------------------------------------


def test_a_wrong_staff_group_is_refused_the_session_actions(client, session):
    client.force_login(StaffFactory(groups=["Notice Publisher"]))
    assert client.get(reverse("workspace:course-session", args=[session.pk])).status_code == 200
    assert client.get(reverse("workspace:course-session-new")).status_code == 403
    assert (
        client.post(reverse("workspace:course-session-cancel", args=[session.pk]), {"reason": "x"}).status_code == 403
    )
    assert client.post(reverse("workspace:course-session-attendance", args=[session.pk])).status_code == 403


def test_participants_cannot_open_the_workspace_session_page(client, session, mp_user):
    client.force_login(mp_user)
    assert client.get(reverse("workspace:course-session", args=[session.pk])).status_code == 403


def test_the_am_enrols_a_contact_and_the_instructor_records_attendance(
    client, session, participant, contact, staff_user
):
    from accounts.models import Membership

    client.force_login(staff_user)
    membership = Membership.objects.get(user=contact, participant=participant)
    response = client.post(reverse("workspace:course-session-enrol", args=[session.pk]), {"membership": membership.pk})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=contact)
    session.starts_at = timezone.now() - datetime.timedelta(hours=2)
    session.ends_at = timezone.now() - datetime.timedelta(hours=1)
    session.enrolment_deadline = session.starts_at - datetime.timedelta(days=1)
    session.save()
    response = client.post(
        reverse("workspace:course-session-attendance", args=[session.pk]), {"present": [enrolment.pk]}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.is_completed


def test_scheduling_a_session_with_bad_times_keeps_what_was_typed(client, course, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("workspace:course-session-new"),
        {
            "course": course.pk,
            "starts_at": "2030-05-04T10:00",
            "ends_at": "2030-05-04T09:00",
            "enrolment_deadline": "2030-05-01T17:00",
            "capacity": "12",
            "instructor": staff_user.pk,
            "location": "Taylor",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The session must end after it starts." in page and 'value="Taylor"' in page


def test_the_session_page_query_count_does_not_grow_with_the_roster(
    client, session, participant, staff_user, django_assert_max_num_queries
):
    session.capacity = 40
    session.save()
    for _ in range(15):
        user = MembershipFactory(participant=participant, secondary=True).user
        enrolment_enrol(actor=user, session=session, user=user, participant=participant)
    client.force_login(staff_user)
    client.get(reverse("workspace:course-session", args=[session.pk]))
    with django_assert_max_num_queries(22):
        assert client.get(reverse("workspace:course-session", args=[session.pk])).status_code == 200


def test_the_am_recommends_a_course_from_an_issue_pattern(client, course, participant, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("workspace:participant-recommend-course", args=[participant.pk]),
        {"course": course.pk, "reason": "Five switch hold questions this month."},
    )
    assert response.status_code == 302
    other = ParticipantFactory(role_codes=["QSE"])
    assert participant.course_recommendations.get().reason == "Five switch hold questions this month."
    assert not other.course_recommendations.exists()


def test_a_course_the_am_recommended_comes_first_with_the_reason(client, mp_user, participant, course, staff_user):
    from education.services import recommendation_record

    other = CourseFactory(title="Anything goes", slug="anything", audience_codes=[])
    recommendation_record(actor=staff_user, participant=participant, course=other, reason="Five switch hold cases")
    client.force_login(mp_user)
    page = client.get(reverse("portal:education")).content.decode()
    assert page.index("Anything goes") < page.index(course.title)
    assert "Recommended by your Account Manager: Five switch hold cases" in page
