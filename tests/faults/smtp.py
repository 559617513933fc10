"""A mail server for fault injection: it accepts, defers (451), rejects (550), goes away and hangs on command.

It runs an aiosmtpd ``SMTP`` protocol on an asyncio loop in a thread of its own, on a fixed port, and records
every message it accepted (recipients and Message-ID) and every RCPT it was given. Faults:

- :meth:`FaultySmtp.go_down`: stops listening (a new connection is refused) and closes the open sessions
  gracefully (a reply already written still reaches the client), like a server being stopped.
- :meth:`FaultySmtp.hang`: new connections are accepted and never greeted; a session already open gets no
  answer to its next command. Nothing is accepted while hung, so a client that gave up loses nothing.
- :meth:`FaultySmtp.recover`: listening again (after ``go_down``) or answering again (after ``hang``); the
  sessions that hung are closed, as their clients gave up on them.
- ``reject``: addresses starting with it are answered ``550`` at RCPT, every time. ``defer_once``: addresses
  starting with it are answered ``451`` at their first RCPT and accepted afterwards. ``delay``: seconds to wait
  before accepting each message.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP


class _Session(SMTP):
    """aiosmtpd's protocol, remembering its transport so the server can close it."""

    def __init__(self, server: FaultySmtp, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._server = server

    def connection_made(self, transport):
        self._server._sessions.add(transport)
        super().connection_made(transport)

    def connection_lost(self, error):
        self._server._sessions.discard(self.transport)
        super().connection_lost(error)


class _Silent(asyncio.Protocol):
    """A connection accepted while hung: never greeted, closed when the hang ends."""

    def __init__(self, server: FaultySmtp):
        self._server = server

    def connection_made(self, transport):
        self._server._silent.add(transport)

    def connection_lost(self, error):
        pass


class _Handler:
    def __init__(self, server: FaultySmtp):
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if await self.server._stalled():
            return "421 4.3.0 Service not available"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if await self.server._stalled():
            return "421 4.3.0 Service not available"
        return self.server._rcpt(envelope, address)

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        if await self.server._stalled():
            return "421 4.3.0 Service not available"
        self.server._accept(envelope)
        return "250 Message accepted for delivery"


class FaultySmtp:
    def __init__(self, port: int, *, reject: str = "reject", defer_once: str = "defer", delay: float = 0.0):
        self.host = "127.0.0.1"
        self.port = port
        self.reject = reject
        self.defer_once = defer_once
        self.delay = delay
        self.mode = "stopped"
        self._lock = threading.Lock()
        self._accepted: list[tuple[str, str, float]] = []  # (recipient, Message-ID, time)
        self._rcpts: Counter = Counter()
        self._sessions: set = set()
        self._silent: set = set()
        self._server = None
        self._loop = asyncio.new_event_loop()
        self._resumed: asyncio.Event | None = None
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        self._thread = threading.Thread(target=self._loop.run_forever, name="faulty-smtp", daemon=True)
        self._thread.start()
        self._call(self._make_event())

    # --- control, from the test's thread -------------------------------------------------------------

    def start(self) -> FaultySmtp:
        self._call(self._listen())
        return self

    def go_down(self) -> None:
        self._call(self._go_down())

    def hang(self) -> None:
        self._call(self._hang())

    def recover(self) -> None:
        self._call(self._recover())

    def stop(self) -> None:
        if self._loop.is_running():
            self._call(self._go_down())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    # --- what it saw ----------------------------------------------------------------------------------

    def accepted(self, prefix: str = "") -> list[tuple[str, str, float]]:
        """``(recipient, Message-ID, time)`` of every message accepted whose Message-ID starts with ``prefix``."""
        with self._lock:
            return [a for a in self._accepted if a[1].startswith(prefix)]

    def rcpt_count(self, address: str) -> int:
        with self._lock:
            return self._rcpts[address.lower()]

    # --- inside the loop ------------------------------------------------------------------------------

    def _call(self, coroutine, timeout: float = 15):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _make_event(self):
        self._resumed = asyncio.Event()
        self._resumed.set()

    def _factory(self):
        if self.mode == "hung":
            return _Silent(self)
        return _Session(self, _Handler(self), hostname="faulty-smtp", loop=self._loop)

    async def _listen(self):
        if self._server is None:
            self._server = await self._loop.create_server(self._factory, self.host, self.port, reuse_address=True)
        self.mode = "up"

    async def _go_down(self):
        self.mode = "down"
        self._resumed.set()
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in list(self._sessions) + list(self._silent):
            transport.close()
        self._silent.clear()

    async def _hang(self):
        self.mode = "hung"
        self._resumed.clear()

    async def _recover(self):
        if self.mode == "hung":
            self.mode = "up"
            self._resumed.set()
            for transport in list(self._silent):
                transport.close()
            self._silent.clear()
        await self._listen()

    async def _stalled(self) -> bool:
        """Wait while hung; True if this command must not succeed (the server hung or went down meanwhile)."""
        if self.mode == "up":
            return False
        await self._resumed.wait()
        return True

    def _rcpt(self, envelope, address: str) -> str:
        address = address.lower()
        with self._lock:
            self._rcpts[address] += 1
            attempt = self._rcpts[address]
        if address.startswith(self.reject):
            return "550 5.1.1 No such user"
        if address.startswith(self.defer_once) and attempt == 1:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _accept(self, envelope) -> None:
        headers = BytesHeaderParser().parsebytes(envelope.original_content or b"")
        message_id = str(headers.get("Message-ID", ""))
        now = time.monotonic()
        with self._lock:
            self._accepted.extend((rcpt, message_id, now) for rcpt in envelope.rcpt_tos)
