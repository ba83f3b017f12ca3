"""The `[mail]` config table, validated once: SMTP connection, sender, leadership, privacy."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError
from naervaer_cli.portable import modes_apply

Security = Literal["starttls", "ssl", "none"]
SECURITY_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PASSWORD_ENV = "NAERVAER_SMTP_PASSWORD"


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


def _base_dir(config: Config) -> Path:
    """Relative paths in the config are relative to the config file's folder."""
    return config.path.parent if config.path else Path.cwd()


def resolve_path(config: Config, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else _base_dir(config) / path


def check_address(value: object, key: str, config: Config) -> str:
    """One e-mail address (optionally with a display name); refuse anything header-unsafe."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{config.where()}: «{key}» skal være en e-postadresse.")
    text = value.strip()
    _, addr = parseaddr(text)
    if any(ch in text for ch in "\r\n") or not _plain_address_ok(addr):
        raise ConfigError(
            f"{config.where()}: «{key}» = «{text}» er ikke en gyldig e-postadresse "
            "(forventet f.eks. navn@skole.no)."
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
    """Read and check `[mail]`; a dry run needs no server, password or sender."""
    mail = config.table("mail")
    here = config.where()

    leadership_raw = mail.get("leadership", [])
    if isinstance(leadership_raw, str):
        leadership_raw = [leadership_raw]
    if not isinstance(leadership_raw, list) or not leadership_raw:
        raise ConfigError(
            f"{here}: «mail.leadership» mangler. Oppgi skoleledelsens adresser, "
            'f.eks. leadership = ["rektor@skole.no"]; de får oppsummeringen og elevene '
            "uten mottaker."
        )
    leadership = tuple(
        check_address(a, f"mail.leadership[{i}]", config) for i, a in enumerate(leadership_raw)
    )
    school = config.get("school", "")
    if not isinstance(school, str):
        raise ConfigError(f"{here}: «school» skal være skolens navn som tekst.")

    security = mail.get("security", "starttls")
    if security not in SECURITY_PORTS:
        raise ConfigError(
            f"{here}: «mail.security» = «{security}» er ukjent; "
            "bruk «starttls», «ssl» eller «none»."
        )
    host = mail.get("host", "localhost" if not for_sending else None)
    if for_sending and (not isinstance(host, str) or not host.strip()):
        raise ConfigError(f"{here}: «mail.host» mangler (SMTP-serveren, f.eks. smtp.kommune.no).")
    host = str(host or "localhost").strip()
    port = mail.get("port", SECURITY_PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"{here}: «mail.port» skal være et portnummer, f.eks. 587.")
    allow_plain = mail.get("allow_plain", False)
    if not isinstance(allow_plain, bool):
        raise ConfigError(f"{here}: «mail.allow_plain» skal være true eller false.")
    if for_sending and security == "none" and not is_loopback(host) and not allow_plain:
        raise ConfigError(
            f"{here}: «mail.security» = «none» sender ukryptert til {host}. Bruk «starttls» eller "
            "«ssl», eller sett «mail.allow_plain = true» hvis dette virkelig er meningen."
        )

    sender_raw = mail.get("from")
    if sender_raw is None:
        if for_sending:
            raise ConfigError(
                f"{here}: «mail.from» mangler (avsenderadressen, f.eks. "
                '"Nærvær <naervaer@skole.no>").'
            )
        sender_raw = "naervaer@localhost"
    sender = check_address(sender_raw, "mail.from", config)
    reply_to = mail.get("reply_to")
    if reply_to is not None:
        reply_to = check_address(reply_to, "mail.reply_to", config)

    username = mail.get("username")
    if username is not None and (not isinstance(username, str) or not username.strip()):
        raise ConfigError(f"{here}: «mail.username» skal være brukernavnet som tekst.")
    password = _password(config, mail) if for_sending and username else None
    if for_sending and username and password is None:
        env = mail.get("password_env", DEFAULT_PASSWORD_ENV)
        raise ConfigError(
            f"{here}: «mail.username» er satt, men passordet mangler. Sett miljøvariabelen "
            f"{env} eller «mail.password_file» (en fil med rettigheter 0600)."
        )

    cafile = mail.get("cafile")
    cafile_path = None
    if cafile:
        cafile_path = resolve_path(config, str(cafile))
        if not cafile_path.is_file():
            raise ConfigError(f"{here}: «mail.cafile» {cafile_path} finnes ikke.")

    timeout = mail.get("timeout", 30)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"{here}: «mail.timeout» skal være antall sekunder, f.eks. 30.")
    full_names = mail.get("full_names", False)
    if not isinstance(full_names, bool):
        raise ConfigError(f"{here}: «mail.full_names» skal være true eller false.")

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
        timeout=float(timeout),
        full_names=full_names,
        reply_to=reply_to,
        allow_plain=allow_plain,
    )


def _password(config: Config, mail: dict) -> Secret | None:
    """The SMTP password: the environment variable first, then a private password file."""
    env = mail.get("password_env", DEFAULT_PASSWORD_ENV)
    if not isinstance(env, str) or not env:
        raise ConfigError(
            f"{config.where()}: «mail.password_env» skal være navnet på en miljøvariabel."
        )
    value = os.environ.get(env)
    if value:
        return Secret(value)
    file = mail.get("password_file")
    if not file:
        return None
    path = resolve_path(config, str(file))
    try:
        info = path.stat()
    except OSError:
        raise ConfigError(f"{config.where()}: «mail.password_file» {path} finnes ikke.") from None
    # Windows reports every file as 0666: only POSIX modes can say "readable by others".
    if modes_apply() and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path}: passordfilen kan leses av andre (rettigheter "
            f"{stat.S_IMODE(info.st_mode):04o}). Kjør «chmod 600 {path}» og prøv igjen."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{path}: passordfilen kan ikke leses.") from None
    # Only the first line: editors add a trailing newline, and a password has no line breaks.
    secret = text.splitlines()[0] if text.strip() else ""
    return Secret(secret) if secret else None
