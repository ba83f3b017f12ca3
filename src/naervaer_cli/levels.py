"""The level suggestion (§5): which NIVÅ of the innsatsplan a flagged pupil belongs at."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from naervaer_cli.policy import Policy
from naervaer_cli.result import CaseSummary, Flag, Setting, Suggestion
from naervaer_cli.words import date_text as _day
from naervaer_cli.words import percent


def _percent(share: float | None) -> str:
    return percent(share, 0)


def is_flagged(flags: Iterable[Flag], policy: Policy) -> bool:
    """Whether the flags confirm a concern: a guide rule at `concern`, or a signal when the
    policy lets signals raise the level."""
    raise_signals = policy.school.signals.raise_level

    def confirms(flag: Flag) -> bool:
        return raise_signals if flag.signal else flag.severity == "concern"

    return any(confirms(f) for f in flags)


def evaluation_overdue(case: CaseSummary | None, as_of: date) -> bool:
    """The case's evaluation date has come and no evaluation has been recorded since."""
    return case is not None and case.evaluation_due is not None and case.evaluation_due <= as_of


def suggest(
    flags: Iterable[Flag],
    case: CaseSummary | None,
    policy: Policy,
    setting: Setting = "skole",
    as_of: date | None = None,
) -> Suggestion:
    """The suggested level and what the policy's innsatsplan says to do there.

    - no open case → NIVÅ 0;
    - open at NIVÅ 0 and still flagged → NIVÅ 1;
    - open at NIVÅ 1, evaluation date reached and presence not improved → NIVÅ 2;
    - open at NIVÅ 2 → keep it and show the next meeting;
    - open and no longer flagged → keep the level and show the evaluation date.
    """
    plan = policy.plans[setting]
    # Without a case the level is 0 whatever fired, so the flags need no reading.
    flagged = case is not None and is_flagged(flags, policy)
    top = plan.levels[-1].level
    due = ""
    needs_evaluation = False
    if case is None:
        level = 0
    elif case.level <= 0:
        level = min(1, top) if flagged else 0
    elif case.level == 1:
        reached = as_of is not None and evaluation_overdue(case, as_of)
        level = min(2, top) if reached and case.improved is False else 1
        if case.evaluation_due is None:
            due = "Beslutt tiltak og avtal evalueringsdato."
        elif reached and case.last_evaluation_improved is None:
            needs_evaluation = True
            due = f"Evaluering var {_day(case.evaluation_due)} – registrer evalueringen."
            if case.improved is not None:
                answer = "har økt" if case.improved else "har ikke økt"
                due = (
                    f"Evaluering var {_day(case.evaluation_due)}: nærværet {answer} "
                    f"({_percent(case.presence_before)} før tiltaket, "
                    f"{_percent(case.presence_after)} etter) – registrer evalueringen."
                )
        elif level == 1:
            due = f"Evaluering {_day(case.evaluation_due)}."
    else:
        level = min(case.level, top)
        due = (
            f"Neste møte {_day(case.next_meeting)}."
            if case.next_meeting
            else "Avtal nytt møte for å evaluere."
        )
    if case is not None and not flagged and level == case.level and not needs_evaluation:
        if case.last_evaluation_improved:
            due = "Nærværet har økt ved siste evaluering – saken kan avsluttes."
        elif case.evaluation_due is not None:
            due = (
                f"Evaluering {_day(case.evaluation_due)}; avslutt saken først etter en "
                "evaluering som viser økt nærvær."
            )
    step = plan.level(level)
    return Suggestion(
        level=level,
        responsible=step.responsible,
        next_step=step.next_step,
        tools=step.tools,
        due=due,
    )
