"""A real SMTP server on loopback (aiosmtpd, STARTTLS + AUTH) and a self-signed certificate."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from mail_fixtures import PASSWORD, USER, Server


@pytest.fixture(scope="session")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (openssl; `cryptography` is absent)."""
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(crt), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return crt, key


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

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        if self.drop_for & set(envelope.rcpt_tos):
            self.drop_for -= set(envelope.rcpt_tos)
            server.transport.close()   # mid-transaction: the client never gets an answer
            return "421 closing"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def take(self) -> list[Received]:
        with self.lock:
            got, self.received = self.received, []
        return got


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(cert: tuple[Path, Path]):  # noqa: ANN201
    """STARTTLS required, AUTH required (only after TLS), on 127.0.0.1."""
    crt, key = cert
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    handler = Handler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=_free_port(),
        tls_context=context, require_starttls=True,
        authenticator=_authenticator, auth_required=True,
    )
    controller.start()
    try:
        yield Server("127.0.0.1", controller.port, crt, handler)
    finally:
        controller.stop()
