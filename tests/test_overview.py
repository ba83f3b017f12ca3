"""The anonymous overview: figures against a hand-computed export, and the «<5» rules.

The export (school «Nordby», as of Friday 5.9.2025, term from Friday 15.8.2025: 16 school
days, weeks 33 (1 day), 34, 35 and 36 (5 days each); a school day is 330 minutes):

- 8A, six pupils: A1 sick all Monday 25.8; A2 two 45-minute lessons on Tuesday 26.8
  (90/330 of a day); A3–A6 only late (for_sent, which does not count).
- 8B, five pupils: B1 sick Monday 1.9 and Tuesday 2.9; B2–B5 only late.
- 9A, three pupils: C1 sick Monday 18.8; C2, C3 only late.
- The year before, 8A had five pupils with records in the same weeks (16.8–6.9.2024):
  L1 absent Monday 26.8.2024, L2–L5 only late.
"""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

import pytest

from naervaer_cli.disclosure import COMPLEMENT, SHOWN, SMALL, holds, suppress

HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fraværstype;Heldag\n"


def _late(pid: str, name: str, group: str, day: str) -> str:
    return f"{pid};{name};{group};{day};08:30;08:40;For sent;Nei\n"


ROWS = [
    "1001;Ask, Anna;8A;25.08.2025;;;Syk;Ja\n",
    "1002;Berg, Bo;8A;26.08.2025;09:00;09:45;Ikke dokumentert;Nei\n",
    "1002;Berg, Bo;8A;26.08.2025;10:00;10:45;Ikke dokumentert;Nei\n",
    *(_late(f"100{n}", f"Lie, Elev{n}", "8A", "19.08.2025") for n in range(3, 7)),
    "2001;Dahl, Dina;8B;01.09.2025;;;Syk;Ja\n",
    "2001;Dahl, Dina;8B;02.09.2025;;;Syk;Ja\n",
    *(_late(f"200{n}", f"Moe, Elev{n}", "8B", "19.08.2025") for n in range(2, 6)),
    "3001;Eik, Emil;9A;18.08.2025;;;Syk;Ja\n",
    *(_late(f"300{n}", f"Nes, Elev{n}", "9A", "19.08.2025") for n in range(2, 4)),
    "4001;Fjell, Frida;8A;26.08.2024;;;Ikke dokumentert;Ja\n",
    *(_late(f"400{n}", f"Holm, Elev{n}", "8A", "20.08.2024") for n in range(2, 6)),
]
NAMES = [row.split(";")[1] for row in ROWS]
IDS = [row.split(";")[0] for row in ROWS]
AS_OF = date(2025, 9, 5)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "nordby.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


def build(export: Path, school: str = "Nordby"):
    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.config import load_config
    from naervaer_cli.inputs import load_school_records
    from naervaer_cli.overview import overview
    from naervaer_cli.policy import load_policy

    config = load_config()
    records = load_school_records(
        [],
        [(school, export)],
        config,
        today=AS_OF,
        calendar=SchoolCalendar(),
        default_school="Skolen",
    )
    return overview(records, load_policy(), SchoolCalendar(), as_of=AS_OF, first=date(2025, 8, 15))


def rows_by_label(result):
    return {r.label: r for r in result.rows}


def test_weeks_of_the_term(export: Path) -> None:
    result = build(export)
    assert [(w.week, w.school_days) for w in result.weeks] == [(33, 1), (34, 5), (35, 5), (36, 5)]
    assert (result.last_first, result.last_as_of) == (date(2024, 8, 16), date(2024, 9, 6))


def test_shares_equal_the_hand_computed_ones(export: Path) -> None:
    rows = rows_by_label(build(export))
    school, a = rows["Nordby"], rows["8A"]
    assert [r.label for r in build(export).rows] == [
        "Nordby",
        "8. trinn",
        "8A",
        "8B",
        "9. trinn",
        "9A",
    ]
    assert school.pupils.value == 14
    # (1 + 90/330 + 2 + 1) day-equivalents ÷ (14 pupils × 16 school days)
    assert school.share.value == pytest.approx((1 + 90 / 330 + 2 + 1) / (14 * 16))
    assert [f.value for f in school.weeks] == pytest.approx(
        [0.0, 1 / 70, (1 + 90 / 330) / 70, 2 / 70]
    )
    assert a.pupils.value == 6
    assert a.share.value == pytest.approx((1 + 90 / 330) / (6 * 16))
    assert [f.value for f in a.weeks] == pytest.approx([0.0, 0.0, (1 + 90 / 330) / 30, 0.0])
    # The year before: five pupils in 8. trinn, one whole day in week 35.
    assert school.last_pupils.value == 5
    assert school.last_share.value == pytest.approx(1 / (5 * 16))
    assert [f.value for f in school.last_weeks] == pytest.approx([0.0, 0.0, 1 / 25, 0.0])


def test_small_units_and_the_cells_that_would_give_them_away_are_hidden(export: Path) -> None:
    rows = rows_by_label(build(export))
    # 9A and 9. trinn have three pupils: «<5», and so are their shares.
    for label in ("9. trinn", "9A"):
        assert (rows[label].pupils.mark, rows[label].pupils.value) == (SMALL, None)
        assert rows[label].share.value is None
        assert all(f.value is None for f in rows[label].weeks)
    # 14 − 3 would give 8. trinn away beside the school's 14, so 8. trinn is hidden too, and
    # then 8B (the smaller of 8A and 8B) so that 8. trinn is not 6 + 5.
    assert rows["8. trinn"].pupils.mark == COMPLEMENT
    assert rows["8B"].pupils.mark == COMPLEMENT
    assert rows["8B"].share.value is None
    assert rows["8A"].pupils.mark == SHOWN
    # No pupil is flagged: every zero is «<5», and the one full category with them.
    for row in rows.values():
        assert [f.value for f in row.status[:2]] == [None, None]
        assert row.status[2].value is None
        assert row.open_cases.mark == SMALL and row.overdue.mark == SMALL


def test_no_count_under_five_and_no_personal_data_in_json(export: Path) -> None:
    from naervaer_cli.overview import to_json

    data = to_json(build(export))
    text = repr(data)
    for needle in [*NAMES, *IDS]:
        assert needle not in text
    for unit in data["units"]:
        counts = [
            unit["pupils"],
            *unit["status"],
            *unit["levels"],
            unit["open_cases"],
            unit["overdue_evaluations"],
            unit["last_year_pupils"],
        ]
        assert all(c in ("<5", "×", None) or c >= 5 for c in counts), unit


def test_min_group_comes_from_the_policy(export: Path, tmp_path: Path) -> None:
    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.config import load_config
    from naervaer_cli.inputs import load_school_records
    from naervaer_cli.overview import overview
    from naervaer_cli.policy import load_policy

    policy_file = tmp_path / "liten.toml"
    policy_file.write_text("[overview]\nmin_group = 3\n", encoding="utf-8")
    policy = load_policy(policy_file)
    assert policy.overview.min_group == 3
    records = load_school_records(
        [],
        [("Nordby", export)],
        load_config(),
        today=AS_OF,
        calendar=SchoolCalendar(),
        default_school="Skolen",
    )
    result = overview(records, policy, SchoolCalendar(), as_of=AS_OF, first=date(2025, 8, 15))
    assert rows_by_label(result)["9A"].pupils.value == 3
    bad = tmp_path / "feil.toml"
    bad.write_text("[overview]\nmin_group = 0\n", encoding="utf-8")
    from naervaer_cli.errors import InputError

    with pytest.raises(InputError) as caught:
        load_policy(bad)
    assert str(caught.value) == (
        f"{bad} linje 2: «overview.min_group» skal være et helt tall ≥ 1, ikke «0»."
    )


# ----------------------------------------------------------------- the suppression rule


def test_one_small_cell_in_a_row_takes_the_smallest_other_with_it() -> None:
    values = {"a": 3, "b": 7, "c": 20, "total": 30}
    marks = suppress(values, [["a", "b", "c", "total"]], 5)
    assert marks == {"a": SMALL, "b": COMPLEMENT, "c": SHOWN, "total": SHOWN}


def test_two_small_cells_that_could_be_pinned_by_their_bounds_are_covered() -> None:
    # 4 + 4 = 8 shown as a total would give both away: the total is hidden as well.
    values = {"a": 4, "b": 4, "total": 8}
    marks = suppress(values, [["a", "b", "total"]], 5)
    assert marks == {"a": SMALL, "b": SMALL, "total": COMPLEMENT}


def test_zero_is_hidden_too() -> None:
    values = {"a": 0, "b": 12, "total": 12}
    assert suppress(values, [["a", "b", "total"]], 5) == {
        "a": SMALL,
        "b": COMPLEMENT,
        "total": SHOWN,
    }


def test_the_rule_holds_on_every_small_two_level_table() -> None:
    """Every 2×2 table of counts 0–7 with row, column and grand totals: the marks meet both
    rules, and no hidden count equals one worked out from a single relation."""
    for a, b, c, d in product(range(8), repeat=4):
        values = {
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "r1": a + b,
            "r2": c + d,
            "c1": a + c,
            "c2": b + d,
            "t": a + b + c + d,
        }
        relations = [
            ["a", "b", "r1"],
            ["c", "d", "r2"],
            ["a", "c", "c1"],
            ["b", "d", "c2"],
            ["r1", "r2", "t"],
            ["c1", "c2", "t"],
        ]
        marks = suppress(values, relations, 5)
        assert holds(values, relations, marks, 5), values
        for relation in relations:
            hidden = [k for k in relation if marks[k] != SHOWN]
            assert len(hidden) != 1, (values, relation)


# ----------------------------------------------------------------- where the data start

# Sørby's export starts on Monday 1.9.2025, two weeks into the term: no record before.
LATE_ROWS = [
    "5001;Sol, Siri;8A;01.09.2025;;;Syk;Ja\n",
    *(_late(f"500{n}", f"Vik, Elev{n}", "8A", "02.09.2025") for n in range(2, 7)),
]


def build_schools(tmp_path: Path, first: date, late: list[str] = LATE_ROWS):
    """Nordby (the export above) and Sørby (`late`), each from its own file."""
    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.config import load_config
    from naervaer_cli.inputs import load_school_records
    from naervaer_cli.overview import overview
    from naervaer_cli.policy import load_policy

    files = []
    for name, rows in (("Nordby", ROWS), ("Sørby", late)):
        path = tmp_path / f"{name}.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        files.append((name, path))
    calendar = SchoolCalendar()
    records = load_school_records(
        [], files, load_config(), today=AS_OF, calendar=calendar, default_school="Skolen"
    )
    return overview(records, load_policy(), calendar, as_of=AS_OF, first=first)


def test_a_school_whose_data_start_after_the_first_week_is_refused(tmp_path: Path) -> None:
    """Shares over days without data would be too low and those weeks would show 0 %: the
    overview names each such school and the --from that every school covers."""
    from naervaer_cli.errors import InputError

    with pytest.raises(InputError) as refused:
        build_schools(tmp_path, first=date(2025, 8, 15))
    assert str(refused.value) == (
        "Dataene dekker ikke perioden 15.08.2025–05.09.2025: Sørby har data fra 01.09.2025. "
        "Andelene ville blitt regnet over dager uten data og vist for lite fravær. "
        "Oppgi --from 01.09.2025, eller ta med eksportene fra 15.08.2025."
    )


def test_last_year_is_shown_only_where_the_data_reach_back(tmp_path: Path) -> None:
    """From 1.9.2025 both schools cover the period. Last year's same days (from 2.9.2024)
    only Nordby's data reach: Sørby and all schools together show "–", and say why."""
    from naervaer_cli.output.overview import about_lines, last_year_note
    from naervaer_cli.overview import NONE, to_json

    result = build_schools(tmp_path, first=date(2025, 9, 1))
    rows = rows_by_label(result)
    assert result.last_missing == (("Sørby", date(2025, 9, 1)),)
    for label in ("Alle skoler", "Sørby"):
        row = rows[label]
        assert (row.last_pupils, row.last_share) == (NONE, NONE)
        assert set(row.last_weeks) == {NONE}
    # Nordby's data start 20.08.2024: its (empty) last year is a count, hidden as small.
    assert rows["Nordby"].last_pupils.mark == SMALL
    note = (
        "Året før vises ikke for Sørby (dataene starter 01.09.2025) eller for alle skolene "
        "samlet: dataene går ikke tilbake til 02.09.2024."
    )
    assert last_year_note(result) == note and note in about_lines(result)
    assert to_json(result)["last_year"]["not_covered"] == [
        {"school": "Sørby", "data_from": "2025-09-01"}
    ]
    by_label = {u["label"]: u for u in to_json(result)["units"]}
    assert by_label["Sørby"]["last_year_pupils"] is None
    assert by_label["Nordby"]["last_year_pupils"] == "<5"


def test_last_year_note_is_absent_when_every_school_reaches_back(export: Path) -> None:
    from naervaer_cli.output.overview import last_year_note

    result = build(export)
    assert result.last_missing == () and last_year_note(result) is None


def test_a_school_week_without_records_is_named_under_the_table(tmp_path: Path) -> None:
    """Sørby has records on 15.08 and from 01.09: 18–29.08 (ten school days) hold none, a
    break the calendar does not know or data left out. Nordby's year before has records
    on 20 and 26.08.2024 only: 27.08–06.09.2024 too. The figures stay; the gaps are said."""
    from naervaer_cli.output.overview import about_lines, hole_notes
    from naervaer_cli.overview import to_json

    early = _late("5009", "Vik, Elev9", "8A", "15.08.2025")
    result = build_schools(tmp_path, first=date(2025, 8, 15), late=[early, *LATE_ROWS])
    assert result.holes == (
        ("Nordby", date(2024, 8, 27), date(2024, 9, 6), 9),
        ("Sørby", date(2025, 8, 18), date(2025, 8, 29), 10),
    )
    note = (
        "Sørby: Ingen registreringer 18.08.2025–29.08.2025 (10 skoledager). Er det en ferie, "
        "legg den inn i [calendar] breaks i konfigurasjonen; ellers mangler data der, og "
        "andelene er for lave."
    )
    assert hole_notes(result)[1] == note and note in about_lines(result)
    assert to_json(result)["without_records"][1] == {
        "school": "Sørby",
        "first": "2025-08-18",
        "last": "2025-08-29",
        "school_days": 10,
    }
