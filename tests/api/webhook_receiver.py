"""A webhook receiver for tests: an ``http.server`` on 127.0.0.1 in a thread that records every request (headers
and body) and answers ``status`` (200 unless told), and, given a secret, checks each signature with the reference
``standardwebhooks`` library as an MP's receiver would."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclasses.dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool | None = None  # None: no secret to check with


class Receiver:
    def __init__(self):
        self.requests: list[Received] = []
        self.status = 200
        self.answer = b'{"ok": true}'
        self.secret: str | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ercot"

    def webhook_ids(self) -> list[str]:
        with self.lock:
            return [request.headers["webhook-id"] for request in self.requests]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {key.lower(): value for key, value in self.headers.items()}
                verified = None
                if receiver.secret:
                    try:
                        Webhook(receiver.secret).verify(body, headers)
                        verified = True
                    except WebhookVerificationError:
                        verified = False
                with receiver.lock:
                    receiver.requests.append(Received(headers=headers, body=body, verified=verified))
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        return Handler


@contextlib.contextmanager
def receiver_running():
    receiver = Receiver()
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
