"""/metrics: django-prometheus's request metrics, the outbox gauges read at scrape time, Celery task outcomes."""

import datetime

import pytest
from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ercot_services.core.delivery import outbox_kinds
from ercot_services.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    """The samples of one scrape, keyed by name and sorted labels."""
    response = client.get(reverse("metrics"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _email(key, *, status=OutboundEmail.Status.PENDING, age=datetime.timedelta(0)):
    return OutboundEmail.objects.create(
        key=key, to=["ar@example.com"], subject="s", body="b", status=status, created_at=timezone.now() - age
    )


def depth(samples, kind, state):
    return samples[("ercot_outbox_deliveries", (("kind", kind), ("state", state)))]


def age(samples, kind):
    return samples[("ercot_outbox_oldest_pending_age_seconds", (("kind", kind),))]


def test_metrics_are_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_metrics_need_the_bearer_token(client, metrics_on, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(reverse("metrics"), headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert b"ercot_outbox" not in response.content


def test_outbox_gauges_count_rows_per_kind_and_state(client, metrics_on):
    _email("m:1")
    _email("m:2", age=datetime.timedelta(minutes=42))
    _email("m:3", status=OutboundEmail.Status.SENT, age=datetime.timedelta(days=2))
    _email("m:4", status=OutboundEmail.Status.FAILED, age=datetime.timedelta(days=3))
    _email("m:5", status=OutboundEmail.Status.FAILED)

    samples = scrape(client)

    assert samples[("ercot_outbox_up", ())] == 1
    assert depth(samples, "email", "pending") == 2
    assert depth(samples, "email", "claimed") == 0
    assert depth(samples, "email", "sent") == 1
    assert depth(samples, "email", "failed") == 2
    # The oldest pending row, not the older sent or failed ones.
    assert 42 * 60 <= age(samples, "email") < 43 * 60
    # Every registered kind is reported, an empty one with zeros (a series never vanishes from a dashboard).
    for kind in outbox_kinds():
        assert depth(samples, kind.name, "pending") >= 0
        assert age(samples, kind.name) >= 0
    assert depth(samples, "case_email", "pending") == 0
    assert age(samples, "case_email") == 0


def test_the_gauges_follow_the_rows_between_scrapes(client, metrics_on):
    row = _email("m:1", age=datetime.timedelta(minutes=5))
    assert depth(scrape(client), "email", "pending") == 1

    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundEmail.Status.SENT)
    samples = scrape(client)

    assert depth(samples, "email", "pending") == 0
    assert depth(samples, "email", "sent") == 1
    assert age(samples, "email") == 0


def test_a_scrape_reads_each_outbox_kind_with_one_query(client, metrics_on, django_assert_num_queries):
    for number in range(20):
        _email(f"m:{number}")
    # One aggregate per kind, whatever the number of rows (the session and the user are not read: no cookie).
    with django_assert_num_queries(len(outbox_kinds())):
        scrape(client)


def test_request_latency_is_measured_per_view(client, metrics_on):
    client.get(reverse("healthz"))
    client.get(reverse("healthz"))

    samples = scrape(client)

    key = (
        "django_http_requests_latency_seconds_by_view_method_count",
        (("method", "GET"), ("view", "healthz")),
    )
    assert samples[key] >= 2
    assert samples[("django_http_responses_total_by_status_view_method_total", _labels(200, "healthz"))] >= 2


def _labels(status, view):
    return tuple(sorted({"method": "GET", "status": str(status), "view": view}.items()))


class Flaky(Exception):
    pass


@shared_task(name="tests.ops.fails_always")
def fails_always():
    raise Flaky("no")


@shared_task(name="tests.ops.retries_once", bind=True, max_retries=1)
def retries_once(self):
    if self.request.retries == 0:
        raise self.retry(exc=Flaky("later"), countdown=0)
    return "done"


def _counter(samples, name, task):
    return samples.get((name, (("task", task),)), 0)


def test_task_failures_and_retries_are_counted_in_the_process_that_ran_them(client, metrics_on):
    before = scrape(client)

    # Run as a worker runs them (an eager call that propagates the error raises before any signal is sent).
    assert fails_always.apply(throw=False).failed()
    retries_once.apply(throw=False)  # the retry runs at once (eagerly) and succeeds

    after = scrape(client)

    def grew(name, task):
        return _counter(after, name, task) - _counter(before, name, task)

    assert grew("ercot_celery_task_failures_total", "tests.ops.fails_always") == 1
    assert grew("ercot_celery_task_retries_total", "tests.ops.retries_once") == 1
    assert grew("ercot_celery_task_failures_total", "tests.ops.retries_once") == 0


def test_an_unreadable_outbox_leaves_the_rest_of_the_scrape(client, metrics_on, monkeypatch):
    from django.db import OperationalError

    from ercot_services.core import prometheus

    def broken():
        raise OperationalError("the database went away")

    client.get(reverse("healthz"))
    monkeypatch.setattr(prometheus, "outbox_backlog", broken)

    samples = scrape(client)

    assert samples[("ercot_outbox_up", ())] == 0
    assert not any(name.startswith("ercot_outbox_deliveries") for name, _ in samples)
    assert any(name.startswith("django_http_requests_latency") for name, _ in samples)
