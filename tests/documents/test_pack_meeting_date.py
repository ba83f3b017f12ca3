"""`pack` without --meeting: the case log's planned next meeting, else the next school day
with a note on stderr. A real SQLite case log, the sample export, the real CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from naervaer_cli.caselog.store import CaseStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"
FRIDAY = date(2026, 11, 27)  # the next school day is Monday 30.11.2026


def plan_meeting(home: Path, next_meeting: date) -> None:
    """10229 has an open case whose last meeting planned `next_meeting`; 10235 has none."""
    with CaseStore(home / "caselog.sqlite") as store:
        store.open_case("10229", setting="skole", day=date(2026, 11, 2), by="Terje Nygård")
        store.record_meeting(
            "10229", day=date(2026, 11, 20), by="Terje Nygård", next_meeting=next_meeting
        )
        store.open_case("10235", setting="skole", day=date(2026, 11, 10), by="Terje Nygård")


def innkalling(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pack(cli, out: Path, *args: str, today: date = FRIDAY):
    return cli(
        "pack", *args, "-i", SAMPLE, "--out", out, "-f", "md", "-d", "innkalling", today=today
    )


def note(pupil_id: str, day: str, why: str = "") -> str:
    why = why or f"Saksloggen har ikke noe planlagt møte for elevnummer {pupil_id}"
    return (
        f"Merk: {why}. Dokumentene bruker neste skoledag, {day}, som møtedato; "
        "velg en annen med --meeting DATO.\n"
    )


def test_the_planned_meeting_is_the_innkallings_date(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    plan_meeting(naervaer_home, date(2026, 12, 3))
    run = pack(cli, tmp_path, "10229")
    assert (run.code, run.err) == (0, "")
    text = innkalling(tmp_path / "elev-10229.md")
    assert "torsdag 3. desember 2026" in text
    assert "30. november" not in text


def test_without_a_plan_the_next_school_day_and_a_note(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    plan_meeting(naervaer_home, date(2026, 12, 3))
    run = pack(cli, tmp_path, "10229", "10235")
    assert run.code == 0, run.err
    # Each pupil its own date: 10229's plan, 10235 the guess and the note.
    assert run.err == note("10235", "mandag 30. november 2026")
    assert "torsdag 3. desember 2026" in innkalling(tmp_path / "elev-10229.md")
    assert "mandag 30. november 2026" in innkalling(tmp_path / "elev-10235.md")


def test_without_a_case_log_the_note_too(cli, tmp_path: Path) -> None:
    run = pack(cli, tmp_path, "10229")
    assert (run.code, run.err) == (0, note("10229", "mandag 30. november 2026"))
    assert "mandag 30. november 2026" in innkalling(tmp_path / "elev-10229.md")


def test_a_passed_plan_is_not_used(cli, tmp_path: Path, naervaer_home: Path) -> None:
    plan_meeting(naervaer_home, date(2026, 11, 26))
    run = pack(cli, tmp_path, "10229")
    assert (run.code, run.err) == (
        0,
        note(
            "10229",
            "mandag 30. november 2026",
            "Det planlagte møtet i saksloggen for elevnummer 10229 (26.11.2026) er passert",
        ),
    )
    assert "26. november" not in innkalling(tmp_path / "elev-10229.md")


def test_a_plan_for_today_is_used(cli, tmp_path: Path, naervaer_home: Path) -> None:
    plan_meeting(naervaer_home, date(2026, 12, 3))
    run = pack(cli, tmp_path, "10229", today=date(2026, 12, 3))
    assert (run.code, run.err) == (0, "")
    assert "torsdag 3. desember 2026" in innkalling(tmp_path / "elev-10229.md")


def test_meeting_option_wins_over_the_plan(cli, tmp_path: Path, naervaer_home: Path) -> None:
    plan_meeting(naervaer_home, date(2026, 12, 3))
    run = pack(cli, tmp_path, "10229", "--meeting", "01.12.2026")
    assert (run.code, run.err) == (0, "")
    text = innkalling(tmp_path / "elev-10229.md")
    assert "tirsdag 1. desember 2026" in text and "3. desember" not in text


def test_a_plan_that_is_no_school_day_stops_the_pack(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    # The store takes any date (the CLI checks); a skolerute can also change after planning.
    plan_meeting(naervaer_home, date(2026, 12, 5))
    run = pack(cli, tmp_path / "ut", "10229")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Det planlagte møtet i saksloggen for elevnummer 10229 (05.12.2026) er en "
        "lørdag, ikke en skoledag. Oppgi møtedatoen med --meeting DATO.\n"
    )
    assert not (tmp_path / "ut").exists()


def test_the_resource_team_meets_on_its_own_date(cli, tmp_path: Path, naervaer_home: Path) -> None:
    # A pupil's planned meeting is with the parents, not the team's meeting.
    plan_meeting(naervaer_home, date(2026, 12, 3))
    run = cli(
        "pack", "-v", "--resource-team", "-i", SAMPLE, "--out", tmp_path, "-f", "md", today=FRIDAY
    )
    assert run.code == 0, run.err
    assert run.err == (
        "Merk: Ressursteamets møtedato er ikke oppgitt. Dokumentene bruker neste skoledag, "
        "mandag 30. november 2026, som møtedato; velg en annen med --meeting DATO.\n"
    )
    assert run.out == f"{tmp_path / 'ressursteam-2026-11-30.md'}\n"

    run = cli(
        "pack",
        "-v",
        "--resource-team",
        "-i",
        SAMPLE,
        "--out",
        tmp_path,
        "-f",
        "md",
        "--meeting",
        "03.12.2026",
        today=FRIDAY,
    )
    assert (run.code, run.err) == (0, "")
    assert run.out == f"{tmp_path / 'ressursteam-2026-12-03.md'}\n"
