"""Every log line says which request or task wrote it: ``request_id``, ``task_id`` and ``task_name``.

- :class:`RequestIdMiddleware` (outermost) takes the request's ``X-Request-ID`` when a proxy sent a sane one, or
  makes one, keeps it for the request (``request.request_id`` and a context variable), answers it in the
  ``X-Request-ID`` response header and writes one access line per request (``ercot_services.request``).
- :class:`LogContextFilter`, on the console handler (``LOGGING``), copies the request id and the running Celery
  task's id and name onto every record that handler writes, whichever logger wrote it. The task is the one Celery
  is executing in this thread (its own task stack, as Celery's ``TaskFormatter`` reads it), so a task run eagerly
  inside a request carries both ids.

Production formats records as JSON (python-json-logger, ``LOG_FORMAT=json``); development and tests keep plain
lines. The Celery worker uses the same ``LOGGING`` (``ercot_services/celery.py``, ``setup_logging``).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from celery import current_task
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us as a request id: a UUID, a hex or base64 token, a trace id. Anything else is replaced.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
# Probes and scrapes (every few seconds) are logged at DEBUG, so INFO keeps the lines people read.
QUIET_PATHS = frozenset({"/healthz", "/metrics"})

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("ercot_services.request")


def request_id_from(header: str | None) -> str:
    """The incoming id when it is acceptable, otherwise a new one (32 hex digits)."""
    if header and _ACCEPTABLE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class LogContextFilter(logging.Filter):
    """Adds ``request_id``, ``task_id`` and ``task_name`` (``None`` outside a request or a task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response ("Not Found: …") after the middleware returned, with the request attached.
        record.request_id = _request_id.get() or getattr(getattr(record, "request", None), "request_id", None)
        task = current_task if current_task else None  # the proxy is false outside a task
        request = getattr(task, "request", None)
        record.task_id = getattr(request, "id", None)
        record.task_name = getattr(task, "name", None)
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter, without the request object Django attaches to its records (its id is kept)."""

    def process_log_record(self, log_data):
        log_data.pop("request", None)
        return log_data


class RequestIdMiddleware:
    """The first middleware: the id covers every log line of the request, the other middleware's included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = _request_id.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
            access_logger.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)
