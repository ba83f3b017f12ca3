"""Configuration: where state lives (NAERVAER_HOME), where the config file is found, and the
table of every key it may hold.

Precedence for every setting is flag > environment variable > config file > default;
:meth:`Config.setting` applies it in one place. The config file is never read from the
working folder: in a shared folder anyone could plant one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naervaer_cli import tomlconfig
from naervaer_cli.errors import ConfigError
from naervaer_cli.schema import KINDS
from naervaer_cli.tomlconfig import Field, KeyPath

# The shipped vocabularies (naervaer_cli/vocabularies/*.toml; a test keeps the two the same).
VOCABULARIES = ("standard", "ist", "ist-oslo", "vis", "transponder", "vigilo", "flyt")

CONFIG_NAME = "config.toml"
CONFIG_ENV = "NAERVAER_CONFIG"

# Every key naervaer.toml may hold. The README's key table is generated from this list
# (tests/test_config.py checks it), so a key cannot exist without its documentation.
FIELDS: tuple[Field, ...] = (
    Field("school", "text", "Skolens navn, brukt i e-post og møtedokumenter.", default=""),
    Field(
        "policy",
        "text",
        "Innebygd policy (f.eks. «aas») eller sti til en policyfil.",
        default="aas",
        env="NAERVAER_POLICY",
    ),
    Field(
        "setting",
        "text",
        "Skole eller barnehage; uten verdi avgjøres det av eksportens kolonner.",
        choices=("skole", "barnehage"),
        env="NAERVAER_SETTING",
    ),
    Field("case.by", "text", "Hvem som registrerer i saksloggen (som --by).", env="NAERVAER_BY"),
    Field(
        "caselog.path",
        "path",
        "Hvor saksloggen ligger.",
        shown_default="$NAERVAER_HOME/caselog.sqlite",
    ),
    Field(
        "caselog.url",
        "text",
        "Delt sakslogg i PostgreSQL, f.eks. postgresql://kari@db.kommune.no/naervaer; "
        "uten passord (går foran path).",
        env="NAERVAER_CASELOG_URL",
    ),
    Field(
        "caselog.password_file",
        "path",
        "Fil med databasepassordet; må ha rettigheter 0600. Miljøvariabelen "
        "NAERVAER_DB_PASSWORD går foran, ellers brukes ~/.pgpass.",
    ),
    Field("calendar.breaks", "tables", "Ferier og fridager uten skole."),
    Field("calendar.breaks[].from", "date", "Første fridag."),
    Field("calendar.breaks[].to", "date", "Siste fridag.", shown_default="samme som from"),
    Field("calendar.breaks[].name", "text", "Navnet, f.eks. «Høstferie»."),
    Field("calendar.skolerute", "path", "Skolerute som CSV med kolonnene dato,skole,elevdag."),
    Field("calendar.school", "text", "Hvilken skoles rader i skoleruten som gjelder."),
    Field("import.sheet", "text", "Arket som leses i en XLSX-fil.", shown_default="første ark"),
    Field(
        "import.vocabulary",
        "text",
        "Fagsystemets ordliste for koder og kolonnenavn (som --vocabulary).",
        choices=VOCABULARIES,
        shown_default="gjenkjent på kolonnene, ellers standard",
    ),
    Field(
        "import.max_xlsx_cells",
        "integer",
        "Største regneark som leses (celler); et større avvises før det lastes.",
        default=5_000_000,
        minimum=1,
    ),
    Field(
        "import.max_minutes",
        "integer",
        "Største antall fraværsminutter i én rad; flere er en feil i raden.",
        default=600,
        minimum=1,
    ),
    Field(
        "import.lesson_times",
        "texts",
        'Klokkeslettene for time 1, 2, 3 …, f.eks. ["08:30-09:15", "09:25-10:10"]; '
        "trengs når eksporten har timenummer (Time, 1. time …) i stedet for klokkeslett.",
    ),
    Field(
        "import.columns",
        "table",
        'Egne kolonnenavn: felt = navn i eksporten, f.eks. date = ["Hendelsesdato"].',
    ),
    Field("import.columns.*", "text_or_texts", "Kolonnenavn i eksporten for feltet."),
    Field(
        "import.codes",
        "table",
        'Egne fraværskoder: "kode" = "fraværsart"; ukjente koder gir feil til de er koblet.',
    ),
    Field("import.codes.*", "text", "Fraværsarten koden betyr.", choices=KINDS),
    Field(
        "documents.templates",
        "path",
        "Mappe med egne maler; går foran de innebygde.",
        shown_default="$NAERVAER_HOME/templates",
    ),
    Field(
        "documents.school", "text", "Skolens navn i møtedokumentene.", shown_default="som school"
    ),
    Field(
        "documents.term_start",
        "date",
        "Første skoledag i terminen, for fraværsoversikten.",
        shown_default="15. august",
    ),
    Field("documents.resource_team", "texts", "Deltakerne i ressursteamet (pack --resource-team)."),
    Field(
        "documents.contact_name",
        "text",
        "Kontaktperson i møteinnkallingen.",
        shown_default="elevens kontaktlærer",
    ),
    Field("documents.contact_phone", "text", "Telefonnummeret i møteinnkallingen."),
    Field("documents.contact_email", "text", "E-postadressen i møteinnkallingen."),
    Field("mail.host", "text", "SMTP-serveren, f.eks. smtp.kommune.no."),
    Field(
        "mail.port",
        "integer",
        "SMTP-porten.",
        minimum=1,
        maximum=65535,
        shown_default="587 (starttls), 465 (ssl), 25 (none)",
    ),
    Field(
        "mail.security",
        "text",
        "Kryptering; «none» bare til localhost, ellers kreves allow_plain.",
        default="starttls",
        choices=("starttls", "ssl", "none"),
    ),
    Field("mail.allow_plain", "boolean", "Tillat ukryptert SMTP til en annen maskin.", False),
    Field("mail.username", "text", "Brukernavnet på SMTP-serveren."),
    Field(
        "mail.password_env",
        "text",
        "Miljøvariabelen som holder passordet.",
        default="NAERVAER_SMTP_PASSWORD",
    ),
    Field("mail.password_file", "path", "Fil med passordet; må ha rettigheter 0600."),
    Field("mail.cafile", "path", "Egen CA for serverens sertifikat."),
    Field("mail.from", "text", 'Avsenderen, f.eks. "Nærvær <naervaer@skole.no>".'),
    Field("mail.reply_to", "text", "Svaradresse."),
    Field("mail.leadership", "text_or_texts", "Skoleledelsen: får oppsummeringen. Påkrevd."),
    Field("mail.full_names", "boolean", "Fulle navn i e-posten i stedet for initialer.", False),
    Field(
        "mail.details_hint",
        "text",
        "Hvor kontaktlæreren ser hele fraværet; står under hver elev i e-posten.",
        "Se fraværet i IST",
    ),
    Field("mail.timeout", "number", "Sekunder før SMTP-serveren gis opp.", 30, minimum=1),
    Field("mail.staff_csv", "path", "Ansattliste: kolonner navn;epost, valgfritt gruppe."),
    Field("mail.staff", "table", "Navn → e-post; går foran ansattlisten."),
    Field("mail.staff.*", "text", "E-postadressen til den ansatte."),
    Field("mail.groups", "table", "Gruppe → kontaktlærer; går foran eksportens kolonne."),
    Field("mail.groups.*", "text_or_texts", "Kontaktlærerens navn, eller en liste med navn."),
)

_BY_PATH = {f.path: f for f in FIELDS}
_UNSET: Any = object()


def default_home() -> Path:
    """`$NAERVAER_HOME`, or the platform's user data dir."""
    env = os.environ.get("NAERVAER_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    # Local, not roaming: on Windows %LOCALAPPDATA% stays on this PC, while a roaming profile
    # is copied to the municipality's profile server. Private to the user by default ACLs.
    return Path(user_data_dir("naervaer", appauthor=False, roaming=False))


def platform_config_file() -> Path:
    """The platform's config folder, e.g. ``~/.config/naervaer/config.toml``."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("naervaer", appauthor=False)) / CONFIG_NAME


@dataclass(frozen=True)
class Config:
    """The checked configuration and the state folder; values are typed, defaults from FIELDS."""

    home: Path
    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    lines: Mapping[KeyPath, int] = field(default_factory=dict, compare=False, repr=False)

    def get(self, dotted: str, default: Any = _UNSET) -> Any:
        """A value by dotted key (`mail.port`); when unset, `default`, else the table's."""
        spec = _BY_PATH.get(dotted)
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is not _UNSET:
                    return default
                return spec.default if spec else None
            node = node[part]
        if spec is not None and spec.type not in ("table", "tables"):
            # A Config built in code skipped the reader; the same check keeps it honest.
            doc = tomlconfig.Document(self.where(), self.data, lines=self.lines)
            node = tomlconfig.convert(doc, spec, node, tomlconfig.split_dotted(dotted), ConfigError)
        return node

    def table(self, dotted: str) -> dict[str, Any]:
        """A sub-table by dotted key; `{}` when absent. A non-table is a config error."""
        value = self.get(dotted, {})
        if not isinstance(value, dict):
            raise self.fail(dotted, f"skal være en tabell ([{dotted}]).")
        return value

    def setting(self, flag: Any, env: str | None, dotted: str, default: Any = _UNSET) -> Any:
        """flag > environment variable > config file > default (the table's, if not given)."""
        if flag is not None:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        return self.get(dotted, default)

    def where(self, key: KeyPath | str | None = None) -> str:
        """``FIL linje N`` for `key` (just the file without a key or line)."""
        if self.path is None:
            return "konfigurasjonen"
        doc = tomlconfig.Document(str(self.path), self.data, lines=self.lines)
        return doc.where(key)

    def fail(self, key: KeyPath | str, problem: str) -> ConfigError:
        """«FIL linje N: «key» problem» as a ConfigError to raise."""
        path = tomlconfig.split_dotted(key) if isinstance(key, str) else key
        return ConfigError(f"{self.where(path)}: «{tomlconfig.dotted(path)}» {problem}")


def find_config(path: Path | None = None, home: Path | None = None) -> Path | None:
    """The config file to read: `path` (--config), `$NAERVAER_CONFIG`,
    `$NAERVAER_HOME/config.toml`, then the platform's config folder. Never the working folder.

    A set NAERVAER_HOME holds all state, config included, so the platform folder is only
    looked at without it.
    """
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    if path is not None:
        path = path.expanduser()
        if not path.is_file():
            raise ConfigError(f"Fant ikke konfigurasjonsfilen {path}.")
        return path
    candidates = [(home or default_home()) / CONFIG_NAME]
    if home is None and not os.environ.get("NAERVAER_HOME"):
        candidates.append(platform_config_file())
    return next((c for c in candidates if c.is_file()), None)


def load_config(path: Path | None = None, home: Path | None = None) -> Config:
    """Find, read and check the config file (see :func:`find_config`); none is fine."""
    found = find_config(path, home)
    home = home or default_home()
    if found is None:
        return Config(home=home)
    check_private(found)
    doc = tomlconfig.read(found, ConfigError, "konfigurasjonsfilen")
    return Config(home=home, data=tomlconfig.check(doc, FIELDS), path=found, lines=doc.lines)


def check_private(path: Path) -> None:
    """Refuse a config file others could change, as ssh does: it decides where mail goes
    and what every export code means. Its folder counts too, unless sticky (like /tmp)."""
    if not hasattr(os, "getuid"):  # Windows: file modes do not apply
        return
    for target in (path, path.resolve().parent):
        try:
            info = target.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        sticky_folder = target != path and info.st_mode & stat.S_ISVTX
        if mode & (stat.S_IWGRP | stat.S_IWOTH) and not sticky_folder:
            what = "Konfigurasjonsfilen" if target == path else "Mappen til konfigurasjonsfilen"
            raise ConfigError(
                f"{what} {target} kan endres av andre (rettigheter {mode:04o}) og brukes ikke. "
                f"Kjør «chmod go-w {target}» og prøv igjen."
            )
        if target == path and info.st_uid not in (0, os.getuid()):
            raise ConfigError(
                f"{target} eies av en annen bruker og brukes ikke som konfigurasjon. "
                "Bruk en fil du eier selv."
            )


def reference() -> str:
    """The Markdown key table for the README's config section."""
    return tomlconfig.reference_table(FIELDS)
