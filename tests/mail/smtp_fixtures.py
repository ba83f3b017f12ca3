"""The loopback SMTP server's parts: a handler that records and misbehaves on demand, AUTH."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "naervaer"
PASSWORD = "hemmelig-Pa55ord"


@dataclass
class Server:
    """The loopback SMTP server of the `smtp_server` fixture."""

    host: str
    port: int
    cafile: Path
    handler: Any


@dataclass
class Received:
    rcpt: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.rcpt[0]

    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()  # type: ignore[union-attr]


@dataclass
class Handler:
    """Keeps what arrived; can refuse recipients (RCPT 550) or drop the connection at DATA."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_for: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_for & set(envelope.rcpt_tos):
            self.drop_for -= set(envelope.rcpt_tos)
            server.transport.close()  # mid-transaction: the client never gets an answer
            return "421 closing"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def take(self) -> list[Received]:
        with self.lock:
            got, self.received = self.received, []
        return got


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
