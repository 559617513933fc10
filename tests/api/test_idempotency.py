"""``Idempotency-Key`` on the API's POSTs: a retry replays the first answer and files nothing again; the key reused for
another request is a 422, a key still in use a 409; 4xx answers are stored, 5xx not; expiry and the purge; the
header in the schema of every POST; two concurrent duplicates file one dispute."""

import datetime
import threading

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from api import idempotency
from api.models import ApiScope, IdempotencyRecord
from api.tasks import purge_idempotency_records
from cases.models import Case, DisputeDetail
from tests.cases.factories import SubmittedCaseFactory

from .calls import assert_problem, auth, post_json
from .factories import ApiKeyFactory
from .test_case_writes import DISPUTES, INQUIRIES, dispute, inquiry, pdf

pytestmark = pytest.mark.django_db

KEY = {"Idempotency-Key": "5f0c6a1e-2b7d-4e59-9b1a-0d7c3e8f9a21"}


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_CASES, ApiScope.WRITE_CASES])


def test_a_retried_dispute_is_filed_once_and_the_retry_gets_the_first_answer(client, key):
    first = post_json(client, DISPUTES, key, dispute(), **KEY)
    assert first.status_code == 201
    assert not first.has_header("Idempotent-Replayed")
    retry = post_json(client, DISPUTES, key, dispute(), **KEY)
    assert (retry.status_code, retry.json(), retry["Location"]) == (201, first.json(), first["Location"])
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["Content-Type"] == "application/json"
    assert (Case.objects.count(), DisputeDetail.objects.count()) == (1, 1)
    record = IdempotencyRecord.objects.get()
    assert (record.api_key, record.key, record.status_code, record.path) == (key, KEY["Idempotency-Key"], 201, DISPUTES)


def test_the_same_body_in_another_key_order_is_the_same_request(client, key):
    post_json(client, INQUIRIES, key, inquiry(), **KEY)
    reordered = dict(reversed(list(inquiry().items())))
    assert post_json(client, INQUIRIES, key, reordered, **KEY)["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_a_multipart_retry_is_recognised_by_its_files_content(client, key):
    def send(content=None):
        files = [pdf("a.pdf", content)] if content else [pdf("a.pdf")]
        return client.post(INQUIRIES, {**inquiry(), "attachments": files}, headers={**auth(key), **KEY})

    assert send().status_code == 201
    assert send()["Idempotent-Replayed"] == "true"
    other_file = send(b"%PDF-1.4\nanother file\n%%EOF\n")
    assert_problem(other_file, 422, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_the_key_reused_for_another_body_or_path_is_a_422(client, key):
    post_json(client, DISPUTES, key, dispute(), **KEY)
    body = assert_problem(
        post_json(client, DISPUTES, key, dispute(disputed_amount="99.00"), **KEY), 422, "idempotency_key_reused"
    )
    assert "different request" in body["detail"]
    assert_problem(post_json(client, INQUIRIES, key, inquiry(), **KEY), 422, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_keys_are_per_api_key(client, key, participant):
    other = ApiKeyFactory(participant=participant, scopes=[ApiScope.WRITE_CASES])
    assert post_json(client, INQUIRIES, key, inquiry(), **KEY).status_code == 201
    second = post_json(client, INQUIRIES, other, inquiry(), **KEY)
    assert second.status_code == 201 and not second.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2


def test_a_request_still_in_progress_is_a_409_and_a_dead_ones_key_is_taken_over(client, key):
    post_json(client, INQUIRIES, key, inquiry(), **KEY)
    Case.objects.all().delete()
    # as if the first request were still running: its record is there, without an answer
    IdempotencyRecord.objects.update(completed_at=None, status_code=None, response_body=None)
    body = assert_problem(post_json(client, INQUIRIES, key, inquiry(), **KEY), 409, "idempotency_key_in_use")
    assert "still being processed" in body["detail"]
    assert Case.objects.count() == 0
    # a record unfinished for longer than any request runs belongs to a request that died: the retry runs
    IdempotencyRecord.objects.update(created_at=timezone.now() - idempotency.IN_PROGRESS_TIMEOUT)
    assert post_json(client, INQUIRIES, key, inquiry(), **KEY).status_code == 201
    assert Case.objects.count() == 1
    assert IdempotencyRecord.objects.get().completed_at is not None


def test_a_4xx_answer_is_stored_and_replayed(client, key):
    late = dispute(
        operating_day=(timezone.localdate() - datetime.timedelta(days=80)).isoformat(),
        statement_date=(timezone.localdate() - datetime.timedelta(days=60)).isoformat(),
    )
    first = assert_problem(post_json(client, DISPUTES, key, late, **KEY), 422, "filing_deadline_passed")
    retry = post_json(client, DISPUTES, key, late, **KEY)
    assert assert_problem(retry, 422, "filing_deadline_passed") == first
    assert retry["Idempotent-Replayed"] == "true"


def test_an_unanswered_request_stores_nothing_and_the_retry_runs(client, key, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("api.endpoints.cases.inquiry_submit", broken)
    with pytest.raises(RuntimeError):
        post_json(client, INQUIRIES, key, inquiry(), **KEY)
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    assert post_json(client, INQUIRIES, key, inquiry(), **KEY).status_code == 201


def test_the_filing_and_the_stored_answer_commit_together(client, key, monkeypatch):
    """A failure after the service ran (storing the answer) rolls the filing back too: no case without its answer."""

    def fail(record, response, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(idempotency, "idempotency_complete", fail)
    with pytest.raises(RuntimeError):
        post_json(client, INQUIRIES, key, inquiry(), **KEY)
    assert (Case.objects.count(), IdempotencyRecord.objects.count()) == (0, 0)


def test_a_post_without_the_header_runs_every_time(client, key):
    assert post_json(client, INQUIRIES, key, inquiry()).status_code == 201
    assert post_json(client, INQUIRIES, key, inquiry()).status_code == 201
    assert (Case.objects.count(), IdempotencyRecord.objects.count()) == (2, 0)


@pytest.mark.parametrize("value", ["", "x" * 256, "with space", "naïve"])
def test_a_malformed_key_is_a_400(client, key, value):
    response = client.post(
        INQUIRIES,
        inquiry(),
        content_type="application/json",
        headers={**auth(key), "Idempotency-Key": value.encode("utf-8").decode("latin-1")},
    )
    body = assert_problem(response, 400, "invalid")
    assert set(body["errors"]) == {"Idempotency-Key"}
    assert Case.objects.count() == 0


def test_refusals_before_the_request_runs_are_not_stored(client, participant):
    reader = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_CASES])
    assert_problem(post_json(client, INQUIRIES, reader, inquiry(), **KEY), 403, "scope_missing")
    assert not IdempotencyRecord.objects.exists()


def test_a_key_is_free_again_after_24_hours_and_the_purge_forgets_it(client, key):
    post_json(client, INQUIRIES, key, inquiry(), **KEY)
    IdempotencyRecord.objects.update(created_at=timezone.now() - idempotency.RETENTION)
    response = post_json(client, INQUIRIES, key, inquiry(subject="A new question"), **KEY)
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert Case.objects.count() == 2
    fresh = IdempotencyRecord.objects.get()
    stale = IdempotencyRecord.objects.create(
        api_key=key,
        key="old",
        method="POST",
        path=INQUIRIES,
        fingerprint="0" * 64,
        created_at=timezone.now() - idempotency.RETENTION - datetime.timedelta(minutes=1),
    )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.all()) == [fresh]
    assert not IdempotencyRecord.objects.filter(pk=stale.pk).exists()
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "api.purge_idempotency_records")
    assert entry["schedule"] <= 3600


def test_every_post_documents_the_header_and_its_refusals(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    assert len(posts) >= 5
    for path, operation in posts.items():
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert not headers["Idempotency-Key"].get("required"), path
        assert headers["Idempotency-Key"]["schema"]["maxLength"] == 255
        assert {"409", "422"} <= operation["responses"].keys(), path
    gets = [item["get"] for item in schema["paths"].values() if "get" in item]
    assert all("Idempotency-Key" not in str(operation.get("parameters", [])) for operation in gets)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_duplicates_file_one_dispute(participant, monkeypatch):
    """The first request is held inside the service; the duplicate, sent meanwhile, is a 409 and files nothing;
    a retry once the first is done gets its answer."""
    from api.endpoints import cases as endpoints

    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.WRITE_CASES])
    entered, release = threading.Event(), threading.Event()
    real_submit = endpoints.dispute_submit

    def held_submit(**kwargs):
        entered.set()
        assert release.wait(20)
        return real_submit(**kwargs)

    monkeypatch.setattr(endpoints, "dispute_submit", held_submit)
    answers = {}

    def first():
        try:
            answers["first"] = post_json(Client(), DISPUTES, key, dispute(), **KEY)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert entered.wait(20)
        duplicate = post_json(Client(), DISPUTES, key, dispute(), **KEY)
        assert_problem(duplicate, 409, "idempotency_key_in_use")
    finally:
        release.set()
        thread.join(30)
    assert answers["first"].status_code == 201
    assert Case.objects.count() == 1
    retry = post_json(Client(), DISPUTES, key, dispute(), **KEY)
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (201, "true")
    assert retry.json()["reference"] == answers["first"].json()["reference"]
    assert Case.objects.count() == 1


def test_a_write_with_the_key_on_an_existing_case(client, key, participant):
    case = SubmittedCaseFactory(actor=key.created_by, participant=participant)
    url = f"/api/v1/cases/{case.reference}/withdraw"
    assert post_json(client, url, key, {"reason": "Done"}, **KEY).status_code == 200
    retry = post_json(client, url, key, {"reason": "Done"}, **KEY)
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (200, "true")  # not a 409: the answer is replayed
