"""«Melding til ressursteam»: the referral of one case, from the case log, anonymised unless
the parents have consented.

Pure: built from a :class:`PupilContext` and the case's typed events. Without a «ja» from
`case consent` the pupil's name, number, class and contact person are left out, and free text
from the log is cleaned of the pupil's name and number; the grade and the facts remain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from naervaer_cli.caselog.events import Event, EventType
from naervaer_cli.documents.context import PupilContext, PupilInfo
from naervaer_cli.words import date_text, percent


@dataclass(frozen=True)
class Tried:
    """A measure tried and what came of it, as the case log has it."""

    text: str
    responsible: str
    decided: date
    evaluation: date | None
    effect: str  # «Ja: nærværet økte fra 82,0 % til 90,0 % (evaluert 27.11.2026)»


@dataclass(frozen=True)
class Referral:
    number: int  # the case's number on the ressursteam's agenda (1 in a pupil pack)
    consent: bool | None  # the parents' latest answer; None: not asked yet
    consent_date: date | None
    label: str  # the pupil's name, or «Sak 2» when anonymous
    grade: str  # «7. trinn»; "" when the group names none
    tried: tuple[Tried, ...]

    @property
    def anonymous(self) -> bool:
        return self.consent is not True


def current_events(events: Sequence[Event]) -> list[Event]:
    """The events of the pupil's latest case."""
    current = max((e.case_id for e in events), default=None)
    return [e for e in events if e.case_id == current]


def latest_consent(events: Sequence[Event]) -> Event | None:
    found = [e for e in current_events(events) if e.type is EventType.CONSENT]
    return max(found, key=lambda e: (e.date, e.id)) if found else None


def grade_of(group: str) -> str:
    """«7A» → «7. trinn»; a group without a leading number names no grade."""
    match = re.match(r"\s*(\d{1,2})(?!\d)", group)
    return f"{int(match.group(1))}. trinn" if match else ""


def effect_text(measure: Event, evaluation: Event | None, meeting: date) -> str:
    """What came of a measure: the evaluation's answer with its figures, or what is pending."""
    if evaluation is None:
        due = measure.evaluation_date
        if due is None:
            return "Ikke evaluert"
        if due < meeting:
            return f"Ikke evaluert (evaluering forfalt {date_text(due)})"
        return f"Evalueres {date_text(due)}"
    data = evaluation.data
    answer = "Ja: nærværet har økt" if data.get("improved") else "Nei: nærværet har ikke økt"
    before, after = data.get("presence_before"), data.get("presence_after")
    if isinstance(before, float) and isinstance(after, float):
        answer += f" ({percent(before)} → {percent(after)})"
    return f"{answer}, evaluert {date_text(evaluation.date)}"


def tried(events: Sequence[Event], meeting: date, clean: bool, pupil: PupilInfo) -> list[Tried]:
    """Each measure of the current case with the evaluation that followed it, if any.

    `case evaluate` weighs the case, not one measure: the first evaluation after a measure
    tells its effect, also when another measure was decided in between (two measures agreed
    a day apart are evaluated together).
    """
    mine = sorted(current_events(events), key=lambda e: (e.date, e.id))
    measures = [e for e in mine if e.type is EventType.MEASURE_DECIDED]
    out = []
    for measure in measures:
        evaluations = [
            e
            for e in mine
            if e.type is EventType.EVALUATION and (e.date, e.id) >= (measure.date, measure.id)
        ]
        text = measure.text
        out.append(
            Tried(
                text=scrub(text, pupil) if clean else text,
                responsible=measure.responsible,
                decided=measure.date,
                evaluation=measure.evaluation_date,
                effect=effect_text(measure, evaluations[0] if evaluations else None, meeting),
            )
        )
    return out


def scrub(text: str, pupil: PupilInfo) -> str:
    """`text` without the pupil's name parts and number: free text in the log may name them."""
    # Whole names first (longest first below), so «Ola Nordmann» becomes one word, not two.
    parts = {pupil.pupil_id, pupil.name, pupil.display_name, *re.split(r"[\s,]+", pupil.name)}
    word = pupil.person.lower() if pupil.person else "eleven"
    word = "eleven" if word == "elev" else "barnet" if word == "barn" else word
    for part in sorted((p for p in parts if len(p.strip()) >= 2), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", word, text, flags=re.IGNORECASE)
    return text


def build_referral(ctx: PupilContext, events: Sequence[Event], number: int = 1) -> Referral:
    consent = latest_consent(events)
    given = consent.consent if consent else None
    anonymous = given is not True
    return Referral(
        number=number,
        consent=given,
        consent_date=consent.date if consent else None,
        label=f"Sak {number}" if anonymous else ctx.pupil.display_name,
        grade=grade_of(ctx.pupil.group) if ctx.setting == "skole" else "",
        tried=tuple(tried(events, ctx.meeting, anonymous, ctx.pupil)),
    )


def anonymise(ctx: PupilContext, referral: Referral) -> PupilContext:
    """The context with no name, number, class or contact; free text cleaned of them.

    The grade stays (skole), the facts stay: absence, flags, dates, measures and their effect.
    """
    if not referral.anonymous:
        return ctx
    pupil = ctx.pupil
    hidden = replace(
        pupil, pupil_id="", reference="", name=referral.label, group=referral.grade, contact=""
    )
    return replace(
        ctx,
        pupil=hidden,
        timeline=tuple(replace(e, text=scrub(e.text, pupil), by="") for e in ctx.timeline),
        measures=tuple(replace(m, text=scrub(m.text, pupil), by="") for m in ctx.measures),
        pupil_words="",
    )
