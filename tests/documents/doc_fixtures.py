"""A fixture pupil: a scan result, canonical records, the policy with its plan and case events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

import polars as pl

from naervaer_cli.caselog.events import Event, EventType
from naervaer_cli.policy import PlanLevel, Policy, load_policy
from naervaer_cli.result import CaseSummary, Flag, PupilResult, Suggestion
from naervaer_cli.schema import record_schema

AS_OF = date(2026, 11, 20)
MEETING = date(2026, 11, 26)
EVIL_NAME = '<script>alert(1)</script>, =HYPERLINK("x")'

# The guide's innsatsplan for skole, as the policy holds it (§5).
PLAN: dict[str, Any] = {
    "skole": [
        {
            "level": 0,
            "what": [
                "Uro for bekymringsfullt fravær.",
                "Når skal kontakten etableres? Se rutinen",
                "Sikre deg muntlig dialog med elev og hjemmet, gjerne telefon",
                "Konkretiser uro",
                "Dersom uro bekreftes- gå til nivå 1.",
            ],
            "responsible": ["Kontaktlærer"],
            "tools": ["Dokumenter ligger i IST dokumentflyt"],
        },
        {
            "level": 1,
            "what": [
                "Kontakt mellom elev, foresatte og kontaktlærer evt skoleledelse",
                "Situasjonen kartlegges nærmere.",
                "Møte mellom elev, foreldre og skole- tiltak besluttes.",
                "Tiltak evalueres etter 3 uker. Har tiltak hatt effekt? Har nærværet økt? "
                "Videreføring av tiltakene? Endre tiltakene? Avtal tid for nytt møte.",
                "Ved fortsatt bekymring gå til nivå 2.",
            ],
            "responsible": [
                "Kontaktlærer",
                "Skoleledelse",
                "Evt annen voksen barnet har god relasjon til",
            ],
            "tools": [
                "Elevsamtale",
                "Bli kjent samtale",
                "Samtale foreldre",
                "Samarbeidsavtale",
                "Skaleringsmodell",
                "Melde sak til ressursteam på skolen",
            ],
        },
        {
            "level": 2,
            "what": [
                "Behov for tverrfaglig innsats og et utvidet lag rundt elev og / eller foreldre.",
                "Melde saken til tverrfaglig ressursteam skole",
            ],
            "responsible": ["Kontaktlærer", "Skoleledelse"],
            "tools": ["Drøfting i tverrfaglig ressursteam"],
            "others": ["PPT", "Forebyggende helse", "Barne og ungdomsteamet"],
        },
    ]
}


def policy(plan: dict[str, Any] = PLAN) -> Policy:
    """The shipped policy with the fixture's innsatsplan for skole (as a municipality's own)."""
    shipped = load_policy("aas")
    levels = tuple(
        PlanLevel(
            level=item["level"],
            next_step="",
            what=tuple(item["what"]),
            responsible=tuple(item["responsible"]),
            others=tuple(item.get("others", ())),
            tools=tuple(item["tools"]),
        )
        for item in plan["skole"]
    )
    skole = replace(shipped.plans["skole"], levels=levels)
    return replace(shipped, plans={**shipped.plans, "skole": skole})


POLICY = policy()


def records(pupil_id: str = "10234", name: str = "Nordmann, Ola") -> pl.DataFrame:
    """Absence for one pupil over the autumn term plus one other pupil's row."""
    rows: list[dict[str, Any]] = []

    def add(
        day: date,
        *,
        whole: bool = False,
        start: time | None = None,
        minutes: int | None = None,
        subject: str | None = None,
        kind: str = "udokumentert",
        who: str = pupil_id,
        who_name: str = name,
    ) -> None:
        end = None
        if start is not None and minutes is not None:
            end = (datetime_at(day, start) + timedelta(minutes=minutes)).time()
        rows.append(
            {
                "pupil_id": who,
                "name": who_name,
                "group": "7A",
                "contact": "Kari Lærer",
                "date": day,
                "start": start,
                "end": end,
                "minutes": minutes,
                "whole_day": whole,
                "subject": subject,
                "code": kind.capitalize(),
                "kind": kind,
                "notified": None,
                "comment": None,
                "source": "eksport.xlsx",
                "source_row": len(rows) + 2,
            }
        )

    for day in (
        date(2026, 9, 7),
        date(2026, 10, 26),
        date(2026, 10, 27),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 17),
    ):
        add(day, whole=True, kind="sykdom" if day.month == 9 else "udokumentert")
    add(date(2026, 11, 4), start=time(9, 15), minutes=45, subject="Kroppsøving")
    add(date(2026, 11, 11), start=time(9, 15), minutes=45, subject="Kroppsøving")
    add(
        date(2026, 11, 12),
        start=time(12, 0),
        minutes=120,
        subject="Matematikk",
        kind="forlot_skolen",
    )
    add(date(2026, 11, 13), start=time(8, 30), minutes=10, subject="Norsk", kind="for_sent")
    add(date(2026, 11, 18), whole=True, who="99999", who_name="Annen, Elev")
    return pl.DataFrame(rows, schema=record_schema())


def datetime_at(day: date, at: time):
    from datetime import datetime

    return datetime.combine(day, at)


def pupil_result(
    pupil_id: str = "10234", name: str = "Nordmann, Ola", level: int = 1, case: bool = True
) -> PupilResult:
    flags = (
        Flag(
            "absence_days",
            "watch",
            5,
            5,
            (
                date(2026, 10, 26),
                date(2026, 10, 27),
                date(2026, 11, 2),
                date(2026, 11, 9),
                date(2026, 11, 16),
                date(2026, 11, 17),
            )[:5],
        ),
        Flag(
            "subject_absence",
            "concern",
            2,
            2,
            (date(2026, 11, 4), date(2026, 11, 11)),
            subject="Kroppsøving",
            lessons=("04.11 09:15–10:00 Kroppsøving", "11.11 09:15–10:00 Kroppsøving"),
        ),
        Flag(
            "weekday_pattern",
            "watch",
            3,
            3,
            (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)),
            signal=True,
        ),
    )
    summary = (
        CaseSummary(
            pupil_id,
            level=level - 1 if level else 0,
            opened=date(2026, 11, 3),
            state=f"Åpen, NIVÅ {max(level - 1, 0)}",
        )
        if case
        else None
    )
    return PupilResult(
        pupil_id=pupil_id,
        name=name,
        group="7A",
        contact="Kari Lærer",
        status="concern",
        flags=flags,
        suggestion=Suggestion(
            level=level,
            responsible=("Kontaktlærer", "Skoleledelse"),
            next_step="Møte mellom elev, foreldre og skole- tiltak besluttes.",
            tools=("Samarbeidsavtale",),
        ),
        case=summary,
    )


def event(
    day: date, kind: EventType, text: str, data: dict[str, Any] | None = None, case_id: int = 1
) -> Event:
    """A case-log event as `CaseStore.timeline` hands it out."""
    return Event(0, case_id, "10234", day, kind, text, "Kari Lærer", data or {})


def events(case_id: int = 1) -> list[Event]:
    return [
        event(
            date(2026, 11, 3),
            EventType.CONCERN_REGISTERED,
            "Uro registrert etter ukesskanning",
            {"level": 0, "setting": "skole"},
            case_id,
        ),
        event(date(2026, 11, 5), EventType.NOTE, "Telefon med mor", case_id=case_id),
        event(
            date(2026, 11, 6),
            EventType.MEASURE_DECIDED,
            "Fast samtale med kontaktlærer hver mandag",
            {"responsible": "Kontaktlærer", "evaluation_date": date(2026, 11, 27)},
            case_id,
        ),
    ]
