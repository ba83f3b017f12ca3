"""The `[mail]` config table, validated once: SMTP connection, sender, leadership, privacy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from naervaer_cli.config import Config
from naervaer_cli.privacy import read_secret_file

Security = Literal["starttls", "ssl", "none"]
SECURITY_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class Secret:
    """A password that never shows itself in repr, str, logs or tracebacks with locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class MailSettings:
    """Everything `notify` needs from `[mail]` and the top-level `school`."""

    host: str
    port: int
    security: Security
    sender: str
    leadership: tuple[str, ...]
    school: str
    username: str | None = None
    password: Secret | None = field(default=None, repr=False)
    cafile: Path | None = None
    timeout: float = 30.0
    full_names: bool = False
    reply_to: str | None = None
    allow_plain: bool = False
    details_hint: str = "Se fraværet i IST"


def _base_dir(config: Config) -> Path:
    """Relative paths in the config are relative to the config file's folder."""
    return config.path.parent if config.path else Path.cwd()


def resolve_path(config: Config, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else _base_dir(config) / path


def check_address(value: object, key: str, config: Config) -> str:
    """One e-mail address (optionally with a display name); refuse anything header-unsafe."""
    if not isinstance(value, str) or not value.strip():
        raise config.fail(key, "skal være en e-postadresse.")
    text = value.strip()
    _, addr = parseaddr(text)
    if any(ch in text for ch in "\r\n") or not _plain_address_ok(addr):
        raise config.fail(
            key, f"= «{text}» er ikke en gyldig e-postadresse (forventet f.eks. navn@skole.no)."
        )
    return text


def _plain_address_ok(addr: str) -> bool:
    if addr.count("@") != 1 or any(ch.isspace() for ch in addr):
        return False
    local, domain = addr.split("@")
    if not local or not domain:
        return False
    try:
        Address(addr_spec=addr)
    except (ValueError, IndexError):
        return False
    return True


def is_loopback(host: str) -> bool:
    return host.strip().strip("[]").lower() in LOOPBACK_HOSTS


def load_mail_settings(config: Config, *, for_sending: bool = True) -> MailSettings:
    """Read and check `[mail]`; a dry run needs no server, password or sender.

    Types and bounds come from the config's field table (`Config.get` checks them); what is
    checked here is what depends on other keys.
    """
    config.table("mail")
    leadership_raw = config.get("mail.leadership", [])
    if isinstance(leadership_raw, str):
        leadership_raw = [leadership_raw]
    if not leadership_raw:
        raise config.fail(
            "mail.leadership",
            "mangler. Oppgi skoleledelsens adresser, "
            'f.eks. leadership = ["rektor@skole.no"]; de får oppsummeringen og elevene '
            "uten mottaker.",
        )
    leadership = tuple(
        check_address(a, f"mail.leadership[{i}]", config) for i, a in enumerate(leadership_raw)
    )
    school = config.get("school")

    security = config.get("mail.security")
    host = config.get("mail.host", None if for_sending else "localhost")
    if for_sending and (host is None or not host.strip()):
        raise config.fail("mail.host", "mangler (SMTP-serveren, f.eks. smtp.kommune.no).")
    host = str(host or "localhost").strip()
    port = config.get("mail.port", SECURITY_PORTS[security])
    allow_plain = config.get("mail.allow_plain")
    if for_sending and security == "none" and not is_loopback(host) and not allow_plain:
        raise config.fail(
            "mail.security",
            f"= «none» sender ukryptert til {host}. Bruk «starttls» eller «ssl», "
            "eller sett «mail.allow_plain = true» hvis dette virkelig er meningen.",
        )

    sender_raw = config.get("mail.from")
    if sender_raw is None:
        if for_sending:
            raise config.fail(
                "mail.from", 'mangler (avsenderadressen, f.eks. "Nærvær <naervaer@skole.no>").'
            )
        sender_raw = "naervaer@localhost"
    sender = check_address(sender_raw, "mail.from", config)
    reply_to = config.get("mail.reply_to")
    if reply_to is not None:
        reply_to = check_address(reply_to, "mail.reply_to", config)

    username = config.get("mail.username")
    if username is not None and not username.strip():
        raise config.fail("mail.username", "skal være brukernavnet som tekst.")
    password = _password(config) if for_sending and username else None
    if for_sending and username and password is None:
        raise config.fail(
            "mail.username",
            "er satt, men passordet mangler. Sett miljøvariabelen "
            f"{config.get('mail.password_env')} eller «mail.password_file» "
            "(en fil med rettigheter 0600).",
        )

    cafile = config.get("mail.cafile")
    cafile_path = None
    if cafile:
        cafile_path = resolve_path(config, cafile)
        if not cafile_path.is_file():
            raise config.fail("mail.cafile", f"{cafile_path} finnes ikke.")

    return MailSettings(
        host=host,
        port=port,
        security=security,
        sender=sender,
        leadership=leadership,
        school=school.strip(),
        username=username.strip() if username else None,
        password=password,
        cafile=cafile_path,
        timeout=float(config.get("mail.timeout")),
        full_names=config.get("mail.full_names"),
        details_hint=" ".join(str(config.get("mail.details_hint")).split()),
        reply_to=reply_to,
        allow_plain=allow_plain,
    )


def _password(config: Config) -> Secret | None:
    """The SMTP password: the environment variable first, then a private password file."""
    env = config.get("mail.password_env")
    if not env:
        raise config.fail("mail.password_env", "skal være navnet på en miljøvariabel.")
    value = os.environ.get(env)
    if value:
        return Secret(value)
    file = config.get("mail.password_file")
    if not file:
        return None
    path = resolve_path(config, file)
    try:
        secret = read_secret_file(path)
    except FileNotFoundError:
        raise config.fail("mail.password_file", f"{path} finnes ikke.") from None
    return Secret(secret) if secret else None
