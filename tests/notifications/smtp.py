"""A real SMTP server for tests (aiosmtpd), on 127.0.0.1 and a free port, steered while it runs.

Modes, switched at any time from the test (or the bench), also while workers are connected:

- ``accept()``: every message is recorded; ``by_message_id`` and ``by_recipient`` count them, so a
  message sent twice shows as a count of 2.
- ``refuse(code=451)``: every transaction is answered with a temporary failure (451 to MAIL FROM, or
  421 "closing" with ``code=421``, which also greets new connections with 421): the relay is down for
  everyone, a transport failure.
- ``reject(address)``: 550 for that one recipient only (a per-message rejection); others are accepted.
- ``hang()``: TCP connections are accepted and never answered: no greeting, no reply to a command.
  Connections held while hanging are dropped when the mode changes (their clients gave up long ago).

``transactions`` counts every MAIL FROM the server saw, accepted or not, so a test can tell how many
tries a paused outbox made. ``connections`` counts TCP connections.

    with SMTPServer() as server:
        server.refuse()
        ...
        server.accept()
        assert server.duplicates() == 0

Or the pytest fixture ``smtp_server`` (tests/notifications/conftest.py), whose ``url`` goes in
EMAIL_URL for a worker process.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ACCEPT, REFUSE, REJECT, HANG = "accept", "refuse", "reject", "hang"

# aiosmtpd logs every command at INFO: thousands of lines in a test's captured output.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    key: str
    subject: str


@dataclass
class _State:
    mode: str = ACCEPT
    refuse_code: int = 451
    rejected: str = ""
    # Bumped at each change of mode: a connection hung in one mode knows it must let go.
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server: SMTPServer):
        self.server = server

    async def handle_MAIL(self, smtp, session, envelope, address, mail_options):
        await self.server._hang_while_asked(smtp)
        with self.server._lock:
            self.server.transactions += 1
        state = self.server._state
        if state.mode == REFUSE:
            if state.refuse_code == 421:
                return "421 4.3.2 Service not available, closing transmission channel"
            return f"{state.refuse_code} 4.3.0 Requested action aborted: try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        await self.server._hang_while_asked(smtp)
        state = self.server._state
        if state.mode == REJECT and address.lower() == state.rejected.lower():
            with self.server._lock:
                self.server.rejections[address.lower()] += 1
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        await self.server._hang_while_asked(smtp)
        if self.server._state.mode == REFUSE:
            return f"{self.server._state.refuse_code} 4.3.0 Requested action aborted: try again later"
        message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        received = Received(
            message_id=str(message.get("Message-ID", "")).strip(),
            recipients=tuple(address.lower() for address in envelope.rcpt_tos),
            key=str(message.get("X-Binome-Key", "")).strip(),
            subject=str(message.get("Subject", "")),
        )
        self.server._record(received)
        return "250 Message accepted for delivery"


class _SMTP(SMTP):
    """aiosmtpd's server, which can greet with 421 or not greet at all."""

    def __init__(self, handler, server: SMTPServer, **kwargs):
        super().__init__(handler, **kwargs)
        self.binome = server

    async def _handle_client(self):
        with self.binome._lock:
            self.binome.connections += 1
        try:
            await self.binome._hang_while_asked(self)
        except ConnectionResetError:
            return
        if self.transport is None or self.transport.is_closing():
            return
        state = self.binome._state
        if state.mode == REFUSE and state.refuse_code == 421:
            await self.push("421 4.3.2 Service not available, closing transmission channel")
            self.transport.close()
            return
        await super()._handle_client()


class _Controller(Controller):
    def __init__(self, server: SMTPServer, **kwargs):
        self.binome = server
        super().__init__(_Handler(server), **kwargs)

    def factory(self):
        return _SMTP(self.handler, self.binome, **self.SMTP_kwargs)


class SMTPServer:
    """One aiosmtpd server in a thread of this process, and what it received."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or free_port()
        self._state = _State()
        self._lock = threading.Lock()
        self.messages: list[Received] = []
        self.by_message_id: Counter[str] = Counter()
        self.by_recipient: Counter[str] = Counter()
        self.by_key: Counter[str] = Counter()
        self.rejections: Counter[str] = Counter()
        self.transactions = 0
        self.connections = 0
        self.last_received_at = 0.0  # time.monotonic() of the last message accepted
        # A long session timeout: a hung client is the client's problem, the server never hangs up first.
        self._controller = _Controller(self, hostname=host, port=self.port, ready_timeout=10, timeout=3600)

    @property
    def url(self) -> str:
        """For EMAIL_URL (django-environ): plain SMTP, no TLS, no authentication."""
        return f"smtp://{self.host}:{self.port}"

    # Lifetime -------------------------------------------------------------------------------------

    def start(self) -> SMTPServer:
        # aiosmtpd checks it is up by reading its greeting: start accepting, then switch if asked.
        mode = self._state.mode
        self._state.mode = ACCEPT
        self._controller.start()
        self.reset()  # the readiness check was a connection too
        self._state.mode = mode
        return self

    def stop(self) -> None:
        self._set(ACCEPT)  # lets hung connections go, so the loop can stop
        self._controller.stop()

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Modes ------------------------------------------------------------------------------------------

    def accept(self) -> None:
        self._set(ACCEPT)

    def refuse(self, code: int = 451) -> None:
        if not 400 <= code < 500:
            raise ValueError("a refusal here is temporary: a 4xx code")
        self._set(REFUSE, refuse_code=code)

    def reject(self, address: str) -> None:
        self._set(REJECT, rejected=address)

    def hang(self) -> None:
        self._set(HANG)

    @property
    def mode(self) -> str:
        return self._state.mode

    def _set(self, mode: str, **values) -> None:
        with self._state.lock:
            for name, value in values.items():
                setattr(self._state, name, value)
            self._state.mode = mode
            self._state.generation += 1

    async def _hang_while_asked(self, smtp: SMTP) -> None:
        """In hang mode, answer nothing; when the mode changes, drop the connection that was held."""
        if self._state.mode != HANG:
            return
        generation = self._state.generation
        while self._state.mode == HANG and self._state.generation == generation:
            await asyncio.sleep(0.05)
        if smtp.transport is not None:
            smtp.transport.close()
        # Never answer the command that came in while hanging: the client has long given up on it.
        raise ConnectionResetError("the test server was hanging")

    # What was received ------------------------------------------------------------------------------

    def _record(self, received: Received) -> None:
        with self._lock:
            self.last_received_at = time.monotonic()
            self.messages.append(received)
            self.by_message_id[received.message_id] += 1
            self.by_key[received.key] += 1
            for recipient in received.recipients:
                self.by_recipient[recipient] += 1

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def duplicates(self) -> int:
        """How many messages arrived more than once, counted by Message-ID (each extra copy counts)."""
        with self._lock:
            return sum(count - 1 for count in self.by_message_id.values())

    def message_ids(self) -> set[str]:
        with self._lock:
            return set(self.by_message_id)

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.by_message_id.clear()
            self.by_recipient.clear()
            self.by_key.clear()
            self.rejections.clear()
            self.transactions = 0
            self.connections = 0
