"""Mailers: SMTP (STARTTLS or SSL unless told otherwise) and a folder of .eml files for dry runs."""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from naervaer_cli.errors import ConfigError, RuntimeFailure
from naervaer_cli.mail.settings import MailSettings, is_loopback
from naervaer_cli.privacy import ensure_private_dir, write_private


class SendError(Exception):
    """One message was not accepted. The text names the recipient and the server's answer only."""

    def __init__(self, recipient: str, reason: str) -> None:
        super().__init__(f"{recipient}: {reason}")
        self.recipient = recipient
        self.reason = reason


class Mailer(Protocol):
    """Sends one message at a time; raises SendError for that message, ConfigError for setup."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def envelope_recipient(message: EmailMessage) -> str:
    return parseaddr(str(message["To"]))[1]


class EmlDirMailer:
    """Dry run: each message becomes `NN-<recipient>.eml` (mode 0600) in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = ensure_private_dir(folder)
        self.written: list[Path] = []

    def send(self, message: EmailMessage) -> None:
        recipient = envelope_recipient(message)
        safe = re.sub(r"[^A-Za-z0-9._@-]+", "_", recipient) or "mottaker"
        path = self.folder / f"{len(self.written) + 1:02d}-{safe}.eml"
        write_private(path, message.as_bytes())
        self.written.append(path)

    def close(self) -> None:
        pass


class SmtpMailer:
    """One SMTP connection for the run, opened lazily and reopened after the server drops it."""

    def __init__(self, settings: MailSettings) -> None:
        plain = settings.security == "none" and not is_loopback(settings.host)
        if plain and not settings.allow_plain:
            # load_mail_settings refuses this already; this guards settings built by hand.
            raise ConfigError(
                f"Ukryptert SMTP til {settings.host} krever «mail.allow_plain = true»."
            )
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        # After a failed connect the server is unreachable for this run: fail the rest at once
        # instead of waiting out the timeout for every recipient.
        self._unreachable: str | None = None

    def _context(self) -> ssl.SSLContext:
        cafile = str(self.settings.cafile) if self.settings.cafile else None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError):
            raise ConfigError(
                f"«mail.cafile» {cafile} er ikke en gyldig sertifikatfil (PEM)."
            ) from None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise ConfigError(
                            f"SMTP-serveren {where} tilbyr ikke STARTTLS. Bruk «mail.security = "
                            '"ssl"» hvis serveren bruker SSL, eller kontakt IT.'
                        )
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if s.username:
                    password = s.password.reveal() if s.password else ""
                    smtp.login(s.username, password)
            except BaseException:
                _quiet_close(smtp)
                raise
        except smtplib.SMTPAuthenticationError as exc:
            raise ConfigError(
                f"SMTP-serveren {where} godtok ikke brukernavn/passord for «{s.username}» "
                f"({exc.smtp_code}). Sjekk «mail.username» og passordet."
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise ConfigError(
                f"TLS-sertifikatet til {where} kunne ikke bekreftes ({exc.verify_message}). "
                "Sjekk «mail.host», eller oppgi CA-filen i «mail.cafile»."
            ) from None
        except (ssl.SSLError, smtplib.SMTPException, OSError) as exc:
            raise RuntimeFailure(
                f"fikk ikke kontakt med SMTP-serveren {where} ({_reason(exc)})"
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        recipient = envelope_recipient(message)
        if self._unreachable is not None:
            raise SendError(recipient, self._unreachable)
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except RuntimeFailure as exc:
                self._unreachable = str(exc)
                raise SendError(recipient, self._unreachable) from None
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            self._reset()
            raise SendError(recipient, f"avvist av serveren ({code} {_text(text)})") from None
        except smtplib.SMTPResponseException as exc:
            self._reset()
            reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise SendError(recipient, f"avvist av serveren ({reply})") from None
        except (smtplib.SMTPException, OSError) as exc:
            # The connection is gone or broken: drop it so the next message gets a fresh one.
            self._drop()
            raise SendError(recipient, f"forbindelsen ble brutt ({_reason(exc)})") from None
        if refused:
            raise SendError(recipient, "avvist av serveren")

    def _reset(self) -> None:
        """After a refused message the session may be mid-transaction; RSET or reconnect."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            _quiet_close(self._smtp)
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()


def _quiet_close(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        smtp.close()


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


def _reason(exc: BaseException) -> str:
    """A short, safe description: the exception type and, for OS errors, the OS message."""
    if isinstance(exc, socket.timeout):
        return "tidsavbrudd"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "serveren lukket forbindelsen"
    return type(exc).__name__
