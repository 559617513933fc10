"""``Idempotency-Key`` on every POST of the API: a retried request files one dispute, not two.

A POST that carries the header is recorded (:class:`~api.models.IdempotencyRecord`, unique per API key and key)
before it runs, with a fingerprint of its method, path and body. Then:

- the first request runs; its answer is stored when it is a 2xx or 4xx (the same request would get the same
  answer again), not when it is a 5xx (the record is dropped: a retry runs again);
- a retry with the same key and the same request gets the stored answer (status, body, ``Location``) with
  ``Idempotent-Replayed: true``, and nothing runs again;
- the same key with another request (body, path or method) is a 422 problem ``idempotency_key_reused``;
- the same key while the first request still runs is a 409 problem ``idempotency_key_in_use``: the INSERT of the
  record is the lock, so of two concurrent duplicates only one runs.

The request's work and the stored answer commit in one transaction (``ApiView.dispatch``): an answer is stored
only for work that was saved. A record left unfinished by a process that died is taken over after
:data:`IN_PROGRESS_TIMEOUT`. Records are purged after :data:`RETENTION` (``api.tasks``); a POST without the header
runs as usual.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .error_codes import ApiErrorCode
from .models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[!-~]{1,255}")  # visible ASCII: a UUID, a hash, the client's own request id
RETENTION = datetime.timedelta(hours=24)
# Longer than any request may run (gunicorn's timeout): an unfinished record this old belongs to a dead request.
IN_PROGRESS_TIMEOUT = datetime.timedelta(minutes=5)
# The response headers a replay repeats (the body and status are always stored).
STORED_HEADERS = ("Location",)


class IdempotencyKeyInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still being processed; retry it later."
    problem_code = ApiErrorCode.IDEMPOTENCY_KEY_IN_USE


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for a different request; use a new key for a new request."
    problem_code = ApiErrorCode.IDEMPOTENCY_KEY_REUSED


class IdempotentReplay(Exception):  # noqa: N818 - not an error: the view answers with the stored response
    """Raised by :func:`idempotency_begin` to answer a retry with the stored response (see ``ApiView``)."""

    def __init__(self, response: Response):
        super().__init__("replay")
        self.response = response


def idempotency_key(request) -> str | None:
    """The request's ``Idempotency-Key``, None without one; a malformed one is a 400 problem."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not KEY_PATTERN.fullmatch(value):
        raise ValidationError({HEADER: ["Use 1 to 255 visible ASCII characters, for example a UUID."]})
    return value


def request_fingerprint(request) -> str:
    """SHA-256 of the method, path and parsed body: a JSON body whatever its key order or spacing, a multipart
    body by its fields and the content of its files (not its boundary, which differs on every retry)."""
    canonical = {"method": request.method, "path": request.path, "body": _canonical(request.data)}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


def _canonical(data):
    if hasattr(data, "lists"):  # a form: every value of every field, files by their content
        return sorted([name, [_canonical_value(value) for value in values]] for name, values in data.lists())
    return data


def _canonical_value(value):
    if not isinstance(value, UploadedFile):
        return value
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return {"name": value.name, "size": value.size, "sha256": digest.hexdigest()}


def idempotency_begin(*, request, api_key: ApiKey, key: str, now: datetime.datetime | None = None):
    """The new record this request runs under, or a refusal (409, 422), or :class:`IdempotentReplay`."""
    now = now or timezone.now()
    fingerprint = request_fingerprint(request)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    api_key=api_key,
                    key=key,
                    method=request.method,
                    path=request.path[:255],
                    fingerprint=fingerprint,
                    created_at=now,
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
        if existing is None:
            continue  # purged between the INSERT and the read: try again
        if existing.created_at <= now - RETENTION:
            existing.delete()  # expired but not purged yet: the key is free again
            continue
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if existing.completed_at is not None:
            raise IdempotentReplay(_replay(existing))
        if existing.created_at <= now - IN_PROGRESS_TIMEOUT and _take_over(existing, now):
            return existing
        raise IdempotencyKeyInUse()
    raise IdempotencyKeyInUse()


def _take_over(record: IdempotencyRecord, now: datetime.datetime) -> bool:
    """Claim an unfinished record of a request that died; of two retries doing so at once, one wins."""
    claimed = IdempotencyRecord.objects.filter(
        pk=record.pk, completed_at__isnull=True, created_at=record.created_at
    ).update(created_at=now)
    record.created_at = now
    return bool(claimed)


def idempotency_complete(record: IdempotencyRecord, response: Response, *, now: datetime.datetime | None = None):
    """Store the answer of a 2xx or 4xx; drop the record of a 5xx so a retry runs again."""
    if response.status_code >= 500:
        idempotency_abandon(record)
        return
    record.status_code = response.status_code
    record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
    record.response_headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    if getattr(response, "content_type", None):
        record.response_headers["Content-Type"] = response.content_type
    record.completed_at = now or timezone.now()
    record.save(update_fields=["status_code", "response_body", "response_headers", "completed_at"])


def idempotency_abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def _replay(record: IdempotencyRecord) -> Response:
    headers = {name: value for name, value in record.response_headers.items() if name != "Content-Type"}
    headers[REPLAYED_HEADER] = "true"
    return Response(
        record.response_body,
        status=record.status_code,
        headers=headers,
        content_type=record.response_headers.get("Content-Type"),
    )


def idempotency_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the records older than :data:`RETENTION`; returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lte=cutoff).delete()
    return deleted
