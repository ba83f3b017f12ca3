"""The ressursteam's cases: each pupil on the agenda as a numbered case with its referral,
anonymous unless the parents have consented (`case consent PUPIL ja`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from naervaer_cli.caselog.events import Event
from naervaer_cli.documents.context import PupilContext, TeamContext
from naervaer_cli.documents.referral import Referral, anonymise, build_referral


@dataclass(frozen=True)
class TeamCase:
    """One case on the agenda: `doc` has no name, number or class when `ref.anonymous`."""

    number: int
    doc: PupilContext
    ref: Referral
    reason: str  # the flags in short, as the agenda lists them
    responsible: tuple[str, ...]


def team_cases(team: TeamContext, events: Mapping[str, Sequence[Event]]) -> tuple[TeamCase, ...]:
    """The agenda's cases in its order (highest level first)."""
    reasons = {item.pupil.pupil_id: item.reason for item in team.items}
    cases = []
    for number, ctx in enumerate(team.pupils, start=1):
        referral = build_referral(ctx, events.get(ctx.pupil.pupil_id, ()), number)
        cases.append(
            TeamCase(
                number=number,
                doc=anonymise(ctx, referral),
                ref=referral,
                reason=reasons.get(ctx.pupil.pupil_id, ""),
                responsible=ctx.plan.responsible,
            )
        )
    return tuple(cases)
