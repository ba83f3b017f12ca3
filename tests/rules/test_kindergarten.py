"""The barnehage rules of §4 on tiny frames, and the planted patterns of the sample log."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.kindergarten import kindergarten_flags
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import scan

POLICY = load_policy("aas")
AS_OF = date(2026, 11, 20)
FIRST = AS_OF - timedelta(days=27)
DAYS = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]


def child(pid: str, born: date | None = None, **fields) -> dict:
    return {
        "pupil_id": pid,
        "name": f"Barn {pid}",
        "group": "Maurtua",
        "contact": None,
        "birth_date": born,
        **fields,
    }


def present(
    day: date, who: dict, arrived: str | None = "08:00", departed: str | None = "16:00"
) -> dict:
    row = record(day, kind="tilstede", whole_day=False, **who)
    row["arrived"] = _clock(arrived)
    row["departed"] = _clock(departed)
    return row


def away(day: date, who: dict, notified: bool | None = True, kind: str = "sykdom") -> dict:
    return record(day, kind=kind, whole_day=True, notified=notified, **who)


def _clock(text: str | None):
    from datetime import time

    if text is None:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def flags(rows: list[dict]) -> dict[str, list]:
    return dict(kindergarten_flags(records(rows), POLICY, AS_OF))


def rules_of(found: dict, pid: str) -> list[tuple]:
    return [(f.rule, f.severity, f.count, f.threshold) for f in found.get(pid, [])]


# ----------------------------------------------------------------------- unnotified_absence


def test_two_days_without_notice_is_concern() -> None:
    who = child("1", date(2022, 5, 1))
    found = flags(
        [
            away(DAYS[0], who, notified=False),
            away(DAYS[3], who, notified=False),
            away(DAYS[5], who, notified=True),
        ]
    )
    assert rules_of(found, "1") == [("unnotified_absence", "concern", 2, 2)]
    assert found["1"][0].dates == (DAYS[0], DAYS[3])


def test_unknown_notice_is_not_no_notice() -> None:
    who = child("1", date(2022, 5, 1))
    assert flags([away(DAYS[0], who, notified=None), away(DAYS[1], who, notified=None)]) == {}


def test_leave_without_notice_counts_too() -> None:
    who = child("1", date(2022, 5, 1))
    found = flags(
        [away(DAYS[0], who, notified=False, kind="permisjon"), away(DAYS[1], who, notified=False)]
    )
    assert rules_of(found, "1") == [("unnotified_absence", "concern", 2, 2)]


def test_unnotified_only_in_the_window() -> None:
    who = child("1", date(2022, 5, 1))
    rows = [
        away(FIRST - timedelta(days=1), who, notified=False),
        away(AS_OF + timedelta(days=3), who, notified=False),
        away(FIRST, who, notified=False),
    ]
    assert flags(rows) == {}


# ----------------------------------------------------------------------- high_absence


def _group(born: date, counts: list[int], prefix: str) -> list[dict]:
    rows = []
    for n, count in enumerate(counts):
        who = child(f"{prefix}{n}", born)
        rows += [away(day, who) for day in DAYS[:count]]
        rows += [present(day, who) for day in DAYS[count:]]
    return rows


def test_the_same_count_is_high_among_the_oldest_not_the_youngest() -> None:
    # Six days: usual among one-year-olds who are often away, high among five-year-olds.
    ones = _group(date(2025, 6, 1), [6, 6, 5, 7, 6, 8, 6, 5, 6, 7], "a")
    fives = _group(date(2021, 6, 1), [6, 0, 1, 0, 2, 1, 0, 3, 1, 0], "b")
    found = flags(ones + fives)
    assert "a0" not in found
    assert rules_of(found, "b0") == [("high_absence", "watch", 6, 5)]
    assert found["b0"][0].dates == tuple(DAYS[:6])
    # The highest one-year-old is at the band's 90th percentile (7.1 → 8) and ≥ 5.
    assert rules_of(found, "a5") == [("high_absence", "watch", 8, 8)]


def test_high_absence_needs_the_minimum_days() -> None:
    fives = _group(date(2021, 6, 1), [4, 0, 0, 0, 0, 0, 0, 0, 0, 0], "b")
    assert flags(fives) == {}


def test_leave_is_not_high_absence() -> None:
    rows = _group(date(2021, 6, 1), [0] * 10, "b")
    who = child("x", date(2021, 6, 1))
    rows += [away(day, who, kind="permisjon") for day in DAYS[:7]]
    assert flags(rows) == {}


def test_age_from_age_group_when_no_birth_date() -> None:
    # Were «y» counted among these one-year-olds, six days would be below their percentile.
    ones = _group(date(2025, 6, 1), [7, 7, 7, 7, 7, 7, 7, 7, 4, 4], "a")
    older = child("y", None, age_group="3–5 år")
    others = [child(f"o{n}", None, age_group="4 år") for n in range(9)]
    rows = ones + [away(day, older) for day in DAYS[:6]]
    rows += [present(DAYS[0], who) for who in others]
    found = flags(rows)
    assert [f.rule for f in found["y"]] == ["high_absence"]


def test_band_uses_the_age_on_the_reference_date() -> None:
    assert POLICY.kindergarten.band_of(2) == 0
    assert POLICY.kindergarten.band_of(3) == 1
    assert POLICY.kindergarten.band_of(6) == 1


# ----------------------------------------------------------------------- pickup_dropoff


def test_late_pickups_after_closing_time() -> None:
    who = child("1", date(2022, 5, 1))
    rows = [
        present(DAYS[0], who, departed="16:41"),
        present(DAYS[1], who, departed="16:30"),
        present(DAYS[2], who, departed="16:31"),
    ]
    found = flags(rows)
    assert rules_of(found, "1") == [("pickup_dropoff", "concern", 2, 2)]
    assert found["1"][0].lessons == ("02.11 hentet 16:41", "04.11 hentet 16:31")


def test_missing_check_in_or_out() -> None:
    who = child("1", date(2022, 5, 1))
    rows = [present(DAYS[0], who, departed=None), present(DAYS[1], who, arrived=None)]
    found = flags(rows)
    assert found["1"][0].lessons == ("02.11 mangler utsjekk", "03.11 mangler innsjekk")


def test_absent_days_have_no_pickup() -> None:
    who = child("1", date(2022, 5, 1))
    assert flags([away(DAYS[0], who), away(DAYS[1], who)]) == {}


# ----------------------------------------------------------------------- the sample log


def test_sample_barnehage_log_planted_patterns() -> None:
    log = Path(__file__).resolve().parents[2] / "sample_data" / "barnehage_tilstede.csv"
    rows = load_exports([log], load_config(), today=date(2026, 11, 20)).records
    result = scan(rows, POLICY, setting="barnehage")
    assert result.as_of == AS_OF
    got = {p.name: [(f.rule, f.severity, f.count) for f in p.flags] for p in result.pupils}
    assert got == {
        "Rustad, Selma": [("unnotified_absence", "concern", 3)],
        "Kolstad, Even": [("pickup_dropoff", "concern", 3)],
        "Hagen, Ylva": [("pickup_dropoff", "concern", 2)],
        "Hovland, Mats": [("high_absence", "watch", 6)],
        "Haugen, Håkon": [("high_absence", "watch", 9)],
        "Haugen, Ørjan": [("high_absence", "watch", 8)],
    }
    assert all(p.suggestion.responsible == ("Ped.leder", "Styrer") for p in result.pupils)


# ----------------------------------------------------------------------- properties

KIDS = [child(str(n), date(2021 + n % 5, 3, 1)) for n in range(6)]


@st.composite
def a_row(draw: st.DrawFn) -> dict:
    who = draw(st.sampled_from(KIDS))
    day = FIRST + timedelta(days=draw(st.integers(-3, 30)))
    if draw(st.booleans()):
        return away(
            day,
            who,
            notified=draw(st.sampled_from([True, False, None])),
            kind=draw(st.sampled_from(["sykdom", "permisjon", "udokumentert"])),
        )
    return present(
        day,
        who,
        arrived=draw(st.sampled_from(["07:30", None])),
        departed=draw(st.sampled_from(["16:00", "16:45", None])),
    )


@settings(max_examples=50, deadline=None)
@given(st.lists(a_row(), min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_row_order_never_changes_a_barnehage_flag(rows: list[dict], rnd) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert flags(shuffled) == flags(rows)
