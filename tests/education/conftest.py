import pytest

from tests.accounts.factories import MembershipFactory

from .factories import CourseFactory, CourseSessionFactory


@pytest.fixture
def course(db):
    return CourseFactory(title="Switch holds and move-ins", slug="switch-holds", audience_codes=["REP"])


@pytest.fixture
def session(db, course, staff_user):
    return CourseSessionFactory(course=course, instructor=staff_user, capacity=2)


@pytest.fixture
def contact(db, participant):
    """Another contact of the MP of ``mp_user``."""
    return MembershipFactory(participant=participant, secondary=True).user
