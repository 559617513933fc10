"""What staff see of an MP's training: the 360° page's section, the home cards, the metrics page's section."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from education.models import Attendance, CourseRecommendation
from tests.accounts.factories import MembershipFactory

from .factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _held_session(course, instructor):
    started = timezone.now() - datetime.timedelta(days=2)
    return CourseSessionFactory(
        course=course,
        instructor=instructor,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=2),
        enrolment_deadline=started - datetime.timedelta(days=1),
    )


def _training(participant, course, instructor, n=1):
    held = _held_session(course, instructor)
    upcoming = CourseSessionFactory(course=course, instructor=instructor)
    for _ in range(n):
        user = MembershipFactory(participant=participant, secondary=True).user
        EnrolmentFactory(
            session=held, user=user, participant=participant, attendance=Attendance.PRESENT, completed_at=timezone.now()
        )
        EnrolmentFactory(session=upcoming, user=user, participant=participant)
    return held, upcoming


def test_the_360_training_section_shows_recommended_enrolled_and_completed(client, participant, course, staff_user):
    CourseRecommendation.objects.create(participant=participant, course=course, reason="Switch hold questions")
    _training(participant, course, staff_user)
    client.force_login(staff_user)
    url = reverse("workspace:participant-section", args=[participant.pk, "training"])
    page = client.get(url).content.decode()
    assert "Switch hold questions" in page
    assert 'id="training-enrolled"' in page and "Enrolled" in page
    assert course.title in page.split('id="training-completed"')[1]
    for _ in range(5):
        _training(participant, CourseFactory(), staff_user, n=2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) <= 12


def test_the_am_home_lists_the_books_training(client, participant, other_participant, course, account_manager):
    am = account_manager.user
    _training(participant, course, am)
    elsewhere = CourseFactory(title="Elsewhere course")
    _training(other_participant, elsewhere, am)
    other_participant.am_assignments.all().delete()
    client.force_login(am)
    page = client.get(reverse("workspace:home-lists")).content.decode()
    training = page.split('id="home-training"')[1].split("</ul>")[0]
    assert f"{participant.short_name} · {course.title}" in training and "Completed" in training
    assert "Elsewhere course" not in training


def test_the_metrics_page_counts_training_by_market_role(client, lead, participant, course, staff_user):
    _training(participant, course, staff_user, n=2)
    client.force_login(lead)
    today = timezone.localdate()
    response = client.get(
        reverse("workspace:metrics"),
        {"start": (today - datetime.timedelta(days=7)).isoformat(), "end": today.isoformat(), "manager": "all"},
    )
    page = response.content.decode()
    assert "Training by market role" in page
    section = page.split('id="training-heading"')[1]
    assert "REP" in section and "100% (2/2)" in section
    csv = client.get(
        reverse("workspace:metrics-csv", args=["training"]),
        {"start": (today - datetime.timedelta(days=7)).isoformat(), "end": today.isoformat(), "manager": "all"},
    )
    assert csv.status_code == 200
