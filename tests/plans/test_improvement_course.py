"""A training improvement linked to a course shows who at the MP completed it, and when."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Attendance
from plans.models import ImprovementAction
from tests.education.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

from .factories import ImprovementActionFactory

pytestmark = pytest.mark.django_db


def test_the_plan_shows_who_completed_the_training_course(client, participant, mp_user, other_participant, staff_user):
    course = CourseFactory(title="Switch holds for REPs", slug="switch-holds")
    ImprovementActionFactory(participant=participant, course=course, owner=staff_user, title="Train on switch holds")
    session = CourseSessionFactory(course=course, instructor=staff_user)
    client.force_login(staff_user)
    page = client.get(reverse("workspace:participant-plan", args=[participant.pk])).content.decode()
    assert "Switch holds for REPs" in page and "not completed yet" in page

    EnrolmentFactory(
        session=session,
        user=mp_user,
        participant=participant,
        attendance=Attendance.PRESENT,
        completed_at=timezone.now(),
    )
    page = client.get(reverse("workspace:participant-plan", args=[participant.pk])).content.decode()
    assert f"completed by {mp_user.full_name}" in page

    # Another MP's completion of the same course does not count for this MP's opportunity.
    ImprovementActionFactory(participant=other_participant, course=course, owner=staff_user)
    listing = client.get(reverse("workspace:improvements"), {"status": "all"}).content.decode()
    assert listing.count("completed by") == 1


def test_a_course_goes_with_a_training_improvement_only(client, participant, staff_user):
    course = CourseFactory()
    client.force_login(staff_user)
    response = client.post(
        reverse("workspace:improvement-new", args=[participant.pk]),
        {
            "kind": ImprovementAction.Kind.PROCESS_CHANGE,
            "title": "Weekly status email",
            "course": course.pk,
            "owner": staff_user.pk,
            "due_date": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "A course goes with a training action only." in response.content.decode()
    assert not ImprovementAction.objects.exists()
