"""`case evaluate`: answer «Har nærværet økt?» from the history and record it in the case log.

The comparison itself is pure and lives in :mod:`naervaer_cli.rules.presence`; the records,
calendar and policy figures are loaded by :func:`naervaer_cli.inputs.load_evaluation_inputs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.events import Event
from naervaer_cli.caselog.store import CaseStore, norwegian
from naervaer_cli.coverage import BREAK_HINT, gaps, record_dates, uncovered_start
from naervaer_cli.errors import UsageError
from naervaer_cli.rules.presence import PresenceComparison, compare_presence, data_end


def evaluate_case(
    store: CaseStore,
    records: pl.DataFrame,
    pupil_id: str,
    *,
    as_of: date,
    by: str,
    calendar: SchoolCalendar,
    counting_kinds: Iterable[str],
    whole_day_minutes: int,
    text: str = "",
) -> tuple[PresenceComparison, Event]:
    """Compare presence since the open case's latest measure and record the evaluation."""
    status = store.status(pupil_id, as_of)
    if status.measure_date is None:
        raise UsageError(
            f"Elev {pupil_id} har ingen tiltak å evaluere; registrer tiltaket først med "
            "«naervaer case measure»."
        )
    last = data_end(records, as_of)
    if last is None:
        raise UsageError(
            "Ingen fraværshistorikk er lagret, så nærværet kan ikke beregnes. Importer "
            "eksportene først med «naervaer import FIL ...»."
        )
    comparison = compare_presence(
        records,
        pupil_id,
        status.measure_date,
        last,
        calendar,
        counting_kinds=counting_kinds,
        whole_day_minutes=whole_day_minutes,
    )
    if comparison.days_after == 0:
        raise UsageError(
            f"Fraværsdataene har ingen dager etter at tiltaket ble besluttet "
            f"({norwegian(status.measure_date)}); siste dato i historikken er "
            f"{norwegian(last)}. Importer nyere eksporter og evaluer igjen."
        )
    _refuse_uncovered(records, comparison, calendar)
    event = store.record_evaluation(
        pupil_id,
        day=as_of,
        by=by,
        improved=comparison.improved,
        text=text,
        figures=comparison.figures(),
    )
    return comparison, event


def _refuse_uncovered(
    records: pl.DataFrame, comparison: PresenceComparison, calendar: SchoolCalendar
) -> None:
    """Days without data are not days present: a history that does not reach the period
    before the measure, or misses a school week in either period, would make the presence
    there look too high."""
    first, last = comparison.before_first, comparison.after_last
    if first is None or last is None:
        return
    dates = record_dates(records)
    data_first = min(dates, default=None)
    if data_first is not None and uncovered_start(data_first, calendar, first, last):
        raise UsageError(
            f"Fraværshistorikken starter {norwegian(data_first)}, men perioden før tiltaket "
            f"begynner {norwegian(first)} ({comparison.days_before} skoledager før "
            f"{norwegian(comparison.measure_date)}). Importer eldre eksporter og evaluer igjen."
        )
    holes = gaps(dates, calendar, first, last)
    if holes:
        which = ", ".join(f"{norwegian(a)}–{norwegian(b)} ({n} skoledager)" for a, b, n in holes)
        raise UsageError(
            f"Fraværshistorikken har ingen registreringer {which}, i periodene før og etter "
            f"tiltaket ({norwegian(first)}–{norwegian(last)}). {BREAK_HINT}; ellers importer "
            "eksportene for de dagene og evaluer igjen."
        )
