"""Header profiles: which export column becomes which canonical field.

Headers are matched after folding (case, accents, æøå, punctuation and spaces removed), so
"Fra kl." and "fra kl" and "FRA KL" are the same header. `[import.columns]` in the config adds
synonyms, and they win over the shipped ones.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

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
    "name": (
        "Elev",
        "Navn",
        "Elevnavn",
        "Barn",
        "Barnets navn",
        "Fullt navn",
        "Namn",
        "Elevnamn",
        "Fullt namn",
    ),
    "first_name": ("Fornavn",),
    "last_name": ("Etternavn",),
    "group": ("Klasse", "Basisgruppe", "Gruppe", "Avdeling", "Klassenavn"),
    # Only `naervaer overview` reads it (several schools in one export); not a record column.
    "school": ("Skole", "Skolenavn"),
    "contact": (
        "Kontaktlærer",
        "Kontaktlærar",
        "Ped.leder",
        "Pedagogisk leder",
        "Pedagogisk leiar",
        "Kontaktperson",
    ),
    "date": ("Dato", "Fraværsdato", "Fråværsdato", "Fra dato", "Fra-dato", "Frå dato", "Startdato"),
    "date_to": ("Til dato", "Til-dato", "Sluttdato"),
    "start": ("Fra", "Fra kl.", "Fra klokken", "Starttid", "Kl. fra"),
    "end": ("Til", "Til kl.", "Til klokken", "Sluttid", "Kl. til"),
    "minutes": (
        "Minutter",
        "Minutt",
        "Antall minutter",
        "Fraværsminutter",
        "Min",
        "Fravær (min)",
        "Fråvær (min)",
        "Lengde (min)",
        "Lengd (min)",
        "Varighet (min)",
    ),
    "hours": ("Timer", "Antall timer", "Fraværstimer"),
    "whole_day": ("Heldag", "Hele dagen", "Heldagsfravær", "Heile dagen", "Heildag"),
    "subject": ("Fag", "Fagnavn", "Emne"),
    # «Time» alone is the lesson number when it holds small whole numbers; see resolve_time.
    "lesson": ("Time", "Time nr.", "Timenr", "Timenummer", "Skoletime"),
    "time_range": ("Tid", "Tidsrom", "Klokkeslett", "Fra–til", "Kl.", "Tidspunkt"),
    # A Ja/Nei column: the code column when the export has no other (Vigilo).
    "documented": ("Dokumentert", "Dokumentert fravær"),
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
    "school": "skole",
    "contact": "kontaktlærer",
    "date": "dato",
    "date_to": "til dato",
    "start": "fra kl.",
    "end": "til kl.",
    "minutes": "minutter",
    "hours": "timer",
    "whole_day": "heldag",
    "subject": "fag",
    "lesson": "time (nr.)",
    "time_range": "tidsrom (fra–til)",
    "documented": "dokumentert (Ja/Nei)",
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


# Columns some exports carry that naervaer has no use for, and must not take for another
# field: IST's «Registrert av» names the teacher who entered the row, not the contact.
IGNORED: tuple[str, ...] = (
    "Registrert av",
    "Registrert dato",
    "Registrert tidspunkt",
    "Endret av",
    "Sist endret",
    "Sist endret av",
)
_IGNORED = frozenset(fold(h) for h in IGNORED)
# A lesson grid's columns: «1. time», «Time 1», «1. økt» (folded: 1time, time1, 1okt).
_GRID = re.compile(r"^(?:(\d{1,2})(?:time|okt)|(?:time|okt)(\d{1,2}))$")
# The lesson grid needs at least this many lesson columns to be taken for one.
MIN_GRID_COLUMNS = 2
# A «Time» column is the lesson number when every value is a whole number in this range.
LESSON_NUMBERS = range(1, 11)
_LESSON_VALUE = re.compile(r"^\s*(\d{1,2})(?:[.,]0+)?\s*\.?\s*(?:time)?\s*$", re.IGNORECASE)
_RANGE_VALUE = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*[-–—]\s*\d{1,2}[:.]\d{2}\s*$")


@dataclass(frozen=True)
class HeaderMatch:
    """Which column (by position) became which field, and what was left over."""

    fields: dict[str, int]  # field -> column position
    headers: tuple[str, ...]  # the header cells as written
    unused: tuple[str, ...]  # header cells that matched no field
    # A lesson grid: lesson number -> column position («1. time» … «8. time»).
    grid: dict[int, int] = dataclasses.field(default_factory=dict)
    ignored: tuple[str, ...] = ()  # known columns naervaer does not use (IGNORED)

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
        for name in [names] if isinstance(names, str) else list(cast("Iterable[object]", names)):
            table[fold(str(name))] = field
    return table


def grid_lesson(header: object) -> int | None:
    """The lesson number of a lesson-grid column header («3. time» → 3), else None."""
    found = _GRID.match(fold(str(header))) if header is not None else None
    if not found:
        return None
    return int(found.group(1) or found.group(2))


def match_headers(cells: Sequence[object], table: Mapping[str, str]) -> HeaderMatch:
    """Map header cells to fields; the first column wins when two map to the same field.

    Columns headed like «1. time» … «8. time» make a lesson grid when there are at least
    MIN_GRID_COLUMNS of them; a header from IGNORED is known and left out.
    """
    headers = tuple("" if c is None else str(c).strip() for c in cells)
    fields: dict[str, int] = {}
    grid: dict[int, int] = {}
    unused, ignored = [], []
    for position, header in enumerate(headers):
        folded = fold(header)
        field = table.get(folded)
        lesson = None if field else grid_lesson(header)
        if field and field not in fields:
            fields[field] = position
        elif lesson is not None and lesson not in grid:
            grid[lesson] = position
        elif folded in _IGNORED:
            ignored.append(header)
        elif header:
            unused.append(header)
    if 0 < len(grid) < MIN_GRID_COLUMNS:
        unused += [headers[p] for p in grid.values()]
        grid = {}
    return HeaderMatch(fields, headers, tuple(unused), grid, tuple(ignored))


def header_score(cells: Sequence[object], table: Mapping[str, str]) -> int:
    """How many cells of a row are known headers: the header row is the first that scores ≥ 3.

    Lesson-grid columns («1. time», «2. time» …) count as one known header together.
    """
    known = set()
    for c in cells:
        if c is None:
            continue
        folded = fold(str(c))
        if folded in table:
            known.add(table[folded])
        elif _GRID.match(folded):
            known.add("lesson")
    return len(known)


def resolve_time(match: HeaderMatch, values: Sequence[str]) -> HeaderMatch:
    """Decide what a column headed just «Time» holds, from its distinct `values`.

    IST writes the lesson number (1–8) under «Time» before «Fag»; other exports write the
    subject or a time range there. Whole numbers in LESSON_NUMBERS keep it the lesson
    number; time ranges («08:30–09:15») make it the time range; anything else makes it the
    subject when no other column is, and an unused column otherwise.
    """
    position = match.fields.get("lesson")
    if position is None or fold(match.headers[position]) != "time":
        return match
    numbers = [_LESSON_VALUE.match(v) for v in values]
    if all(n and int(n.group(1)) in LESSON_NUMBERS for n in numbers):
        return match
    fields = {f: p for f, p in match.fields.items() if f != "lesson"}
    if all(_RANGE_VALUE.match(v) for v in values) and "time_range" not in fields:
        fields["time_range"] = position
    elif "subject" not in fields:
        fields["subject"] = position
    else:
        unused = (*match.unused, match.headers[position])
        return HeaderMatch(fields, match.headers, unused, match.grid, match.ignored)
    return HeaderMatch(fields, match.headers, match.unused, match.grid, match.ignored)


def lesson_number(value: str) -> int | None:
    """The lesson number a cell holds («3», «3.», «3. time», «3.0» from a spreadsheet)."""
    found = _LESSON_VALUE.match(value)
    return int(found.group(1)) if found else None
