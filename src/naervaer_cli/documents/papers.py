"""What a meeting paper knows beyond the pupil: letter date, reply-by date, time and place,
the contact person, where the papers are filed, and the running header of every page.

Pure: the CLI hands in today's date, the config's contact and the policy's archive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.words import date_text

if TYPE_CHECKING:
    from naervaer_cli.config import Config

# A reply is asked for this many school days before the meeting.
REPLY_SCHOOL_DAYS = 2


@dataclass(frozen=True)
class MeetingPaper:
    """The letter's and the referat's own facts; "" means a line to fill in by hand."""

    letter_date: date
    reply_by: date | None  # None when the meeting is too near for a reply date
    time: str = ""
    place: str = ""
    contact_name: str = ""  # "" = the pupil's kontaktlærer / ped.leder
    contact_phone: str = ""
    contact_email: str = ""
    archive: str = ""  # the policy's archive («IST dokumentflyt»)


def reply_by(letter: date, meeting: date, calendar: SchoolCalendar | None = None) -> date | None:
    """`REPLY_SCHOOL_DAYS` school days before the meeting, if that is after the letter date."""
    calendar = calendar or SchoolCalendar()
    day, left = meeting, REPLY_SCHOOL_DAYS
    while left:
        day -= timedelta(days=1)
        if day <= letter:
            return None
        if calendar.is_school_day(day):
            left -= 1
    return day


def meeting_paper(
    *,
    letter: date,
    meeting: date,
    time: str = "",
    place: str = "",
    contact: Mapping[str, Any] | None = None,
    archive: str = "",
    calendar: SchoolCalendar | None = None,
) -> MeetingPaper:
    """The meeting's paper facts; `contact` holds `name`, `phone` and `email` from the config."""
    contact = contact or {}
    return MeetingPaper(
        letter_date=letter,
        reply_by=reply_by(letter, meeting, calendar),
        time=time.strip(),
        place=place.strip(),
        contact_name=str(contact.get("name") or "").strip(),
        contact_phone=str(contact.get("phone") or "").strip(),
        contact_email=str(contact.get("email") or "").strip(),
        archive=archive.strip(),
    )


def running_header(who: str, meeting: date) -> str:
    """The line at the top of every page: whose paper and which meeting."""
    return f"{who} · møte {date_text(meeting)}" if who else f"Møte {date_text(meeting)}"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character outside plain letters, digits and
    spaces is a hex escape, so no value from an export can end the string or the style."""
    out = []
    for char in text:
        if char.isalnum() and char.isascii() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def page_name(text: str) -> str:
    """A CSS page name for a running header: the same header, the same named page."""
    return "p" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def paper_from_config(
    config: Config,
    *,
    letter: date,
    meeting: date,
    time: str,
    place: str,
    archive: str,
    calendar: SchoolCalendar | None,
) -> MeetingPaper:
    """The meeting paper with the contact person from `[documents]` in the config."""
    contact = {
        key: config.get(f"documents.contact_{key}", "") for key in ("name", "phone", "email")
    }
    return meeting_paper(
        letter=letter,
        meeting=meeting,
        time=time,
        place=place,
        contact=contact,
        archive=archive,
        calendar=calendar,
    )
