"""Shared fixtures.

Tests that need a real service (Redis, PostgreSQL, Chromium) are marked. Where
the service is missing they skip, unless ``ERCOT_REQUIRE_SERVICES=1`` (set by
``.ci/run``), in which case they fail: CI never passes by skipping.
"""

import datetime
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from .accounts.factories import (
    AccountManagerFactory,
    MembershipFactory,
    ParticipantFactory,
    StaffFactory,
)
from .query_guards import no_queries_while_rendering  # noqa: F401  (a fixture, shared by the page tests)

REQUIRE_SERVICES = os.environ.get("ERCOT_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


SLOW_MARKERS = ("browser", "redis", "subprocess")


def pytest_collection_modifyitems(config, items):
    """A test that drives Chromium, a real worker, another Python process or a transactional database is ``slow``:
    ``make test-fast`` skips it."""
    for item in items:
        db = item.get_closest_marker("django_db")
        transactional = (
            (db is not None and db.kwargs.get("transaction"))
            or "transactional_db" in getattr(item, "fixturenames", ())
            or "live_server" in getattr(item, "fixturenames", ())
        )
        if transactional or any(item.get_closest_marker(name) for name in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (ERCOT_REQUIRE_SERVICES=1: CI must not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _required_services(request):
    if request.node.get_closest_marker("redis"):
        # Without CELERY_BROKER_URL the settings fall back to an in-memory transport
        # (eager mode), which is no Redis: only a redis:// URL counts.
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            _missing("CELERY_BROKER_URL does not name a Redis broker")
        elif not _reachable(settings.CELERY_BROKER_URL):
            _missing(f"broker {settings.CELERY_BROKER_URL} is unreachable")
    if (
        request.node.get_closest_marker("postgres")
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        _missing("DATABASE_URL does not point at PostgreSQL")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        _missing(f"Chromium not found at {CHROMIUM}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the rows the data migrations seed.

    ``make test`` builds it through the migrations, which seed them (this finds them and does nothing);
    ``make test-fast`` passes ``--no-migrations`` (tables straight from the models, seconds faster per worker),
    so the same rows are written here once per session (per xdist worker) instead.
    """
    from .reference_data import reseed_reference_data

    with django_db_blocker.unblock():
        reseed_reference_data()


@pytest.fixture(scope="session", autouse=True)
def _reference_data_survives_a_flush(django_db_setup):
    """A transactional test ends with a flush, which empties every table, the data migrations' rows included. Under
    xdist a worker runs a file's transactional tests with the file, so ordinary tests of the next file would find no
    market roles or case categories. The flush ends with ``post_migrate`` (once per app): after the last app's, the
    rows are written back, so no test ever starts without them."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import post_migrate

    from .reference_data import reseed_reference_data

    last_app = list(apps.get_app_configs())[-1]

    def reseed(sender, **kwargs):
        if sender is last_app:
            ContentType.objects.clear_cache()
            reseed_reference_data()

    post_migrate.connect(reseed, weak=False, dispatch_uid="tests.reseed_reference_data")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reseed_reference_data")


@pytest.fixture(autouse=True)
def _migration_files(request):
    """A test marked ``migrations`` reads the migration files, even under ``--no-migrations`` (which hides them)."""
    if request.node.get_closest_marker("migrations"):
        request.getfixturevalue("settings").MIGRATION_MODULES = {}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests get the data migrations' rows back (see tests/reference_data.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
        from django.contrib.contenttypes.models import ContentType

        from .reference_data import reseed_reference_data

        # The flush after the previous transactional test recreated the content types
        # with new ids; a cached one would break every audit event's foreign key.
        ContentType.objects.clear_cache()
        reseed_reference_data()


@pytest.fixture(autouse=True)
def _holidays_uncached(db):
    """Each test reads the holidays of its own database: the cache outlives the rolled-back transaction."""
    from ercot_services.core.calendar import forget_holidays

    forget_holidays()


@pytest.fixture(autouse=True)
def _axes_reset(db):
    """Each test starts with no recorded sign-in failures."""
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()


@pytest.fixture(autouse=True)
def _rate_limits_reset():
    """Each test starts with django-allauth's rate limits unspent: they count in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def business_day_morning():
    """Pin the clock to 10:00 operator time on an ordinary Business Day (a Wednesday, no holiday near).

    For tests whose expectations count Business Days from "today": on a weekend or a holiday "today" is not a
    Business Day and the count honestly differs, so such a test would pass or fail with the calendar.
    """
    moment = datetime.datetime(2026, 10, 14, 10, 0, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def account_manager(db):
    return AccountManagerFactory()


@pytest.fixture
def participant(db, account_manager):
    return ParticipantFactory(role_codes=["REP", "LSE"], account_manager=account_manager)


@pytest.fixture
def other_participant(db, account_manager):
    return ParticipantFactory(role_codes=["QSE"], account_manager=account_manager)


@pytest.fixture
def mp_user(db, participant):
    return MembershipFactory(participant=participant).user


@pytest.fixture
def other_mp_user(db, other_participant):
    return MembershipFactory(participant=other_participant).user


@pytest.fixture
def lead(db):
    return StaffFactory(groups=["Client Services Lead"])


@pytest.fixture
def staff_user(db):
    return StaffFactory(groups=["Account Manager"])


@pytest.fixture
def smtp_sink(settings):
    """An SMTP sink on 127.0.0.1 that Django's SMTP backend sends to (see tests/mail.py)."""
    from .mail import smtp_sink_running

    with smtp_sink_running(settings) as handler:
        yield handler


@pytest.fixture
def celery_worker_thread():
    """A real Celery worker in a thread, on a queue of its own (see tests/mail.py); mark the test ``redis``."""
    from .mail import celery_worker_running

    with celery_worker_running() as worker:
        yield worker


# --- headless Chromium (Debian's package) through Playwright: one browser per test session, shared by every folder --

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page of a fresh context. The test settings enforce the Content Security Policy: a journey whose pages tried
    something the policy forbids (an inline script or style, a foreign source) fails at teardown."""
    from .browser.csp import watch

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    problems = watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert problems.violations == [], "Content Security Policy violations"


@pytest.fixture
def rebuild_summaries(db):
    """Call after building rows with factories (which bypass the services that keep the participant summaries
    current), before reading a page that shows them: recomputes every summary row."""
    from accounts.services import participant_summaries_rebuild

    def rebuild():
        participant_summaries_rebuild(fix=True)

    return rebuild
