"""Bokmål labels for rules, statuses and columns: the one place outputs take their words from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from naervaer_cli.result import Flag, PupilResult, ScanResult, Setting, Severity

# Rule ids as the rules package names them, with the default labels of the shipped policy
# (policies/aas.toml); an unknown id falls back to the id itself so a new rule is visible
# before anyone gives it a label.
RULE_LABELS: dict[str, str] = {
    # the guide's school rules (§3)
    "absence_days": "Fraværsdager",
    "left_during_day": "Forlot skolen i løpet av dagen",
    "single_lessons": "Enkelttimer",
    "subject_absence": "Fravær i fag",
    # extra watch signals (§3)
    "consecutive_days": "Sammenhengende fraværsdager",
    "late_arrivals": "For sent",
    "weekday_pattern": "Samme ukedag",
    "rising_trend": "Økende fravær",
    "term_share": "Fraværsandel i terminen",
    # barnehage rules (§4)
    "unnotified_absence": "Fravær uten beskjed",
    "high_absence": "Høyt fravær",
    "pickup_dropoff": "Levering og henting",
}

# Signals whose count and threshold are percentages (absence rate), not days or lessons.
PERCENT_RULES: frozenset[str] = frozenset({"term_share", "rising_trend"})

STATUS_LABELS: dict[str, str] = {"concern": "Bekymring", "watch": "Følg med"}

# Worse first: the order statuses are counted and compared in.
STATUS_ORDER: tuple[Severity, ...] = ("concern", "watch")

WEEKDAYS: tuple[str, ...] = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
WEEKDAYS_SHORT: tuple[str, ...] = ("Man", "Tir", "Ons", "Tor", "Fre", "Lør", "Søn")


def _lower_first(text: str) -> str:
    # "Kroppsøving" → "kroppsøving", but leave acronyms such as "KRØ" alone.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def rule_label(rule: str, subject: str | None = None) -> str:
    """The long label of a rule, e.g. "Fraværsdager" or "Fravær i kroppsøving"."""
    if rule == "subject_absence" and subject:
        return f"Fravær i {_lower_first(subject)}"
    return RULE_LABELS.get(rule, rule)


def flag_short(flag: Flag) -> str:
    """A flag as the table shows it: label and count/threshold, e.g. "Fraværsdager 8/7".

    A subject flag is named by its subject alone ("Kroppsøving 2/2") to keep the column narrow.
    """
    subject = flag.rule == "subject_absence" and flag.subject
    name = flag.subject if subject else rule_label(flag.rule)
    return f"{name} {amount(flag, flag.count)}/{amount(flag, flag.threshold)}"


def amount(flag: Flag, value: int) -> str:
    """A count or threshold of `flag` as shown: "8", or "11 %" for the rate signals."""
    return f"{value} %" if flag.rule in PERCENT_RULES else str(value)


def flags_text(pupil: PupilResult, sep: str = ", ") -> str:
    return sep.join(flag_short(flag) for flag in pupil.flags)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def fmt_date(day: date | None) -> str:
    """dd.mm.yyyy, or "" for no date."""
    return day.strftime("%d.%m.%Y") if day else ""


def fmt_dates(days: Iterable[date]) -> str:
    return ", ".join(fmt_date(day) for day in days)


def evidence_dates(pupil: PupilResult) -> tuple[date, ...]:
    """Every date any of the pupil's flags counted, sorted, each once."""
    return tuple(sorted({day for flag in pupil.flags for day in flag.dates}))


def responsible_text(pupil: PupilResult, sep: str = ", ") -> str:
    return sep.join(pupil.suggestion.responsible)


def case_text(pupil: PupilResult) -> str:
    """The pupil's open case and what is due, e.g. "Åpen, NIVÅ 1; evaluering 12.11.2026".

    The case log's state text may already name what is due; nothing is said twice.
    """
    case = pupil.case
    parts: list[str] = []
    if case is not None:
        parts.append(case.state or f"Åpen, NIVÅ {case.level}")
    extra = [pupil.suggestion.due]
    if case is not None:
        if case.evaluation_due:
            extra.append(f"evaluering {fmt_date(case.evaluation_due)}")
        if case.next_meeting:
            extra.append(f"møte {fmt_date(case.next_meeting)}")
    for item in extra:
        said = "; ".join(parts)
        # "Evaluering 14.12.2026." is said already by a state that ends "Evaluering 14.12.2026".
        core = item.rstrip(".")
        if core and core not in said and core.rsplit(" ", 1)[-1] not in said:
            parts.append(item)
    return "; ".join(parts)


def has_cases(result: ScanResult) -> bool:
    return any(p.case is not None or p.suggestion.due for p in result.pupils)


def window_text(result: ScanResult) -> str:
    """The window as "24.10.–20.11.2026" (years shown on both ends when they differ)."""
    return window_text_for(result.as_of, result.window_days)


def window_text_for(last: date, window_days: int) -> str:
    first = last - timedelta(days=window_days - 1)
    if first.year == last.year:
        return f"{first:%d.%m.}–{last:%d.%m.%Y}"
    return f"{first:%d.%m.%Y}–{last:%d.%m.%Y}"


def who(setting: Setting, count: int) -> str:
    """ "elev"/"elever" or "barn" with the right number."""
    if setting == "barnehage":
        return "barn"
    return "elev" if count == 1 else "elever"


def summary_line(result: ScanResult, group: str | None = None) -> str:
    """One bokmål line: who to follow up, split by status, of how many, where and when.

    E.g. "3 elever å følge opp (2 bekymring, 1 følg med) av 64 i 7A, vindu 24.10.–20.11.2026".
    """
    flagged = len(result.pupils)
    counts = [
        f"{sum(p.status == s for p in result.pupils)} {status_label(s).lower()}"
        for s in STATUS_ORDER
        if any(p.status == s for p in result.pupils)
    ]
    if flagged:
        head = f"{flagged} {who(result.setting, flagged)}"
    else:
        head = f"Ingen {who(result.setting, 2)}"
    head += " å følge opp"
    if counts:
        head += f" ({', '.join(counts)})"
    scope = f"av {result.pupils_scanned}"
    if group:
        scope += f" i {group}"
    return f"{head} {scope}, vindu {window_text(result)}"


def columns(setting: Setting) -> dict[str, str]:
    """Column headers that differ between skole and barnehage."""
    if setting == "barnehage":
        return {"pupil": "Barn", "pupil_id": "Barnenr", "group": "Avdeling", "contact": "Ped.leder"}
    return {"pupil": "Elev", "pupil_id": "Elevnr", "group": "Gruppe", "contact": "Kontaktlærer"}


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a spreadsheet cell that a spreadsheet would run as a formula with an apostrophe.

    Covers = + - @ (and tab/CR, which some spreadsheets strip before looking), so a name like
    "=HYPERLINK(...)" from an export is shown as text, never evaluated.
    """
    if value and value.startswith(_DANGEROUS):
        return "'" + value
    return value
