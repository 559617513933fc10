"""Sessions: no write per request, an idle timeout kept by a last-seen time written at most once a minute, and a
cache that can be flushed or lost without signing anyone out (ercot_services/core/sessions.py)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from accounts.portal_session import SESSION_KEY as PARTICIPANT_KEY
from ercot_services.core.sessions import LAST_SEEN_KEY, SessionStore

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def whoami(request):
    return HttpResponse(f"user {request.user.pk}", content_type="text/plain")


urlpatterns = [path("test/whoami/", whoami), path("", include("ercot_services.urls"))]


class CacheSpy:
    """Records the session cache's writes (set, add, delete) with a session key."""

    def __init__(self, monkeypatch):
        self.writes = []
        cache = caches[settings.SESSION_CACHE_ALIAS]
        for method in ("set", "add", "delete", "set_many", "delete_many"):
            original = getattr(cache, method)
            monkeypatch.setattr(cache, method, self._spy(method, original))

    def _spy(self, method, original):
        def spy(key, *args, **kwargs):
            if "sessions" in str(key):
                self.writes.append((method, key))
            return original(key, *args, **kwargs)

        return spy


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def _get(client, url="/test/whoami/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, _session_writes(queries.captured_queries)


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, staff_user, traveller):
    client.force_login(staff_user)
    return client


def test_sessions_live_in_the_cache_in_front_of_the_database():
    assert issubclass(SessionStore, cached_db.SessionStore)
    assert settings.SESSION_ENGINE == "ercot_services.core.sessions"
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_a_signed_in_request_with_a_fresh_last_seen_writes_nothing(signed_in, staff_user, traveller, monkeypatch):
    spy = CacheSpy(monkeypatch)
    for _ in range(3):
        traveller.shift(19)  # 57 s in all: under the minute
        response, writes = _get(signed_in)
        assert response.content.decode() == f"user {staff_user.pk}"
        assert writes == []
    assert spy.writes == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no cookie set again either


def test_signing_in_records_the_last_seen_time(signed_in):
    assert signed_in.session[LAST_SEEN_KEY] == int(START.timestamp())
    _, writes = _get(signed_in)
    assert writes == []  # so the first request after signing in writes nothing either


def test_the_last_seen_time_is_written_once_it_is_a_minute_old(signed_in, traveller, monkeypatch):
    traveller.shift(61)
    spy = CacheSpy(monkeypatch)
    _, writes = _get(signed_in)
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    assert [method for method, _ in spy.writes] == ["set"]
    assert signed_in.session[LAST_SEEN_KEY] == int(timezone.now().timestamp())
    _, writes = _get(signed_in)
    assert writes == []


def test_a_session_idle_for_longer_than_the_timeout_is_signed_out(signed_in, traveller):
    traveller.shift(settings.SESSION_IDLE_TIMEOUT + 1)
    response, _ = _get(signed_in)
    assert response.content.decode() == "user None"
    response = signed_in.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_activity_keeps_a_session_alive_past_the_timeout(signed_in, staff_user, traveller):
    for _ in range(4):  # two hours of requests, one every 29 minutes: each is within the idle window
        traveller.shift(29 * 60)
        response, _ = _get(signed_in)
        assert response.content.decode() == f"user {staff_user.pk}"


def test_the_session_row_outlives_the_idle_window_of_its_last_request(signed_in, staff_user, traveller):
    """The last save may be 59 s before the last request; the row must still be there a whole timeout later."""
    traveller.shift(59)
    _get(signed_in)  # not written: the last-seen time is 59 s old
    row = Session.objects.get(session_key=signed_in.session.session_key)
    assert row.expire_date >= timezone.now() + datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    traveller.shift(settings.SESSION_IDLE_TIMEOUT - 60)
    caches[settings.SESSION_CACHE_ALIAS].clear()  # from the database, where the expiry is checked
    response, _ = _get(signed_in)
    assert response.content.decode() == f"user {staff_user.pk}"


def test_a_flushed_cache_signs_nobody_out(signed_in, staff_user):
    caches[settings.SESSION_CACHE_ALIAS].clear()
    response, writes = _get(signed_in)
    assert response.content.decode() == f"user {staff_user.pk}"
    assert writes == []  # read back from the database, not written


def test_a_cache_that_is_down_leaves_sessions_to_the_database(client, staff_user, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client.force_login(staff_user)
    response, _ = _get(client)
    assert response.content.decode() == f"user {staff_user.pk}"
    client.post(reverse("logout"))
    response, _ = _get(client)
    assert response.content.decode() == "user None"


@pytest.mark.redis
def test_sessions_survive_losing_their_redis_entries(client, staff_user, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": "test-sessions",
        },
    }
    client.force_login(staff_user)
    store = SessionStore(client.session.session_key)
    cache = caches["default"]
    assert cache.get(store.cache_key) is not None  # the session is in Redis
    cache.delete(store.cache_key)  # what a flush or a restart without persistence does to it
    response, _ = _get(client)
    assert response.content.decode() == f"user {staff_user.pk}"
    assert cache.get(store.cache_key) is not None  # and back in Redis
    cache.delete(store.cache_key)


def test_the_participant_being_worked_for_stays_in_the_session(client, mp_user, participant, other_participant):
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(user=mp_user, participant=other_participant)
    client.force_login(mp_user)
    client.post(reverse("portal:switch", args=[other_participant.pk]))
    caches[settings.SESSION_CACHE_ALIAS].clear()
    client.get("/test/whoami/")
    assert client.session[PARTICIPANT_KEY] == other_participant.pk
