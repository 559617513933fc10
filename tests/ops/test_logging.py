"""Log lines say which request or task wrote them; production writes them as JSON."""

import copy
import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import uuid

import pytest
from celery import shared_task
from django.conf import settings
from django.urls import reverse

from ercot_services.core.log_context import REQUEST_ID_HEADER

pytestmark = pytest.mark.django_db

task_logger = logging.getLogger("tests.ops.task")


@pytest.fixture
def json_logs():
    """The project's LOGGING with the JSON formatter (production's), written to a buffer; returns the parsed lines."""
    config = copy.deepcopy(settings.LOGGING)
    buffer = io.StringIO()
    config["handlers"]["console"].update(formatter="json", stream=buffer)
    logging.config.dictConfig(config)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    logging.config.dictConfig(settings.LOGGING)


def test_a_request_is_logged_as_json_with_its_request_id(client, json_logs):
    response = client.get(reverse("landing"), headers={REQUEST_ID_HEADER: "req-7f3a9c"})

    assert response.status_code == 200
    assert response[REQUEST_ID_HEADER] == "req-7f3a9c"
    [access] = [line for line in json_logs() if line["logger"] == "ercot_services.request"]
    assert access["message"] == "GET / 200"
    assert access["request_id"] == "req-7f3a9c"
    assert access["level"] == "INFO"
    assert access["method"] == "GET"
    assert access["path"] == "/"
    assert access["status"] == 200
    assert access["duration_ms"] >= 0
    assert access["time"]
    assert access["task_id"] is None


def test_every_line_of_a_request_carries_its_id(client, json_logs):
    """Django's own warning about the 404 is written inside the request: it carries the same id."""
    response = client.get("/no-such-page/", headers={REQUEST_ID_HEADER: "req-404"})

    assert response.status_code == 404
    lines = json_logs()
    assert {line["logger"] for line in lines} >= {"django.request", "ercot_services.request"}
    assert {line["request_id"] for line in lines} == {"req-404"}


def test_a_request_without_an_id_gets_a_new_one(client, json_logs):
    first = client.get(reverse("landing"))[REQUEST_ID_HEADER]
    second = client.get(reverse("landing"))[REQUEST_ID_HEADER]

    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second
    assert [line["request_id"] for line in json_logs() if line["logger"] == "ercot_services.request"] == [
        first,
        second,
    ]


@pytest.mark.parametrize("unacceptable", ["x" * 129, "two words", 'quote"d', "line\nbreak"])
def test_an_unacceptable_incoming_id_is_replaced(client, unacceptable):
    response = client.get(reverse("landing"), headers={REQUEST_ID_HEADER: unacceptable})

    assert response[REQUEST_ID_HEADER] != unacceptable
    assert len(response[REQUEST_ID_HEADER]) == 32


def test_outside_a_request_lines_have_no_request_id(json_logs):
    logging.getLogger("tests.ops").warning("no request here")
    [line] = json_logs()
    assert line["request_id"] is None
    assert line["message"] == "no request here"


@shared_task(name="tests.ops.log_something")
def log_something(word):
    task_logger.info("working on %s", word)
    return word


def test_a_task_run_logs_its_task_id_and_name(json_logs):
    result = log_something.apply(args=["letters"])

    assert result.get() == "letters"
    [line] = [line for line in json_logs() if line["logger"] == "tests.ops.task"]
    assert line["message"] == "working on letters"
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.ops.log_something"
    # After the task, lines no longer carry it.
    logging.getLogger("tests.ops").info("after")
    assert json_logs()[-1]["task_id"] is None


def test_a_task_run_inside_a_request_carries_both_ids(rf, json_logs):
    from ercot_services.core.log_context import RequestIdMiddleware

    def view(request):
        log_something.apply(args=["inside"], task_id="task-in-request")
        from django.http import HttpResponse

        return HttpResponse("ok")

    RequestIdMiddleware(view)(rf.get("/", headers={REQUEST_ID_HEADER: "req-with-task"}))

    [line] = [line for line in json_logs() if line["logger"] == "tests.ops.task"]
    assert line["request_id"] == "req-with-task"
    assert line["task_id"] == "task-in-request"


_PRODUCTION_REQUEST = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz", headers={"X-Request-ID": "prod-req-1"}, secure=True)
import logging
logging.getLogger("ercot_services.request").info("probe done")
"""


@pytest.mark.subprocess
def test_production_settings_write_json_lines_and_development_plain_ones(tmp_path):
    """In a fresh interpreter with the production settings, a request's lines are JSON objects with its id."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "LOG_"))}
    base.update(
        ERCOT_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="testserver",
        CACHE_URL="redis://127.0.0.1:6379/1",
        LOG_LEVEL="DEBUG",
    )
    production = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _PRODUCTION_REQUEST],
        env={**base, "DJANGO_SETTINGS_MODULE": "ercot_services.settings.production"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [json.loads(line) for line in production.stderr.splitlines()]
    [access] = [line for line in lines if line["message"].startswith("GET /healthz")]
    assert access["request_id"] == "prod-req-1"
    assert access["level"] == "DEBUG"  # probes are quiet at INFO
    assert lines[-1]["message"] == "probe done"

    local = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _PRODUCTION_REQUEST],
        env={**base, "DJANGO_SETTINGS_MODULE": "ercot_services.settings.local"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert local.stderr.splitlines()[-1].endswith("INFO ercot_services.request probe done")
    assert not local.stderr.lstrip().startswith("{")
