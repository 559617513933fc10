"""Real delivery in tests: an SMTP sink (aiosmtpd) on loopback and a real Celery worker in a thread.

The fixtures ``smtp_sink`` and ``celery_worker_thread`` (tests/conftest.py) use these.
The worker runs in a thread of the test process (``celery.contrib.testing``), so it
shares the test database; it consumes a queue of its own, so no other worker on the
same broker can take the test's tasks.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
import time
import uuid

WAIT_SECONDS = 20

# The alerts every sign-in from a new browser, and every change to how one signs in, sends (accounts/services/
# security.py, credentials.py). A journey that signs people in counts the emails of the flow it tests: the sink keeps
# these apart (``alerts``), and tests/accounts covers them.
SECURITY_ALERT_SUBJECTS = ("New sign-in to your ERCOT account", "Your ERCOT sign-in settings changed")


def _is_security_alert(envelope) -> bool:
    headers = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    return headers["Subject"] in SECURITY_ALERT_SUBJECTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    """An SMTP sink: keeps every message it is given."""

    def __init__(self):
        self._lock = threading.Lock()
        self._envelopes = []

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def envelopes(self):
        """Every message but the security alerts (``SECURITY_ALERT_SUBJECTS``)."""
        with self._lock:
            return [envelope for envelope in self._envelopes if not _is_security_alert(envelope)]

    @property
    def alerts(self):
        with self._lock:
            return [envelope for envelope in self._envelopes if _is_security_alert(envelope)]

    def messages(self):
        """The envelopes parsed as :class:`email.message.EmailMessage` (modern policy)."""
        return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in self.envelopes]

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS, where=None):
        """Wait until ``count`` envelopes (those ``where(envelope)`` accepts, if given) arrived; return them."""
        deadline = time.monotonic() + timeout

        def matching():
            return [e for e in self.envelopes if where is None or where(e)]

        while len(matching()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return matching()


@contextlib.contextmanager
def smtp_sink_running(settings):
    """Start a sink on 127.0.0.1 and point Django's SMTP backend at it (``settings`` is pytest-django's)."""
    from aiosmtpd.controller import Controller

    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


@contextlib.contextmanager
def celery_worker_running(queue_prefix: str = "test-worker"):
    """A real Celery worker (solo pool) in a thread, consuming a queue of its own; tasks are not eager meanwhile."""
    from celery.contrib.testing.worker import start_worker

    from ercot_services.celery import app

    queue = f"{queue_prefix}-{uuid.uuid4().hex[:10]}"
    keys = ("task_always_eager", "task_default_queue", "worker_hijack_root_logger")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, task_default_queue=queue, worker_hijack_root_logger=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=[queue], shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.update(previous)
