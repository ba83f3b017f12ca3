"""Header profiles: which export column becomes which canonical field.

Headers are matched after folding (case, accents, æøå, punctuation and spaces removed), so
"Fra kl." and "fra kl" and "FRA KL" are the same header. `[import.columns]` in the config adds
synonyms, and they win over the shipped ones.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from naervaer_cli.errors import ConfigError

# canonical field -> synonyms as an export writes them (folded when used)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "pupil_id": ("Elevnr", "Elev-ID", "Elevnummer", "Elev ID", "Elevid", "Barnenr", "Barn-ID"),
    "fnr": (
        "Fødselsnummer",
        "Fødselsnr",
        "Fnr",
        "F.nr",
        "Personnummer",
        "Personnr",
        "Pnr",
        "Fødsels- og personnummer",
        "Fødselsnummer/D-nummer",
        "D-nummer",
    ),
    "name": ("Elev", "Navn", "Elevnavn", "Barn", "Barnets navn", "Fullt navn"),
    "first_name": ("Fornavn",),
    "last_name": ("Etternavn",),
    "group": ("Klasse", "Basisgruppe", "Gruppe", "Avdeling", "Klassenavn"),
    "contact": ("Kontaktlærer", "Ped.leder", "Pedagogisk leder", "Kontaktperson"),
    "date": ("Dato", "Fraværsdato", "Fra dato", "Fra-dato", "Startdato"),
    "date_to": ("Til dato", "Til-dato", "Sluttdato"),
    "start": ("Fra", "Fra kl.", "Fra klokken", "Starttid", "Kl. fra"),
    "end": ("Til", "Til kl.", "Til klokken", "Sluttid", "Kl. til"),
    "minutes": ("Minutter", "Antall minutter", "Fraværsminutter", "Min"),
    "hours": ("Timer", "Antall timer", "Fraværstimer"),
    "whole_day": ("Heldag", "Hele dagen", "Heldagsfravær"),
    "subject": ("Fag", "Time", "Fagnavn", "Emne"),
    "code": (
        "Fraværstype",
        "Type",
        "Årsak",
        "Kode",
        "Status",
        "Fraværskode",
        "Fraværsårsak",
        "Fravær",
    ),
    # A long text beside a short code: gives the code its kind when the text names one.
    "code_text": ("Beskrivelse", "Forklaring", "Fraværstekst", "Kodetekst"),
    "notified": ("Meldt", "Meldt av foresatt", "Meldt av foresatte", "Varslet"),
    "comment": ("Merknad", "Kommentar", "Notat"),
    "birth_date": ("Fødselsdato", "Født"),
    "age_group": ("Aldersgruppe", "Alder"),
    "arrived": ("Kom", "Levert", "Innsjekk", "Inn"),
    "departed": ("Hentet", "Gikk", "Utsjekk", "Ut"),
}

# The bokmål name of each field, for messages and `check`.
FIELD_LABELS: dict[str, str] = {
    "pupil_id": "elevnummer",
    "fnr": "fødselsnummer",
    "name": "navn",
    "first_name": "fornavn",
    "last_name": "etternavn",
    "group": "klasse/gruppe",
    "contact": "kontaktlærer",
    "date": "dato",
    "date_to": "til dato",
    "start": "fra kl.",
    "end": "til kl.",
    "minutes": "minutter",
    "hours": "timer",
    "whole_day": "heldag",
    "subject": "fag",
    "code": "fraværstype",
    "code_text": "kodetekst",
    "notified": "meldt",
    "comment": "merknad",
    "birth_date": "fødselsdato",
    "age_group": "aldersgruppe",
    "arrived": "kom",
    "departed": "hentet",
}

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a header or a code."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD).lower())
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class HeaderMatch:
    """Which column (by position) became which field, and what was left over."""

    fields: dict[str, int]  # field -> column position
    headers: tuple[str, ...]  # the header cells as written
    unused: tuple[str, ...]  # header cells that matched no field

    def header_of(self, field: str) -> str:
        return self.headers[self.fields[field]]


def synonym_table(overrides: Mapping[str, object] | None = None) -> dict[str, str]:
    """folded header -> field, with config overrides (`[import.columns]`) taking precedence."""
    table = {fold(s): field for field, names in SYNONYMS.items() for s in names}
    for field, names in (overrides or {}).items():
        if field not in SYNONYMS:
            known = ", ".join(SYNONYMS)
            raise ConfigError(
                f"[import.columns] kjenner ikke feltet «{field}». Gyldige felt: {known}."
            )
        for name in [names] if isinstance(names, str) else list(names):  # type: ignore[arg-type]
            table[fold(str(name))] = field
    return table


def match_headers(cells: Sequence[object], table: Mapping[str, str]) -> HeaderMatch:
    """Map header cells to fields; the first column wins when two map to the same field."""
    headers = tuple("" if c is None else str(c).strip() for c in cells)
    fields: dict[str, int] = {}
    unused = []
    for position, header in enumerate(headers):
        field = table.get(fold(header))
        if field and field not in fields:
            fields[field] = position
        elif header:
            unused.append(header)
    return HeaderMatch(fields, headers, tuple(unused))


def header_score(cells: Sequence[object], table: Mapping[str, str]) -> int:
    """How many cells of a row are known headers: the header row is the first that scores ≥ 3."""
    return len({table[f] for c in cells if c is not None and (f := fold(str(c))) in table})
