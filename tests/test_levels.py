"""The level suggestion of §5, with the innsatsplan texts from the policy."""

from __future__ import annotations

from datetime import date

from naervaer_cli.levels import is_flagged, suggest
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, Flag

POLICY = load_policy("aas")
AS_OF = date(2026, 11, 20)
CONCERN = Flag("absence_days", "concern", 8, 7, (date(2026, 11, 2),))
WATCH = Flag("absence_days", "watch", 5, 5, (date(2026, 11, 2),))
SIGNAL = Flag("term_share", "watch", 12, 10, (date(2026, 11, 2),), signal=True)


def case(level: int, **fields) -> CaseSummary:
    return CaseSummary(pupil_id="1", level=level, opened=date(2026, 10, 1), **fields)


def test_no_case_is_level_0_with_the_plans_words() -> None:
    plan = POLICY.plans["skole"].level(0)
    got = suggest([CONCERN], None, POLICY, "skole", AS_OF)
    assert got.level == 0
    assert got.responsible == ("Kontaktlærer",)
    assert got.next_step == plan.next_step
    assert got.tools == ("Dokumenter ligger i IST dokumentflyt",)
    assert got.due == ""


def test_barnehage_uses_its_own_plan() -> None:
    got = suggest([CONCERN], None, POLICY, "barnehage", AS_OF)
    assert got.responsible == ("Ped.leder", "Styrer")
    assert got.next_step == POLICY.plans["barnehage"].level(0).next_step


def test_open_at_0_and_still_flagged_goes_to_1() -> None:
    got = suggest([CONCERN], case(0), POLICY, "skole", AS_OF)
    assert got.level == 1
    assert got.tools == POLICY.plans["skole"].level(1).tools
    assert "Skoleledelse" in got.responsible


def test_watch_and_signals_do_not_raise_a_level() -> None:
    assert not is_flagged([WATCH, SIGNAL], POLICY)
    assert suggest([WATCH, SIGNAL], case(0), POLICY, "skole", AS_OF).level == 0


def test_open_at_1_evaluated_without_improvement_goes_to_2() -> None:
    due = case(1, evaluation_due=date(2026, 11, 13), last_evaluation_improved=False)
    got = suggest([CONCERN], due, POLICY, "skole", AS_OF)
    assert got.level == 2
    assert got.tools == ("Drøfting i tverrfaglig ressursteam",)


def test_open_at_1_evaluation_due_today_counts_as_reached() -> None:
    due = case(1, evaluation_due=AS_OF, last_evaluation_improved=False)
    assert suggest([CONCERN], due, POLICY, "skole", AS_OF).level == 2


def test_open_at_1_not_yet_due_stays() -> None:
    later = case(1, evaluation_due=date(2026, 11, 27), last_evaluation_improved=False)
    got = suggest([CONCERN], later, POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (1, "Evaluering 27.11.2026.")


def test_open_at_1_due_but_not_evaluated_asks_for_the_evaluation() -> None:
    due = case(1, evaluation_due=date(2026, 11, 13))
    got = suggest([CONCERN], due, POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (1, "Evaluering var 13.11.2026 – registrer evalueringen.")


def test_open_at_1_improved_stays() -> None:
    improved = case(1, evaluation_due=date(2026, 11, 13), last_evaluation_improved=True)
    assert suggest([CONCERN], improved, POLICY, "skole", AS_OF).level == 1


def test_open_at_1_without_measures() -> None:
    got = suggest([CONCERN], case(1), POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (1, "Beslutt tiltak og avtal evalueringsdato.")


def test_open_at_2_keeps_and_shows_next_meeting() -> None:
    got = suggest([CONCERN], case(2, next_meeting=date(2026, 12, 3)), POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (2, "Neste møte 03.12.2026.")
    assert suggest([CONCERN], case(2), POLICY, "skole", AS_OF).due == (
        "Avtal nytt møte for å evaluere."
    )


def test_open_and_no_longer_flagged_shows_the_evaluation() -> None:
    calm = case(1, evaluation_due=date(2026, 12, 1))
    got = suggest([], calm, POLICY, "skole", AS_OF)
    assert got.level == 1
    assert got.due == (
        "Evaluering 01.12.2026; avslutt saken først etter en evaluering som viser økt nærvær."
    )
    improved = case(1, evaluation_due=date(2026, 12, 1), last_evaluation_improved=True)
    assert suggest([], improved, POLICY, "skole", AS_OF).due == (
        "Nærværet har økt ved siste evaluering – saken kan avsluttes."
    )


def test_signals_raise_a_level_only_when_the_policy_says_so(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[school.signals]\nraise_level = true\n", encoding="utf-8")
    policy = load_policy(path)
    assert is_flagged([SIGNAL], policy)
    assert suggest([SIGNAL], case(0), policy, "skole", AS_OF).level == 1
    assert not is_flagged([WATCH], policy)


def test_open_at_1_due_and_the_data_says_presence_fell_suggests_2() -> None:
    fell = case(1, evaluation_due=date(2026, 11, 13), presence_before=0.9, presence_after=0.6)
    got = suggest([CONCERN], fell, POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (
        2,
        "Evaluering var 13.11.2026: nærværet har ikke økt "
        "(90 % før tiltaket, 60 % etter) – registrer evalueringen.",
    )


def test_open_at_1_due_and_the_data_says_presence_rose_stays() -> None:
    rose = case(1, evaluation_due=date(2026, 11, 13), presence_before=0.6, presence_after=0.9)
    got = suggest([CONCERN], rose, POLICY, "skole", AS_OF)
    assert (got.level, got.due) == (
        1,
        "Evaluering var 13.11.2026: nærværet har økt "
        "(60 % før tiltaket, 90 % etter) – registrer evalueringen.",
    )


def test_a_recorded_evaluation_wins_over_the_data() -> None:
    recorded = case(
        1,
        evaluation_due=date(2026, 11, 13),
        last_evaluation_improved=True,
        presence_before=0.9,
        presence_after=0.6,
    )
    assert suggest([CONCERN], recorded, POLICY, "skole", AS_OF).level == 1
