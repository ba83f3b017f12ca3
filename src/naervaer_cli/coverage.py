"""Whether the data reach back to the start of a period.

Exports list absence, not the days they cover: the earliest record is all the tool knows of
where the data start. A class can have a day or two without any absence, not a school week:
data whose earliest record is later than the period's first SLACK_DAYS school days start
after the period does, and the period is only partly covered. Its counts are then too low,
and a share or a comparison over it is wrong. The callers say so (scan), or refuse to
publish such figures (overview); they never fill the gap with zeros.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

# One school week: the gap at a period's start that absence-free days can explain.
SLACK_DAYS = 5

if TYPE_CHECKING:
    from naervaer_cli.calendar import SchoolCalendar


def uncovered_start(
    data_first: date | None, calendar: SchoolCalendar, first: date, last: date
) -> date | None:
    """The first school day of [first, last] when the data start after it (after its first
    SLACK_DAYS school days), else None.

    `data_first` is the earliest record's date; None (no records) covers nothing. A period
    without school days needs no data.
    """
    days = calendar.school_days(first, last) if first <= last else []
    if not days:
        return None
    if data_first is None or data_first > days[min(SLACK_DAYS, len(days)) - 1]:
        return days[0]
    return None
