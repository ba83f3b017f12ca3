"""The staff directory: kontaktlærer names to e-mail addresses, and groups to kontaktlærere."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError, where
from naervaer_cli.mail.settings import check_address, resolve_path

NAME_HEADERS = ("navn", "name", "kontaktlærer", "kontaktlaerer")
EMAIL_HEADERS = ("epost", "e-post", "e-postadresse", "email", "e-mail", "mail")
GROUP_HEADERS = ("gruppe", "grupper", "klasse", "klasser", "basisgruppe", "avdeling")


def name_key(name: str) -> str:
    """Names match case- and whitespace-insensitively, and nothing looser (never a guess)."""
    return " ".join(name.split()).casefold()


def name_keys(name: str) -> tuple[str, ...]:
    """`Lærer, Kari` (how exports often write it) is the same person as `Kari Lærer`."""
    key = name_key(name)
    if key.count(",") == 1:
        last, first = (part.strip() for part in key.split(","))
        if last and first:
            return (key, f"{first} {last}")
    return (key,)


def split_names(value: object) -> tuple[str, ...]:
    """A group may have more than one kontaktlærer: a list in TOML, or `;`/`,` in a CSV cell."""
    if isinstance(value, str):
        return tuple(n.strip() for n in re.split(r"[;\n]", value) if n.strip())
    if isinstance(value, list):
        return tuple(str(n).strip() for n in value if str(n).strip())
    return ()


@dataclass(frozen=True)
class StaffDirectory:
    """Who is who: addresses by (normalised) name, kontaktlærer names by group."""

    addresses: dict[str, str] = field(default_factory=dict)  # name_key -> address
    display: dict[str, str] = field(default_factory=dict)  # name_key -> name as written
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> names

    def address(self, name: str) -> str | None:
        for key in name_keys(name):
            if key in self.addresses:
                return self.addresses[key]
        return None

    def contacts_for(self, group: str, export_contact: str | None) -> tuple[str, ...]:
        """The group's kontaktlærere: the directory's mapping first, else the export's column."""
        mapped = self.groups.get(group.strip())
        if mapped:
            return mapped
        if export_contact and export_contact.strip():
            return (" ".join(export_contact.split()),)
        return ()

    def display_name(self, name: str) -> str:
        for key in name_keys(name):
            if key in self.display:
                return self.display[key]
        return " ".join(name.split())


def load_staff(config: Config) -> StaffDirectory:
    """`[mail.staff]`, `[mail.groups]` and `mail.staff_csv`; the config tables win over the CSV."""
    addresses: dict[str, str] = {}
    display: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}

    csv_path = config.get("mail.staff_csv")
    if csv_path:
        path = resolve_path(config, str(csv_path))
        for row, name, address, row_groups in _read_staff_csv(path):
            key = name_key(name)
            display[key] = name
            if address is not None:
                if key in addresses and addresses[key].casefold() != address.casefold():
                    raise InputError(
                        f"{where(str(path), row)}: «{name}» står flere ganger med ulike "
                        "e-postadresser. Rett filen så hvert navn har én adresse."
                    )
                addresses[key] = address
            for group in row_groups:
                groups[group] = tuple(dict.fromkeys(groups.get(group, ()) + (name,)))

    for name, address in config.table("mail.staff").items():
        key = name_key(name)
        addresses[key] = check_address(address, f"mail.staff.{name}", config)
        display[key] = name.strip()

    for group, names in config.table("mail.groups").items():
        parsed = split_names(names)
        if not parsed:
            raise ConfigError(
                f"{config.where()}: «mail.groups.{group}» skal være kontaktlærerens navn "
                'eller en liste med navn, f.eks. "7A" = ["Kari Lærer", "Per Lærer"].'
            )
        groups[group.strip()] = parsed

    return StaffDirectory(addresses=addresses, display=display, groups=groups)


def _read_staff_csv(path: Path) -> Iterable[tuple[int, str, str | None, tuple[str, ...]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"«mail.staff_csv» {path} kan ikke leses ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Norwegian Windows saves CSV as Windows-1252.
        text = raw.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(";,\t", key=first.count) if first else ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(f"{path}: filen er tom; forventet kolonnene navn;epost;gruppe.")
    columns = [h.strip().casefold() for h in header]

    def find(options: tuple[str, ...], required: bool) -> int | None:
        for i, col in enumerate(columns):
            if col in options:
                return i
        if required:
            raise InputError(
                f"{where(str(path), 1)}: fant ikke kolonnen «{options[0]}» "
                f"(fant: {', '.join(h.strip() for h in header)}). Forventet navn;epost;gruppe."
            )
        return None

    name_col = find(NAME_HEADERS, True)
    email_col = find(EMAIL_HEADERS, True)
    group_col = find(GROUP_HEADERS, False)
    assert name_col is not None and email_col is not None
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(columns) - len(row))
        name = " ".join(cells[name_col].split())
        address = cells[email_col].strip()
        if not name:
            place = where(str(path), row_no, header[name_col].strip())
            raise InputError(f"{place}: navnet mangler.")
        checked: str | None = None
        # A name without an address is allowed: that kontaktlærer's pupils go to the leadership.
        if address:
            try:
                checked = check_address(address, "epost", Config(home=Path(".")))
            except ConfigError:
                raise InputError(
                    f"{where(str(path), row_no, header[email_col].strip())}: «{address}» er ikke "
                    "en gyldig e-postadresse."
                ) from None
        row_groups: tuple[str, ...] = ()
        if group_col is not None:
            row_groups = tuple(g.strip() for g in re.split(r"[,;/]", cells[group_col]) if g.strip())
        yield row_no, name, checked, row_groups
