"""Bokmål labels for rules, statuses and columns: the one place outputs take their words from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from naervaer_cli.result import Flag, PupilResult, ScanResult, Setting, Severity
from naervaer_cli.words import capital, date_short, date_text, person, words

if TYPE_CHECKING:
    import polars as pl

# Signals whose count and threshold are percentages (absence rate), not days or lessons.
PERCENT_RULES: frozenset[str] = frozenset({"term_share", "rising_trend"})

STATUS_LABELS: dict[str, str] = {"concern": "Bekymring", "watch": "Følg med"}

# Worse first: the order statuses are counted and compared in.
STATUS_ORDER: tuple[Severity, ...] = ("concern", "watch")


def _lower_first(text: str) -> str:
    # "Kroppsøving" → "kroppsøving", but leave acronyms such as "KRØ" alone.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def rule_label(rule: str, labels: Mapping[str, str], subject: str | None = None) -> str:
    """The long label of a rule, e.g. "Fraværsdager" or "Fravær i kroppsøving".

    `labels` are the policy's (`Policy.labels`, carried by `ScanResult.labels`); an id the
    policy does not name shows as itself, so a new rule is visible before it has a label.
    """
    if rule == "subject_absence" and subject:
        return f"Fravær i {_lower_first(subject)}"
    return labels.get(rule, rule)


# What a rule's count counts, in words, for mails and the HTML page; the rule's name stays
# the policy's label, so «8» needs no guessing.
# {window}: " siste 4 uker" (or " siste 30 dager") for the rules counted in the window.
_LONG: dict[str, str] = {
    "absence_days": "{n} dager med fravær{window}",
    "left_during_day": "{n} ganger{window}",
    "single_lessons": "{n} timer{window}",
    "subject_absence": "{n} dager{window}",
    "consecutive_days": "{n} dager på rad",
    "late_arrivals": "{n} ganger{window}",
    "weekday_pattern": "samme ukedag i {n} uker",
    "rising_trend": "{n} fravær de siste dagene",
    "term_share": "{n} fravær så langt i terminen",
    "unnotified_absence": "{n} dager{window}",
    "high_absence": "{n} dager med fravær{window}",
    "pickup_dropoff": "{n} ganger{window}",
}


def limit(flag: Flag, limits: Mapping[str, int]) -> int:
    """The guide's limit for `flag`: its rule's concern threshold; a signal's own threshold."""
    if flag.signal:
        return flag.threshold
    return limits.get(flag.rule, flag.threshold)


def date_span(days: tuple[date, ...]) -> str:
    """ "26.10–19.11" (first–last date counted), "26.10" for one date, "" for none."""
    if not days:
        return ""
    if days[0] == days[-1]:
        return date_short(days[0])
    return f"{date_short(days[0])}–{date_short(days[-1])}"


def flag_parts(
    flag: Flag, labels: Mapping[str, str], limits: Mapping[str, int] | None = None
) -> tuple[str, ...]:
    """A flag as the table shows it, in pieces a line may break between (never inside):
    ("Fraværsdager 8", "(grense 7)", "26.10–19.11")."""
    # The policy's label, its words free to break between; the count stays with the last.
    *words, last = rule_label(flag.rule, labels, flag.subject).split() or [flag.rule]
    if flag.rule == "subject_absence" and flag.subject:
        *words, last = flag.subject.split()  # the subject alone keeps the column narrow
    what = [*words, f"{last} {amount(flag, flag.count)}"]
    parts = [*what, f"(grense {amount(flag, limit(flag, limits or {}))})"]
    if flag.dates:
        parts.append(date_span(flag.dates))
    return tuple(parts)


def flag_short(
    flag: Flag, labels: Mapping[str, str], limits: Mapping[str, int] | None = None
) -> str:
    """A flag on one line: "Fraværsdager 8 (grense 7) 26.10–19.11"."""
    return " ".join(flag_parts(flag, labels, limits))


def flag_words(
    flag: Flag, labels: Mapping[str, str], limits: Mapping[str, int], window_days: int
) -> str:
    """A flag in words with the guide's limit, for mails and the HTML page:
    "Fraværsdager: 8 dager med fravær siste 4 uker – veilederens grense er 7"."""
    count = amount(flag, flag.count)
    weeks, rest = divmod(window_days, 7)
    window = f" siste {weeks} uker" if not rest and weeks > 1 else f" siste {window_days} dager"
    label = rule_label(flag.rule, labels, flag.subject)
    form = _LONG.get(flag.rule)
    if form is None:
        text = f"{label}: {count}"
    else:
        text = f"{label}: {form.format(n=count, window=window)}"
    reach = amount(flag, limit(flag, limits))
    if flag.signal:
        return f"{text} – tilleggssignal utenfor veilederen, slår ut fra {reach}"
    if flag.severity == "watch":
        return f"{text} – nærmer seg grensen ({reach})"
    return f"{text} – veilederens grense er {reach}"


def amount(flag: Flag, value: int) -> str:
    """A count or threshold of `flag` as shown: "8", or "11 %" for the rate signals."""
    return f"{value} %" if flag.rule in PERCENT_RULES else str(value)


def flags_text(
    pupil: PupilResult,
    labels: Mapping[str, str],
    sep: str = ", ",
    limits: Mapping[str, int] | None = None,
) -> str:
    return sep.join(flag_short(flag, labels, limits) for flag in pupil.flags)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


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
            extra.append(f"evaluering {date_text(case.evaluation_due)}")
        if case.next_meeting:
            extra.append(f"møte {date_text(case.next_meeting)}")
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
        return f"{date_short(first)}.–{date_text(last)}"
    return f"{date_text(first)}–{date_text(last)}"


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
        head = f"{flagged} {person(result.setting, flagged)}"
    else:
        head = f"Ingen {person(result.setting, 2)}"
    head += " å følge opp"
    if counts:
        head += f" ({', '.join(counts)})"
    scope = f"av {result.pupils_scanned}"
    if group:
        scope += f" i {group}"
    return f"{head} {scope}, vindu {window_text(result)}"


def columns(setting: Setting) -> dict[str, str]:
    """Column headers that differ between skole and barnehage."""
    found = words(setting)
    return {
        "pupil": capital(found.pupil),
        "pupil_id": found.pupil_column,
        "group": capital(found.group),
        "contact": capital(found.contact),
    }


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a spreadsheet cell that a spreadsheet would run as a formula with an apostrophe.

    Covers = + - @ (and tab/CR, which some spreadsheets strip before looking), so a name like
    "=HYPERLINK(...)" from an export is shown as text, never evaluated.
    """
    if value and value.startswith(DANGEROUS):
        return "'" + value
    return value


def neutralised(text: pl.Expr) -> pl.Expr:
    """`neutralise` of each string of `text`, in Polars (a spreadsheet's columns)."""
    import polars as pl

    dangerous = pl.any_horizontal(text.str.starts_with(start) for start in DANGEROUS)
    return pl.when(dangerous).then(pl.concat_str(pl.lit("'"), text)).otherwise(text)
