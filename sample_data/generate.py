"""Deterministic generator of the sample absence exports in sample_data/ (see README.md there).

Run `python sample_data/generate.py` from anywhere; it rewrites the sample files next
to itself. The output depends only on the fixed seed and the fixed dates below (no clock),
so two runs give byte-identical files. Standard library and openpyxl only.

Every person in these files is fictitious. The fødselsnummer values in
`annen_leverandor.csv` are synthetic (month + 40, like Norwegian test numbers) and belong
to no one.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261120

TERM_START = date(2026, 8, 17)   # Monday
AS_OF = date(2026, 11, 20)       # Friday; the latest date in every file
WINDOW_START = AS_OF - timedelta(days=27)  # 2026-10-24: the default 28-day window
LAST_TWO_WEEKS = date(2026, 11, 9)
# Høstferie (autumn break) in week 40: no school rows then. Barnehager stay open.
AUTUMN_BREAK = (date(2026, 9, 28), date(2026, 10, 2))
# A fixed instant for everything that wants a timestamp (XLSX metadata, zip entries).
FIXED_STAMP = datetime(2026, 11, 20, 7, 15, 0)

IST_HEADER = (
    "Elevnr", "Elev", "Klasse", "Kontaktlærer", "Fra dato", "Til dato", "Fra kl.",
    "Til kl.", "Fag", "Fraværstype", "Heldag", "Merknad",
)

# The school day 08:30-14:00: six lessons with a short break, lunch and another break.
LESSONS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(9, 15)),
    (time(9, 15), time(10, 0)),
    (time(10, 15), time(11, 0)),
    (time(11, 30), time(12, 15)),
    (time(12, 15), time(13, 0)),
    (time(13, 15), time(14, 0)),
)
LAST_LESSON = len(LESSONS) - 1
WATCHED = ("kroppsøving", "krø", "svømming", "turdag")

# One timetable, shifted by a weekday per group so the groups differ.
BASE_WEEK: tuple[tuple[str, ...], ...] = (
    ("Norsk", "Norsk", "Matematikk", "Engelsk", "Samfunnsfag", "Musikk"),
    ("Matematikk", "Kroppsøving", "Kroppsøving", "Norsk", "Naturfag", "KRLE"),
    ("Engelsk", "Matematikk", "Norsk", "Kunst og håndverk", "Kunst og håndverk", "Samfunnsfag"),
    ("Naturfag", "Norsk", "Matematikk", "KRLE", "Kroppsøving", "Engelsk"),
    ("Matematikk", "Engelsk", "Norsk", "Samfunnsfag", "Naturfag", "Musikk"),
)

FIRST_NAMES = (
    "Emma", "Nora", "Sofie", "Ingrid", "Sara", "Maja", "Ella", "Olivia", "Leah", "Thea",
    "Frida", "Hedda", "Tiril", "Vilde", "Mathilde", "Ida", "Selma", "Astrid", "Live", "Solveig",
    "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Henrik", "Magnus",
    "Sander", "Tobias", "Johannes", "Aksel", "Elias", "Mikkel", "Kasper", "Sigurd", "Håkon",
    "Ørjan", "Åsmund", "Eirik", "Torbjørn", "Kåre", "Sølvi", "Åse", "Bjørn", "Mari", "Siri",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Henriksen", "Lund",
    "Halvorsen", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde", "Solheim",
    "Sæther", "Løvås", "Bjørnstad", "Åsheim", "Grønli", "Kvåle", "Ødegård", "Bråthen",
)


# --- calendar ----------------------------------------------------------------------------


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def is_weekday(day: date) -> bool:
    # No Norwegian public holiday falls between 17 August and 20 November.
    return day.weekday() < 5


def is_school_day(day: date) -> bool:
    return is_weekday(day) and not (AUTUMN_BREAK[0] <= day <= AUTUMN_BREAK[1])


SCHOOL_DAYS = [d for d in days(TERM_START, AS_OF) if is_school_day(d)]
OPENING_DAYS = [d for d in days(TERM_START, AS_OF) if is_weekday(d)]


def in_window(day: date) -> bool:
    return WINDOW_START <= day <= AS_OF


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- school model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    name: str
    contact: str
    size: int
    shift: int            # weekday shift of BASE_WEEK
    swimming: bool = False

    def subject(self, day: date, lesson: int) -> str:
        week = BASE_WEEK[(day.weekday() + self.shift) % 5]
        if self.swimming and week[3] == "KRLE":
            # Swimming replaces the lessons after lunch on that day for the small ones.
            return "Svømming" if lesson in (3, 4) else week[lesson]
        return week[lesson]


GROUPS = (
    Group("5A", "Randi Holm", 18, 2, swimming=True),
    Group("7A", "Terje Nygård", 22, 0),
    Group("7B", "Hilde Vestby", 20, 1),
    Group("9C", "Anders Myhre", 24, 3),
)
GROUP_BY_NAME = {g.name: g for g in GROUPS}


@dataclass(frozen=True)
class Pupil:
    number: str
    first: str
    last: str
    group: Group
    pattern: str | None = None

    @property
    def name(self) -> str:
        return f"{self.last}, {self.first}"


@dataclass(frozen=True)
class Row:
    """One IST-style export row."""

    pupil: Pupil
    day: date
    code: str
    until: date | None = None      # a whole-day range (Til dato)
    lesson: int | None = None      # index into LESSONS for lesson rows
    start: time | None = None      # explicit times (late arrival, a span without subject)
    end: time | None = None
    subject: str | None = None
    comment: str = ""

    @property
    def whole_day(self) -> bool:
        return self.lesson is None and self.start is None

    def times(self) -> tuple[time | None, time | None]:
        if self.start is not None:
            return self.start, self.end
        if self.lesson is not None:
            return LESSONS[self.lesson]
        return None, None

    def subject_name(self) -> str | None:
        if self.subject is not None:
            return self.subject or None
        if self.lesson is not None:
            return self.pupil.group.subject(self.day, self.lesson)
        return None


# The planted pupils: (pattern key, group, first name, last name). README.md explains each.
PLANTED = (
    ("absence_days_concern", "7A", "Jonas", "Bakke"),
    ("single_lessons", "7A", "Oskar", "Fjeld"),
    ("permisjon_only", "7A", "Linnea", "Aas"),
    ("absence_days_watch", "7B", "Marte", "Skog"),
    ("left_forlot", "7B", "Viktor", "Nes"),
    ("subject_kroppsoving", "7B", "Amalie", "Vik"),
    ("late_arrivals", "7B", "Isak", "Holt"),
    ("just_below_concern", "9C", "Hanna", "Tveit"),
    ("left_lessons", "9C", "Adrian", "Røed"),
    ("weekday_monday", "9C", "Julie", "Brekke"),
    ("rising_trend", "9C", "Markus", "Aune"),
    ("consecutive_days", "9C", "Eline", "Foss"),
    ("subject_svomming", "5A", "Lykke", "Bråten"),
    ("term_share", "5A", "Petter", "Moum"),
    ("not_absence", "9C", "Tuva", "Engen"),
)


def make_pupils(rng: random.Random) -> list[Pupil]:
    planted = {(g, f, la) for _, g, f, la in PLANTED}
    used = {(f, la) for _, _, f, la in PLANTED}
    pupils: list[Pupil] = []
    number = 10100
    for group in GROUPS:
        mine = [p for p in PLANTED if p[1] == group.name]
        for key, _, first, last in mine:
            number += rng.randint(1, 9)
            pupils.append(Pupil(str(number), first, last, group, key))
        for _ in range(group.size - len(mine)):
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if (first, last) not in used:
                    break
            used.add((first, last))
            number += rng.randint(1, 9)
            pupils.append(Pupil(str(number), first, last, group))
    assert len({p.number for p in pupils}) == len(pupils)
    assert all((p.group.name, p.first, p.last) in planted for p in pupils if p.pattern)
    return pupils


def lessons_of(pupil: Pupil, day: date, indexes: Iterable[int], code: str, comment: str = "",
               subject: str | None = None) -> list[Row]:
    return [Row(pupil, day, code, lesson=i, subject=subject, comment=comment) for i in indexes]


def watched_lessons(group: Group, day: date) -> list[int]:
    return [i for i in range(len(LESSONS)) if group.subject(day, i).lower().startswith(WATCHED)]


def subject_dates(group: Group, subject: str, first: date, last: date) -> list[date]:
    return [
        day for day in SCHOOL_DAYS
        if first <= day <= last
        and any(group.subject(day, i) == subject for i in range(len(LESSONS)))
    ]


def planted_rows(p: Pupil) -> list[Row]:
    """The rows that carry a pupil's pattern (see README.md for what each should show)."""
    rows: list[Row] = []
    key = p.pattern
    if key == "absence_days_concern":
        # 8 whole days in the window (one of them as six absent lessons = 270 min), 2 before.
        rows += [
            Row(p, d("2026-09-10"), "Sykdom", comment="Meldt av foresatte"),
            Row(p, d("2026-10-13"), "Udokumentert"),
            Row(p, d("2026-10-26"), "Udokumentert"),
            Row(p, d("2026-10-30"), "Sykdom", comment="Meldt av foresatte"),
            Row(p, d("2026-11-03"), "Ubehandlet"),
            Row(p, d("2026-11-09"), "Syk", comment="Vondt i magen"),
            Row(p, d("2026-11-12"), "Dokumentert", comment="Lege"),
            Row(p, d("2026-11-17"), "Udokumentert"),
            Row(p, d("2026-11-19"), "Ikke dokumentert"),
        ]
        rows += lessons_of(p, d("2026-11-04"), range(len(LESSONS)), "Udokumentert")
    elif key == "absence_days_watch":
        # A flu: one parent's notice as a date range over a whole week (5 school days).
        rows.append(Row(p, d("2026-11-09"), "Sykdom", until=d("2026-11-13"),
                        comment="Influensa, meldt av mor"))
        rows.append(Row(p, d("2026-09-22"), "Sykdom"))
    elif key == "just_below_concern":
        # 6 whole days: a notice Thu 29.10-Tue 03.11 (4 school days over a weekend) and 2 more.
        rows += [
            Row(p, d("2026-10-27"), "Sykdom"),
            Row(p, d("2026-10-29"), "Sykdom", until=d("2026-11-03"),
                comment="Omgangssyke, meldt av far"),
            Row(p, d("2026-11-11"), "Udokumentert"),
        ]
    elif key == "left_forlot":
        # Leaves after lunch on three days: two as «Forlot skolen»/«Gikk hjem» per lesson,
        # one as a single span without a subject.
        rows += lessons_of(p, d("2026-10-28"), (3, 4, 5), "Forlot skolen")
        rows += lessons_of(p, d("2026-11-05"), (3, 4, 5), "Gikk hjem", comment="Sa ifra til lærer")
        rows.append(Row(p, d("2026-11-16"), "Forlot skolen", start=time(11, 30), end=time(14, 0),
                        subject=""))
    elif key == "left_lessons":
        # Present in the morning, undocumented absence from 11:30 to the end of the day.
        for day in (d("2026-10-27"), d("2026-11-04"), d("2026-11-13")):
            rows += lessons_of(p, day, (3, 4, 5), "Udokumentert")
    elif key == "single_lessons":
        # Three single undocumented lessons on three days, none of them the last lesson.
        rows += [
            Row(p, d("2026-10-29"), "Udokumentert", lesson=2),
            Row(p, d("2026-11-06"), "Ubehandlet", lesson=0),
            Row(p, d("2026-11-18"), "Udokumentert", lesson=4),
        ]
    elif key == "subject_kroppsoving":
        # Misses the double Kroppsøving lesson on three dates (documented by a note from
        # home, so single_lessons does not fire); one row writes the subject «KRØ».
        dates = subject_dates(p.group, "Kroppsøving", WINDOW_START, AS_OF)
        chosen = [dates[0], dates[3], dates[6]]
        for n, day in enumerate(chosen):
            idx = [i for i in watched_lessons(p.group, day) if i != LAST_LESSON]
            subject = "KRØ" if n == 1 else None
            rows += lessons_of(p, day, idx, "Dokumentert", "Melding hjemmefra", subject=subject)
    elif key == "subject_svomming":
        # Two Tuesdays in the window (not three: that would also be a weekday pattern) and
        # one the week before the window, which must not count.
        dates = subject_dates(p.group, "Svømming", WINDOW_START - timedelta(days=7), AS_OF)
        for day in (dates[0], dates[1], dates[3]):
            idx = watched_lessons(p.group, day)
            rows += lessons_of(p, day, idx, "Dokumentert", "Melding fra foresatte: vondt i øret")
    elif key == "weekday_monday":
        rows += [
            Row(p, d("2026-09-07"), "Sykdom"),
            Row(p, d("2026-10-19"), "Udokumentert"),
            Row(p, d("2026-10-26"), "Sykdom", comment="Hodepine"),
            Row(p, d("2026-11-02"), "Udokumentert"),
            Row(p, d("2026-11-16"), "Sykdom", comment="Hodepine"),
        ]
    elif key == "rising_trend":
        rows += [
            Row(p, d("2026-11-10"), "Sykdom"),
            Row(p, d("2026-11-12"), "Udokumentert"),
            Row(p, d("2026-11-17"), "Sykdom"),
            Row(p, d("2026-11-19"), "Ubehandlet"),
        ]
    elif key == "consecutive_days":
        rows += [
            Row(p, d("2026-09-16"), "Sykdom"),
            Row(p, d("2026-10-27"), "Sykdom", comment="Feber"),
            Row(p, d("2026-10-28"), "Sykdom", comment="Feber"),
            Row(p, d("2026-10-29"), "Sykdom", comment="Feber"),
        ]
    elif key == "late_arrivals":
        late = (("2026-09-03", 8, 41), ("2026-10-08", 8, 38), ("2026-10-27", 8, 45),
                ("2026-11-02", 8, 40), ("2026-11-06", 8, 52), ("2026-11-11", 8, 37),
                ("2026-11-18", 8, 44))
        for text, hour, minute in late:
            day = d(text)
            rows.append(Row(p, day, "For sent", start=time(8, 30), end=time(hour, minute),
                            subject=p.group.subject(day, 0)))
        rows.append(Row(p, d("2026-10-05"), "Sykdom"))
    elif key == "permisjon_only":
        # Two weeks' family trip (granted leave) and leaving early for a tournament twice:
        # permisjon never counts, so this pupil must not be flagged at all.
        rows.append(Row(p, d("2026-10-26"), "Permisjon", until=d("2026-11-06"),
                        comment="Reise med familien, innvilget av rektor"))
        for day in (d("2026-11-12"), d("2026-11-19")):
            rows += lessons_of(p, day, (4, 5), "Permisjon", "Fotballturnering")
        rows.append(Row(p, d("2026-11-17"), "Fri", comment="Begravelse"))
    elif key == "term_share":
        # 8 scattered days before the window and none in it: only the term share is high.
        for text in ("2026-08-20", "2026-08-27", "2026-09-03", "2026-09-08", "2026-09-15",
                     "2026-09-22", "2026-10-06", "2026-10-14"):
            rows.append(Row(p, d(text), "Sykdom" if text < "2026-09-10" else "Udokumentert"))
    elif key == "not_absence":
        # Pupil council work and an organised activity: recorded, but not absence.
        for text, idx in (("2026-10-28", (4, 5)), ("2026-11-04", (4, 5)),
                          ("2026-11-11", (4, 5)), ("2026-11-18", (2,))):
            rows += lessons_of(p, d(text), idx, "Elevrådsarbeid")
        rows += lessons_of(p, d("2026-11-20"), range(len(LESSONS)), "Organisert aktivitet",
                           "Skolens idrettsdag")
        rows.append(Row(p, d("2026-11-13"), "Ikke fravær", lesson=1, comment="Skolefotografering"))
    else:  # pragma: no cover - a key in PLANTED without rows is a bug here
        raise AssertionError(key)
    return rows


def noise_rows(p: Pupil, rng: random.Random) -> list[Row]:
    """Ordinary absence well below every threshold.

    Outside the last two weeks only (so no rising trend), at most two whole days and one
    undocumented lesson in the window, never the last lesson (which would look like leaving),
    never a watched subject in the window, never three days in a row.
    """
    rows: list[Row] = []
    early = [day for day in SCHOOL_DAYS if day < LAST_TWO_WEEKS]
    sick: list[date] = []
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))):
        day = rng.choice(early)
        if day in sick or day + timedelta(days=1) in sick or day - timedelta(days=1) in sick:
            continue
        if in_window(day) and sum(in_window(s) for s in sick) >= 2:
            continue
        sick.append(day)
    for day in sorted(sick):
        code = rng.choice(("Sykdom", "Sykdom", "Sykdom", "Syk", "Dokumentert"))
        comment = rng.choice(("", "", "Meldt av foresatte", "Forkjølet", "Feber"))
        rows.append(Row(p, day, code, comment=comment))
    taken = set(sick)
    in_window_lessons = 0
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        day = rng.choice(early)
        if day in taken:
            continue
        undocumented = rng.random() < 0.4
        if in_window(day):
            if in_window_lessons >= 1:
                continue
            in_window_lessons += 1
        first = rng.randint(0, LAST_LESSON - 2)
        count = 1 if undocumented else rng.choice((1, 2))
        idx = [i for i in range(first, first + count)
               if not (in_window(day) and i in watched_lessons(p.group, day))]
        if not idx:
            continue
        taken.add(day)
        if undocumented:
            rows += lessons_of(p, day, idx, rng.choice(("Udokumentert", "Ubehandlet")))
        else:
            reason = rng.choice(("Tannlege", "Lege", "Time hos helsesykepleier"))
            rows += lessons_of(p, day, idx, "Dokumentert", reason)
    late_in_window = 0
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        day = rng.choice(SCHOOL_DAYS)
        if day in taken or (in_window(day) and late_in_window >= 1):
            continue
        late_in_window += in_window(day)
        taken.add(day)
        end = time(8, rng.choice((35, 40, 42, 45, 50)))
        rows.append(Row(p, day, "Sen ankomst" if rng.random() < 0.2 else "For sent",
                        start=time(8, 30), end=end, subject=p.group.subject(day, 0)))
    return rows


def school_rows() -> list[Row]:
    rng = random.Random(SEED)
    pupils = make_pupils(rng)
    rows: list[Row] = []
    for pupil in pupils:
        rows += planted_rows(pupil) if pupil.pattern else noise_rows(pupil, rng)
    # The term starts with a record so the data's first date is the term's first day.
    first_noise = next(p for p in pupils if p.pattern is None and p.group.name == "7A")
    rows.append(Row(first_noise, TERM_START, "Sykdom", comment="Meldt av foresatte"))
    for row in rows:
        assert is_school_day(row.day), row
        assert row.until is None or is_school_day(row.until), row
    rows.sort(key=lambda r: (r.day, r.pupil.group.name, r.pupil.name, r.times()[0] or time(0)))
    return rows


# --- IST export (CSV and XLSX) -----------------------------------------------------------


def fmt_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def fmt_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def ist_cells(row: Row) -> list[object]:
    """One row as native values (date, time, str) in IST_HEADER order."""
    start, end = row.times()
    return [
        row.pupil.number, row.pupil.name, row.pupil.group.name, row.pupil.group.contact,
        row.day, row.until, start, end, row.subject_name() or "", row.code,
        "Ja" if row.whole_day else "Nei", row.comment,
    ]


def write_ist_csv(rows: Sequence[Row], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(IST_HEADER)
    for row in rows:
        cells = ist_cells(row)
        writer.writerow([
            fmt_date(c) if isinstance(c, date) else fmt_time(c) if isinstance(c, time)
            else "" if c is None else c
            for c in cells
        ])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_ist_xlsx(rows: Sequence[Row], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Fravær"
    width = len(IST_HEADER)
    ws.append(["Fraværsrapport Ås ungdomsskole"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="left")
    ws.append(["Generert 20.11.2026 07:15"])
    ws.append([])
    ws.append(list(IST_HEADER))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in rows:
        # An empty field is an empty cell, not an empty string.
        cells = [None if c == "" else c for c in ist_cells(row)]
        cells[0] = int(cells[0])  # IST writes Elevnr as a number cell
        ws.append(cells)
    for column in ("E", "F"):
        for cell in ws[column][4:]:
            cell.number_format = "DD.MM.YYYY"
    for column in ("G", "H"):
        for cell in ws[column][4:]:
            cell.number_format = "HH:MM"
    for letter, chars in zip("ABCDEFGHIJKL", (8, 22, 7, 16, 11, 11, 7, 7, 18, 16, 7, 36),
                             strict=True):
        ws.column_dimensions[letter].width = chars
    ws.freeze_panes = "A5"
    wb.properties.creator = "IST Everyday"
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    wb.save(path)
    normalize_zip(path)


def normalize_zip(path: Path) -> None:
    """Make an openpyxl XLSX byte-reproducible: fixed zip entry times and core timestamps.

    openpyxl stamps docProps/core.xml with the save time and zipfile stamps each entry with
    the clock, so two saves differ. Rewrite both with FIXED_STAMP.
    """
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())


# --- another vendor: `,`, Windows-1252, Fødselsnummer, minutes ------------------------------

OTHER_HEADER = (
    "Fødselsnummer", "Fornavn", "Etternavn", "Basisgruppe", "Kontaktlærer", "Fraværsdato",
    "Antall minutter", "Fag", "Årsak", "Merknad",
)
OTHER_GROUPS = (("6A", "Bjørg Sæther", 19), ("6B", "Øystein Løkken", 21))
OTHER_WEEK: tuple[tuple[tuple[str, int], ...], ...] = (
    (("Norsk", 60), ("Matematikk", 60), ("Engelsk", 45), ("Samfunnsfag", 45), ("Musikk", 45)),
    (("Matematikk", 60), ("Kroppsøving", 60), ("Norsk", 45), ("Naturfag", 45), ("KRLE", 45)),
    (("Norsk", 60), ("Engelsk", 60), ("Kunst og håndverk", 45), ("Matematikk", 45),
     ("Samfunnsfag", 45)),
    (("Naturfag", 60), ("Norsk", 60), ("Matematikk", 45), ("Kroppsøving", 45), ("Engelsk", 45)),
    (("Matematikk", 60), ("Norsk", 60), ("Engelsk", 45), ("KRLE", 45), ("Musikk", 45)),
)
WHOLE_DAY_MINUTES = 330  # 08:30-14:00 as this vendor writes a whole day


def synthetic_fnr(born: date, individual: int) -> str | None:
    """An 11-digit number with valid check digits and month + 40 (a synthetic test number)."""
    base = f"{born.day:02d}{born.month + 40:02d}{born.year % 100:02d}{individual:03d}"
    digits = [int(c) for c in base]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits,
                                         strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return base + f"{k1}{k2}"


OTHER_PLANTED = {
    # (group, first, last): pattern
    ("6A", "Åse", "Grønli"): "absence_days_concern",
    ("6A", "Kåre", "Sæther"): "subject_kroppsoving",
    ("6B", "Sølvi", "Ødegård"): "single_lessons",
    ("6B", "Ørjan", "Bråthen"): "left_gikk_hjem",
}


def other_vendor_rows() -> list[list[str]]:
    rng = random.Random(SEED + 1)
    people: list[tuple[str, str, str, str, str, str | None]] = []
    used_fnr: set[str] = set()
    used_names: set[tuple[str, str]] = {(f, la) for _, f, la in OTHER_PLANTED}
    for group, contact, size in OTHER_GROUPS:
        names = [(f, la) for g, f, la in OTHER_PLANTED if g == group]
        while len(names) < size:
            pair = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if pair not in used_names:
                used_names.add(pair)
                names.append(pair)
        for first, last in names:
            while True:
                born = date(2015, 1, 1) + timedelta(days=rng.randint(0, 364))
                fnr = synthetic_fnr(born, rng.randint(500, 749))
                if fnr and fnr not in used_fnr:
                    break
            used_fnr.add(fnr)
            people.append((fnr, first, last, group, contact,
                           OTHER_PLANTED.get((group, first, last))))

    def lesson(day: date, n: int) -> tuple[str, int]:
        return OTHER_WEEK[day.weekday()][n]

    out: list[tuple[date, str, list[str]]] = []

    def add(person: tuple, day: date, minutes: int, subject: str, code: str,
            comment: str = "") -> None:
        fnr, first, last, group, contact, _ = person
        out.append((day, f"{group}{last}{first}", [
            fnr, first, last, group, contact, day.isoformat(), str(minutes), subject, code,
            comment,
        ]))

    early = [day for day in SCHOOL_DAYS if day < LAST_TWO_WEEKS]
    for person in people:
        pattern = person[5]
        if pattern == "absence_days_concern":
            for text in ("2026-10-26", "2026-10-27", "2026-11-02", "2026-11-05", "2026-11-10",
                         "2026-11-18", "2026-11-20"):
                add(person, d(text), WHOLE_DAY_MINUTES, "", "Ikke dokumentert")
            # An eighth day as lessons adding up to 255 minutes (≥ 240: a whole day).
            day = d("2026-11-12")
            for n in range(5):
                subject, minutes = lesson(day, n)
                add(person, day, minutes, subject, "Sykdom", "Lege, attest levert")
        elif pattern == "subject_kroppsoving":
            for text in ("2026-10-27", "2026-11-05", "2026-11-17"):
                day = d(text)
                n = next(i for i in range(5) if lesson(day, i)[0] == "Kroppsøving")
                subject, minutes = lesson(day, n)
                add(person, day, minutes, subject, "Gyldig", "Melding fra foresatte")
        elif pattern == "single_lessons":
            for text, n in (("2026-10-29", 0), ("2026-11-04", 2), ("2026-11-18", 1)):
                subject, minutes = lesson(d(text), n)
                add(person, d(text), minutes, subject, "Ikke dokumentert")
        elif pattern == "left_gikk_hjem":
            for text in ("2026-11-03", "2026-11-11"):
                for n in (3, 4):
                    subject, minutes = lesson(d(text), n)
                    add(person, d(text), minutes, subject, "Gikk hjem", "Vondt i hodet")
        else:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                day = rng.choice(early)
                if rng.random() < 0.6:
                    add(person, day, WHOLE_DAY_MINUTES, "", rng.choice(("Sykdom", "Gyldig")))
                else:
                    n = rng.randint(0, 3)
                    subject, minutes = lesson(day, n)
                    if subject == "Kroppsøving":
                        continue
                    if rng.random() < 0.7:
                        add(person, day, minutes, subject, "Gyldig",
                            rng.choice(("", "Tannlege", "Tannlege; hentet av far")))
                    else:
                        add(person, day, minutes, subject, "Permisjon", "Fotballcup")
    # A comment that carries a fødselsnummer (typed in by hand): it must be masked on import.
    slip = people[7]
    add(slip, d("2026-09-14"), WHOLE_DAY_MINUTES, "", "Sykdom",
        f"Feilført på {people[8][0]}, rettet")
    out.sort(key=lambda item: (item[0], item[1]))
    return [cells for _, _, cells in out]


def write_other_vendor(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\r\n")
    writer.writerow(OTHER_HEADER)
    writer.writerows(other_vendor_rows())
    path.write_bytes(buffer.getvalue().encode("cp1252"))


# --- barnehage attendance log ------------------------------------------------------------

BARNEHAGE_HEADER = ("Barn", "Avdeling", "Fødselsdato", "Dato", "Kom", "Hentet", "Fravær", "Meldt")
TODDLERS = "Maurtua"      # 1-2 year olds
OLDER = "Revehiet"        # 3-5 year olds
CLOSING = time(16, 30)


@dataclass
class Child:
    first: str
    last: str
    unit: str
    born: date
    window_absent: int                 # absence days in the 28-day window
    pattern: str | None = None
    absent: dict[date, tuple[str, bool]] = field(default_factory=dict)  # day -> (code, meldt)

    @property
    def name(self) -> str:
        return f"{self.last}, {self.first}"


BARNEHAGE_PLANTED = (
    # first, last, unit, born, window absence days, pattern
    ("Oda", "Fjellheim", TODDLERS, date(2025, 4, 2), 6, "toddler_many_sick_days"),
    ("Mats", "Hovland", OLDER, date(2021, 3, 14), 6, "older_many_sick_days"),
    ("Selma", "Rustad", OLDER, date(2022, 6, 9), 3, "unnotified"),
    ("Even", "Kolstad", OLDER, date(2021, 10, 30), 1, "late_pickup"),
    ("Ylva", "Hagen", OLDER, date(2023, 1, 22), 0, "missing_checkout"),
)
LATE_PICKUPS = {date(2026, 10, 29): time(16, 41), date(2026, 11, 5): time(16, 37),
                date(2026, 11, 18): time(16, 52)}
MISSING_CHECKOUT = {date(2026, 11, 3), date(2026, 11, 17)}
PICKUP_DAYS = set(LATE_PICKUPS) | MISSING_CHECKOUT
# Absence days in the window for the rest: toddlers are often away, the older ones rarely.
TODDLER_COUNTS = (2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 8, 9)
OLDER_COUNTS = (0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 3)


def barnehage_children(rng: random.Random) -> list[Child]:
    children = [Child(f, la, unit, born, n, pattern)
                for f, la, unit, born, n, pattern in BARNEHAGE_PLANTED]
    used = {(c.first, c.last) for c in children}
    for unit, counts, first_born, span in ((TODDLERS, TODDLER_COUNTS, date(2024, 1, 10), 560),
                                            (OLDER, OLDER_COUNTS, date(2020, 12, 1), 1060)):
        for count in counts:
            while True:
                pair = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                if pair not in used:
                    break
            used.add(pair)
            born = first_born + timedelta(days=rng.randint(0, span))
            children.append(Child(pair[0], pair[1], unit, born, count))
    return children


def plan_absence(child: Child, rng: random.Random) -> None:
    window = [day for day in OPENING_DAYS if in_window(day)]
    before = [day for day in OPENING_DAYS if not in_window(day)]
    unnotified_slot = rng.random() < 0.3  # at most one unnotified day in the window for noise
    if child.pattern in ("late_pickup", "missing_checkout"):
        # Keep the days with the planted pick-up problems as days present.
        window = [day for day in window if day not in PICKUP_DAYS]
    for n, day in enumerate(sorted(rng.sample(window, child.window_absent))):
        meldt = not (child.pattern == "unnotified" or (unnotified_slot and n == 0))
        child.absent[day] = ("Syk", meldt)
    extra = rng.choice((0, 1, 2, 3, 4)) + (3 if child.unit == TODDLERS else 0)
    for day in rng.sample(before, extra):
        child.absent[day] = ("Syk", rng.random() < 0.9)
    if rng.random() < 0.5:
        # A week off in August (summer holiday tail) or a single day off in September.
        if rng.random() < 0.5:
            for day in OPENING_DAYS[:5]:
                child.absent[day] = ("Ferie", True)
        else:
            child.absent[rng.choice([x for x in before if x.month == 9])] = ("Fri", True)


def barnehage_rows() -> list[list[str]]:
    rng = random.Random(SEED + 2)
    children = barnehage_children(rng)
    for child in children:
        plan_absence(child, rng)
    late, no_checkout = LATE_PICKUPS, MISSING_CHECKOUT
    rows: list[list[str]] = []
    for day in OPENING_DAYS:
        for child in sorted(children, key=lambda c: (c.unit, c.name)):
            cells = [child.name, child.unit, fmt_date(child.born), fmt_date(day)]
            if day in child.absent:
                code, meldt = child.absent[day]
                rows.append(cells + ["", "", code, "Ja" if meldt else "Nei"])
                continue
            arrived = time(7, 0) if rng.random() < 0.1 else time(rng.randint(7, 9),
                                                                   rng.choice((0, 5, 10, 15,
                                                                               20, 30, 40)))
            left = time(rng.randint(14, 16), rng.choice((0, 10, 15, 20, 25)))
            if child.pattern == "late_pickup" and day in late:
                left = late[day]
            hentet = fmt_time(left)
            if child.pattern == "missing_checkout" and day in no_checkout:
                hentet = ""
            assert left <= CLOSING or child.pattern == "late_pickup"
            rows.append(cells + [fmt_time(arrived), hentet, "", ""])
    return rows


def write_barnehage(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(BARNEHAGE_HEADER)
    writer.writerows(barnehage_rows())
    path.write_bytes(buffer.getvalue().encode("utf-8"))


# --- vendor samples (issue 12): the school's rows as each system writes them -------------
#
# The same pupils and planted patterns as the IST export, in the layout and code vocabulary
# of each system naervaer ships a vocabulary for. README.md says which flags each carries.

SCHOOL_NAME = "Ås ungdomsskole"
LATE_CODES = ("For sent", "Sen ankomst")
LEFT_CODES = ("Forlot skolen", "Gikk hjem")
NOT_ABSENCE_CODES = ("Ikke fravær", "Elevrådsarbeid", "Organisert aktivitet")
HEALTH_REASONS = ("Lege", "Tannlege", "Time hos helsesykepleier")
# Who registered a lesson's absence: the subject teacher, one per subject.
TEACHERS = ("Per Hansen", "Liv Dahl", "Ole Strand", "Eva Moen", "Rune Berg", "Guro Lie")
OFFICE = "Siri Kontor"  # whole days are registered by the office from the parents' notice
DAY_MINUTES = sum((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in LESSONS)


def vendor_rows(rows: Sequence[Row]) -> list[Row]:
    """The school's rows plus a dentist's lesson on the last day, so that every vendor file
    ends on AS_OF even where the system leaves out the organised activity that day."""
    pupil = next(r.pupil for r in rows if r.pupil.pattern is None and r.pupil.group.name == "9C")
    assert not pupil.group.subject(AS_OF, 1).lower().startswith(WATCHED)
    return [*rows, Row(pupil, AS_OF, "Dokumentert", lesson=1, comment="Tannlege")]


def day_rows(rows: Sequence[Row]) -> list[Row]:
    """One row per school day: a range (Fra dato–Til dato) becomes a row for each day in it."""
    out: list[Row] = []
    for row in rows:
        if row.until is None:
            out.append(row)
        else:
            out += [replace(row, day=day, until=None) for day in SCHOOL_DAYS
                    if row.day <= day <= row.until]
    return out


def lesson_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows by lesson: a span without a lesson becomes the lessons it covers, and a late
    arrival the first lesson (for layouts that write lesson numbers, not clock times)."""
    out: list[Row] = []
    for row in day_rows(rows):
        if row.start is None:
            out.append(row)
        elif row.code in LATE_CODES:
            out.append(replace(row, start=None, end=None, lesson=0))
        else:
            assert row.end is not None
            out += [replace(row, start=None, end=None, lesson=i)
                    for i, (s, e) in enumerate(LESSONS) if row.start <= s and e <= row.end]
    return out


def absent_minutes(row: Row) -> int:
    """The minutes of lessons a row misses (a late arrival: the minutes late)."""
    start, end = row.times()
    if start is None or end is None:
        return DAY_MINUTES
    if row.code in LATE_CODES:
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return sum(
        (e.hour * 60 + e.minute) - (s.hour * 60 + s.minute)
        for s, e in LESSONS if start <= s and e <= end
    )


def is_health(row: Row) -> bool:
    return row.comment in HEALTH_REASONS


def registered_by(row: Row) -> str:
    subject = row.subject_name()
    if subject is None:
        return OFFICE
    return TEACHERS[sum(map(ord, subject)) % len(TEACHERS)]


def dotted(value: time | None) -> str:
    """A time as Flyt writes it: 08.30."""
    return value.strftime("%H.%M") if value else ""


def write_csv(path: Path, lines: Iterable[Sequence[object]], delimiter: str, encoding: str,
              terminator: str = "\r\n") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator)
    writer.writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))


# IST Everyday report (vocabulary ist): the codes' long texts.
def ist_long_code(row: Row) -> str:
    code = row.code
    if code in ("Udokumentert",):
        return "Udokumentert fravær"
    if code in ("Ikke dokumentert", "Ubehandlet"):
        return "Ikke legitimert"
    if code in ("Sykdom", "Syk"):
        return "Legitimert fravær"
    if code == "Dokumentert":
        return "Dokumentert v/legeerklæring" if row.comment == "Lege" else "Legitimert fravær"
    if code in ("Permisjon", "Fri"):
        return "Innvilget permisjon"
    if code in NOT_ABSENCE_CODES:
        return "Annen avtalt opplæring"
    if code in LATE_CODES:
        return "For sent"
    if code in LEFT_CODES:
        return "Forlot skolen"
    raise AssertionError(code)


IST_REPORT_HEADER = (
    "Elevnr", "Elev", "Klasse", "Kontaktlærer", "Dato", "Time", "Fag", "Fraværstype",
    "Registrert av", "Merknad",
)


def write_ist_report(rows: Sequence[Row], path: Path) -> None:
    """An IST Everyday report saved as XLSX: a title block, «Time» (the lesson number) before
    «Fag», «Registrert av», and a sum row and a summary block under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = sorted(lesson_rows(rows), key=sort_key)
    wb = Workbook()
    ws = wb.active
    ws.title = "Fraværsrapport"
    ws.append(["Fraværsrapport – alle elever"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"Skole: {SCHOOL_NAME}"])
    ws.append([f"Periode: {fmt_date(TERM_START)}–{fmt_date(AS_OF)}"])
    ws.append([])
    ws.append(list(IST_REPORT_HEADER))
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in table:
        p = row.pupil
        lesson = None if row.lesson is None else row.lesson + 1
        ws.append([int(p.number), p.name, p.group.name, p.group.contact, row.day, lesson,
                   row.subject_name(), ist_long_code(row), registered_by(row),
                   row.comment or None])
    for cell in ws["E"][5:]:
        cell.number_format = "DD.MM.YYYY"
    ws.append(["Sum", None, None, None, None, None, None, len(table)])
    ws.append([])
    ws.append(["Sammendrag"])
    ws.append(["Antall elever", len({r.pupil.number for r in table})])
    ws.append(["Antall fraværsrader", len(table)])
    for letter, chars in zip("ABCDEFGHIJ", (8, 22, 7, 16, 11, 6, 18, 26, 14, 36), strict=True):
        ws.column_dimensions[letter].width = chars
    wb.properties.creator = "IST Everyday"
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    wb.save(path)
    normalize_zip(path)


def sort_key(row: Row) -> tuple:
    return (row.day, row.pupil.group.name, row.pupil.name,
            row.times()[0] or time(0), row.lesson or 0)


# IST Everyday with Oslo's letters (vocabulary ist-oslo), as a lesson grid.
def oslo_letter(row: Row) -> str | None:
    code = row.code
    if code in ("Udokumentert", *LEFT_CODES):
        return "U"
    if code in ("Ikke dokumentert", "Ubehandlet"):
        return "I"
    if code in ("Sykdom", "Syk"):
        return "L"
    if code == "Dokumentert":
        return "E" if row.comment == "Lege" else "L"
    if code in ("Permisjon", "Fri"):
        return "P"
    if code in NOT_ABSENCE_CODES:
        return "A"
    if code in LATE_CODES:
        return None  # the grid has no cell for a late arrival
    raise AssertionError(code)


OSLO_GRID_HEADER = (
    "Elevnr", "Elev", "Klasse", "Kontaktlærer", "Dato",
    *(f"{n}. time" for n in range(1, len(LESSONS) + 1)), "Hele dagen",
)


def write_oslo_grid(rows: Sequence[Row], path: Path) -> None:
    """One row per pupil and day with a registration; a letter per lesson or for the day."""
    days: dict[tuple[date, str, str], tuple[Pupil, list[str]]] = {}
    for row in lesson_rows(rows):
        letter = oslo_letter(row)
        if letter is None:
            continue
        p = row.pupil
        _, cells = days.setdefault((row.day, p.group.name, p.name), (p, [""] * (len(LESSONS) + 1)))
        slot = len(LESSONS) if row.lesson is None else row.lesson
        assert not cells[slot], (row, cells)
        cells[slot] = letter
    lines: list[Sequence[object]] = [OSLO_GRID_HEADER]
    for (day, _, _), (p, cells) in sorted(days.items(), key=lambda item: item[0]):
        assert not (cells[-1] and any(cells[:-1])), (p, day)
        lines.append([p.number, p.name, p.group.name, p.group.contact, fmt_date(day), *cells])
    write_csv(path, lines, ";", "utf-8-sig")


# Visma InSchool (vocabulary vis): letter and symbol codes with a description, minutes.
def vis_code(row: Row) -> tuple[str, str]:
    code = row.code
    if code in ("Udokumentert", "Ikke dokumentert", "Ubehandlet") or (
        code in LEFT_CODES and not row.comment
    ):
        return "X", "Udokumentert fravær"
    if code in ("Sykdom", "Syk", *LEFT_CODES):
        # The parents told the school, but nothing documents it.
        return "M", "Udokumentert fravær, melding gitt"
    if code == "Dokumentert":
        if is_health(row):
            return "§", "Dokumentert, ikke på vitnemål"
        return "D", "Dokumentert fravær"
    if code == "Elevrådsarbeid":
        return "R", "Rettighetsfravær"
    if code in NOT_ABSENCE_CODES:
        return "!", "Annen skoleaktivitet"
    if code in ("Permisjon", "Fri"):
        return "Permisjon", "Innvilget permisjon"
    if code in LATE_CODES:
        return "For sent", "Kom for sent"
    raise AssertionError(code)


VIS_HEADER = (
    "Elevnr", "Elev", "Klasse", "Kontaktlærer", "Dato", "Fra kl.", "Til kl.", "Fag",
    "Fravær (min)", "Kode", "Beskrivelse",
)


def write_vis(rows: Sequence[Row], path: Path) -> None:
    """Visma InSchool, cp1252: a whole day as 08:30–14:00 with the day's lesson minutes."""
    lines: list[Sequence[object]] = [VIS_HEADER]
    for row in sorted(day_rows(rows), key=sort_key):
        p = row.pupil
        start, end = row.times()
        if start is None:
            start, end = LESSONS[0][0], LESSONS[-1][1]
        code, text = vis_code(row)
        lines.append([p.number, p.name, p.group.name, p.group.contact, fmt_date(row.day),
                      fmt_time(start), fmt_time(end), row.subject_name() or "",
                      absent_minutes(row), code, text])
    write_csv(path, lines, ";", "cp1252")


# Transponder Fraværsbehandling (vocabulary transponder): whole words, «Hele dagen».
def transponder_code(row: Row) -> str | None:
    code = row.code
    if code in ("Udokumentert", "Ikke dokumentert", *LEFT_CODES):
        return "Udokumentert"
    if code in ("Ubehandlet", "Sykdom", "Permisjon", "Dokumentert"):
        if code == "Dokumentert" and is_health(row):
            return "Dokumentert (ikke på vitnemål)"
        return code
    if code == "Syk":
        return "Sykdom"
    if code == "Fri":
        return "Permisjon"
    if code in LATE_CODES:
        return "For sent"
    if code in NOT_ABSENCE_CODES:
        return None  # Transponder registers absence only
    raise AssertionError(code)


TRANSPONDER_HEADER = (
    "Elevnr", "Elevnavn", "Klasse", "Kontaktlærer", "Dato", "Fra kl.", "Til kl.",
    "Hele dagen", "Fag", "Fraværsårsak", "Merknad",
)


def write_transponder(rows: Sequence[Row], path: Path) -> None:
    lines: list[Sequence[object]] = [TRANSPONDER_HEADER]
    for row in sorted(day_rows(rows), key=sort_key):
        code = transponder_code(row)
        if code is None:
            continue
        p = row.pupil
        start, end = row.times()
        lines.append([p.number, p.name, p.group.name, p.group.contact, fmt_date(row.day),
                      fmt_time(start), fmt_time(end), "Ja" if row.whole_day else "Nei",
                      row.subject_name() or "", code, row.comment])
    write_csv(path, lines, ";", "cp1252")


# Vigilo (vocabulary vigilo): no code column, «Dokumentert» Ja/Nei and a length in minutes.
def vigilo_documented(row: Row) -> str | None:
    code = row.code
    if code in ("Udokumentert", "Ikke dokumentert", "Ubehandlet", *LEFT_CODES):
        return "Nei"
    if code in ("Sykdom", "Syk", "Dokumentert"):
        return "Ja"
    return None  # leave, late arrivals and school activities are kept apart from absence


VIGILO_HEADER = ("Elev", "Klasse", "Dato", "Fag", "Lengde (min)", "Dokumentert", "Kommentar")


def write_vigilo(rows: Sequence[Row], path: Path) -> None:
    """One row per session: a double lesson (the same subject twice in a row) is one row
    with both lessons' minutes, as Vigilo registers it."""
    sessions: list[tuple[Row, str, int]] = []
    for row in sorted(day_rows(rows), key=sort_key):
        documented = vigilo_documented(row)
        if documented is None:
            continue
        if sessions:
            last, was, minutes = sessions[-1]
            if (row.lesson is not None and last.lesson == row.lesson - 1
                    and (last.pupil, last.day, last.code, last.comment, last.subject_name())
                    == (row.pupil, row.day, row.code, row.comment, row.subject_name())):
                sessions[-1] = (row, was, minutes + absent_minutes(row))
                continue
        sessions.append((row, documented, absent_minutes(row)))
    lines: list[Sequence[object]] = [VIGILO_HEADER]
    for row, documented, minutes in sessions:
        p = row.pupil
        lines.append([p.name, p.group.name, fmt_date(row.day), row.subject_name() or "",
                      minutes, documented, row.comment])
    write_csv(path, lines, ",", "utf-8", "\n")


# Visma Flyt Skole (vocabulary flyt): nynorsk headers and codes, times written 08.30.
def flyt_code(row: Row) -> str | None:
    code = row.code
    if code in ("Udokumentert", "Ikke dokumentert", "Ubehandlet"):
        return "Ikkje dokumentert"
    if code in ("Sykdom", "Syk"):
        return "Sjuk"
    if code == "Dokumentert":
        return {"Lege": "Lege", "Tannlege": "Tannlege",
                "Time hos helsesykepleier": "Sjukehus/spesialist"}.get(row.comment, "Anna fråvær")
    if code == "Fri":
        return "Gravferd" if row.comment == "Begravelse" else "Permisjon"
    if code == "Permisjon":
        return "Permisjon"
    if code in LATE_CODES:
        return "Kom for seint"
    if code in LEFT_CODES:
        return "Gjekk heim"
    if code in NOT_ABSENCE_CODES:
        return None  # school activities are not registered as absence in Flyt
    raise AssertionError(code)


FLYT_HEADER = (
    "Elev-nr", "Namn", "Klasse", "Kontaktlærar", "Fråværsdato", "Frå kl.", "Til kl.", "Fag",
    "Årsak", "Heile dagen", "Fråvær (min)",
)


def write_flyt(rows: Sequence[Row], path: Path) -> None:
    lines: list[Sequence[object]] = [FLYT_HEADER]
    for row in sorted(day_rows(rows), key=sort_key):
        code = flyt_code(row)
        if code is None:
            continue
        p = row.pupil
        start, end = row.times()
        whole = row.whole_day
        lines.append([p.number, p.name, p.group.name, p.group.contact, fmt_date(row.day),
                      dotted(start), dotted(end), row.subject_name() or "", code,
                      "Ja" if whole else "Nei", "" if whole else absent_minutes(row)])
    write_csv(path, lines, ";", "utf-8")


def main(out: Path = HERE) -> None:
    rows = school_rows()
    write_ist_csv(rows, out / "ist_fravaer.csv")
    write_ist_xlsx(rows, out / "ist_fravaer.xlsx")
    write_other_vendor(out / "annen_leverandor.csv")
    write_barnehage(out / "barnehage_tilstede.csv")
    vendor = vendor_rows(rows)
    write_ist_report(vendor, out / "ist_rapport.xlsx")
    write_oslo_grid(vendor, out / "ist_oslo_timer.csv")
    write_vis(vendor, out / "vis_fravaer.csv")
    write_transponder(vendor, out / "transponder_fravaer.csv")
    write_vigilo(vendor, out / "vigilo_fravaer.csv")
    write_flyt(vendor, out / "flyt_fravaer.csv")


if __name__ == "__main__":
    main()
